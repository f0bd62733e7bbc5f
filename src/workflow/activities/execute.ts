import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import { stopReason } from "./plan";
import type { Handler } from "../../handlers/handler";
import type { IncidentStatus } from "../../intake/incident";
import type { PlannedAction, ToolResult } from "../../tools/types";
import { runAction } from "../../tools/execute";

export interface ExecuteActionInput {
  incidentKey: string;
  handler: Handler;
  action: PlannedAction;
  /** The approval that allowed a write in reader mode. */
  approval?: { approvalId: string; by?: string; at?: string };
}

export interface ExecuteActionResult {
  result?: ToolResult;
  /** Set when the action did not run because a person took over or the incident resolved. */
  skipped?: "taken-over" | "resolved";
}

function actionText(input: ExecuteActionInput, result: ToolResult): string {
  const how = input.approval ? ` Approved by ${input.approval.by ?? "a person"}${input.approval.at ? ` at ${input.approval.at}` : ""}.` : input.handler.autonomy === "autonomous" && input.action.kind === "write" ? " Run in autonomous mode." : "";
  const outcome = result.status === "success" ? result.summary : `${input.action.description} did not succeed (${result.status}): ${result.summary}`;
  return `${outcome}${how}`;
}

/**
 * Runs one planned action, unless a person took the incident over or it resolved meanwhile, and
 * posts the result to the thread. The outbox makes a retried activity return the first result.
 */
export async function executeActionActivity(input: ExecuteActionInput, context: InvocationContext): Promise<ExecuteActionResult> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const stop = stopReason(incident);
  if (stop) {
    context.log("Action skipped: the agent no longer writes to this incident.", { incidentKey: incident.key, tool: input.action.tool, reason: stop.reason });
    return { skipped: stop.endedBy === "person" ? "taken-over" : "resolved" };
  }

  if (input.action.kind === "write") await setStatus(input.incidentKey, "acting");
  const result = await runAction(input.action, { services, incident, handler: input.handler, logger: context });

  await services.threads.append(incident.key, {
    id: `action-${input.action.id}`,
    author: "agent",
    kind: "action",
    text: actionText(input, result),
    data: {
      actionId: input.action.id,
      tool: input.action.tool,
      arguments: input.action.arguments,
      purpose: input.action.purpose,
      approvalId: input.approval?.approvalId,
      approvedBy: input.approval?.by,
      result,
    },
  });
  return { result };
}

async function setStatus(incidentKey: string, status: IncidentStatus): Promise<void> {
  await getServices().incidents.update(incidentKey, (current) => (current.status === "resolved" || current.status === status ? undefined : { ...current, status }));
}

/** Sets the incident's status (`verifying`, for example) unless it is resolved. */
export async function setIncidentStatusActivity(input: { incidentKey: string; status: IncidentStatus }): Promise<void> {
  await setStatus(input.incidentKey, input.status);
}
