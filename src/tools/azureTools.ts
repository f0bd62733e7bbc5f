import { armFor, type Arm } from "../platforms/arm";
import { changeAlertState } from "../platforms/azureMonitor";
import { restartVirtualMachine, restartWebApp, scaleOutAppServicePlan } from "../platforms/azureResources";
import { redact } from "../analysis/redact";
import type { ToolName } from "./catalog";
import { azureAlertId, failed, notConfigured, refused, succeeded } from "./results";
import type { ToolContext, ToolResult } from "./types";

export const AZURE_OFF = "Azure writes are off: set AZURE_CLIENT_ID (managed identity) or AZURE_CREDENTIAL so the agent has an Azure credential.";

function arm(tool: ToolName, context: ToolContext, attempted: Record<string, unknown>): Arm | ToolResult {
  return armFor(context.services) ?? notConfigured(tool, AZURE_OFF, attempted);
}

/** Returns the alert a state change acts on: this incident's own alert, never one named in alert text. */
function ownAlert(tool: ToolName, args: Record<string, unknown>, context: ToolContext): string | ToolResult {
  const own = azureAlertId(context.incident);
  if (!own) return refused(tool, `${tool} acts on Azure Monitor alerts only; this incident came from ${context.incident.source}.`);
  const requested = typeof args.alertId === "string" ? args.alertId : own;
  if (requested.toLowerCase() !== own.toLowerCase()) {
    return refused(tool, `${tool} may act only on this incident's alert ${own}, not ${requested}.`, { resource: requested });
  }
  return own;
}

async function setAlertState(tool: ToolName, newState: "Acknowledged" | "Closed", comment: string, args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const alertId = ownAlert(tool, args, context);
  if (typeof alertId !== "string") return alertId;
  const attempted = { resource: alertId, newState };
  const client = arm(tool, context, attempted);
  if (!("request" in client)) return client;
  try {
    const result = await changeAlertState(client, alertId, newState, redact(comment));
    const summary = {
      changed: `Set the Azure Monitor alert state to ${newState}.`,
      unchanged: `The Azure Monitor alert was already ${newState}.`,
      "already-closed": "The Azure Monitor alert is closed; the agent did not set it back to Acknowledged.",
    }[result.outcome];
    return succeeded(tool, summary, attempted, { outcome: result.outcome, state: result.state });
  } catch (error) {
    return failed(tool, attempted, error);
  }
}

export function acknowledgeAzureAlert(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  return setAlertState("azureMonitor.acknowledgeAlert", "Acknowledged", `The SRE agent is investigating (incident ${context.incident.key}).`, args, context);
}

export function closeAzureAlert(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const comment = typeof args.comment === "string" && args.comment.trim() !== "" ? args.comment : `Closed by the SRE agent (incident ${context.incident.key}).`;
  return setAlertState("azureMonitor.closeAlert", "Closed", comment, args, context);
}

export async function restartAppService(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "appService.restart";
  const resourceId = String(args.resourceId ?? "");
  const attempted = { resource: resourceId };
  const client = arm(tool, context, attempted);
  if (!("request" in client)) return client;
  try {
    const status = await restartWebApp(client, resourceId);
    return succeeded(tool, `Restarted App Service app ${resourceId}.`, attempted, undefined, status);
  } catch (error) {
    return failed(tool, attempted, error);
  }
}

export async function scaleOutAppService(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "appService.scaleOut";
  const resourceId = String(args.resourceId ?? "");
  const instances = Number(args.instanceCount);
  const attempted = { resource: resourceId, instanceCount: instances };

  const maximum = context.handler.maxInstances;
  if (maximum === undefined) {
    return notConfigured(tool, `Handler ${context.handler.name} sets no maxInstances, so the agent may not scale out; add maxInstances to the handler.`, attempted);
  }
  if (!Number.isInteger(instances) || instances < 1 || instances > maximum) {
    return refused(tool, `Scaling to ${args.instanceCount} instances is outside the handler's bound of 1 to ${maximum}.`, attempted);
  }

  const client = arm(tool, context, attempted);
  if (!("request" in client)) return client;
  try {
    const result = await scaleOutAppServicePlan(client, resourceId, instances);
    const summary = result.changed
      ? `Scaled out App Service plan ${result.planId} from ${result.previousCapacity} to ${result.capacity} instances.`
      : `App Service plan ${result.planId} already runs ${result.previousCapacity} instances; nothing changed.`;
    return succeeded(tool, summary, attempted, { ...result });
  } catch (error) {
    return failed(tool, attempted, error);
  }
}

export async function restartVm(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "vm.restart";
  const resourceId = String(args.resourceId ?? "");
  const attempted = { resource: resourceId };
  const client = arm(tool, context, attempted);
  if (!("request" in client)) return client;
  try {
    const status = await restartVirtualMachine(client, resourceId);
    return succeeded(tool, `Restart of virtual machine ${resourceId} accepted.`, attempted, undefined, status);
  } catch (error) {
    return failed(tool, attempted, error);
  }
}
