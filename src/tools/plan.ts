import { createHash } from "node:crypto";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";
import type { Assessment, RecommendedAction } from "../analysis/assessment";
import { RESOURCE_ARGUMENTS, toolArgumentProblems } from "./schemas";
import { actionTool, CLOSING_TOOLS, REMEDIATION_TOOLS, type ActionToolName } from "./registry";
import { azureAlertId, pagerDutyIncidentId } from "./results";
import type { ActionPurpose, PlannedAction } from "./types";

/**
 * Turns an assessment's recommended actions into the actions the orchestrator may run or offer for
 * approval. Every proposal is checked again here, whatever the analyst checked: the tool must be
 * an action tool the handler allows, its arguments must match the tool's schema, and every
 * resource it names must be in the incident's scope. Alert text can therefore never widen what
 * the handler allows.
 */

export interface DroppedAction {
  tool: string;
  reason: string;
}

export interface ActionPlan {
  /** Bookkeeping and updates (notes, priority) to run first. */
  updates: PlannedAction[];
  /** Remediations; a verification follows them. */
  remediations: PlannedAction[];
  /** Resolve and close actions to run now: only for a false positive. */
  closing: PlannedAction[];
  dropped: DroppedAction[];
}

/** Canonical JSON: object keys sorted, so equal arguments always hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** SHA-256 of the tool name and its canonical arguments, hex. */
export function hashArguments(tool: string, args: Record<string, unknown>): string {
  return createHash("sha256").update(`${tool}\n${canonical(args)}`).digest("hex");
}

function purposeOf(tool: ActionToolName): ActionPurpose {
  if (CLOSING_TOOLS.includes(tool)) return "closing";
  if (REMEDIATION_TOOLS.includes(tool)) return "remediation";
  return actionTool(tool)!.kind === "bookkeeping" ? "bookkeeping" : "update";
}

/** Describes an action in one line for the thread, the approval page and notifications. */
export function describeAction(tool: string, args: Record<string, unknown>): string {
  const resource = typeof args.resourceId === "string" ? args.resourceId : undefined;
  switch (tool) {
    case "appService.restart":
      return `Restart App Service app ${resource}`;
    case "appService.scaleOut":
      return `Scale out the App Service plan of ${resource} to ${String(args.instanceCount)} instances`;
    case "vm.restart":
      return `Restart virtual machine ${resource}`;
    case "runbook.invokeWebhook":
      return `Start runbook ${String(args.runbook)}${resource ? ` for ${resource}` : ""}`;
    case "pagerduty.resolve":
      return `Resolve PagerDuty incident ${String(args.incidentId)}`;
    case "pagerduty.setPriority":
      return `Set the priority of PagerDuty incident ${String(args.incidentId)} to ${String(args.priority)}`;
    case "pagerduty.acknowledge":
      return `Acknowledge PagerDuty incident ${String(args.incidentId)}`;
    case "pagerduty.addNote":
      return `Add a note to PagerDuty incident ${String(args.incidentId)}`;
    case "azureMonitor.closeAlert":
      return "Close the Azure Monitor alert";
    case "azureMonitor.acknowledgeAlert":
      return "Acknowledge the Azure Monitor alert";
    default:
      return `Run ${tool}`;
  }
}

/** Builds a planned action; `phase` keeps ids apart when the same tool runs in two steps. */
export function plannedAction(phase: string, tool: ActionToolName, args: Record<string, unknown>, rationale: string): PlannedAction {
  const argumentsHash = hashArguments(tool, args);
  return {
    id: `${phase}-${tool.replace(/\./g, "-").toLowerCase()}-${argumentsHash.slice(0, 12)}`,
    tool,
    kind: actionTool(tool)!.kind,
    purpose: purposeOf(tool),
    arguments: args,
    argumentsHash,
    rationale,
    description: describeAction(tool, args),
  };
}

/**
 * Returns why `action` may not run on `incident` under `handler`, or undefined when it may.
 * In autonomous mode the scope is the incident's targets. Reader mode adds the resources that a
 * collector returned in this run, because a person approves each action anyway.
 */
export function proposalProblem(incident: Incident, handler: Handler, evidence: Evidence[], action: RecommendedAction): string | undefined {
  const tool = actionTool(action.tool);
  if (!tool) return `"${action.tool}" is not a tool the agent can act with.`;
  if (!handler.tools.includes(tool.name)) return `Handler ${handler.name} does not allow ${tool.name}.`;

  const problems = toolArgumentProblems(tool.name, action.arguments);
  if (problems.length > 0) return `The arguments do not match the schema of ${tool.name}: ${problems.join("; ")}.`;

  const scope = new Set(incident.targets.map((target) => target.toLowerCase()));
  if (handler.autonomy === "reader") {
    for (const item of evidence) for (const resource of item.discoveredResources ?? []) scope.add(resource.toLowerCase());
  }
  for (const name of RESOURCE_ARGUMENTS) {
    const value = action.arguments[name];
    if (typeof value === "string" && !scope.has(value.toLowerCase())) {
      const where = handler.autonomy === "reader" ? "the incident's targets or the resources its evidence returned" : "the incident's targets";
      return `${value} is not among ${where}.`;
    }
  }

  const incidentId = action.arguments.incidentId;
  const ownIncident = pagerDutyIncidentId(incident);
  if (incidentId !== undefined && (!ownIncident || String(incidentId).toLowerCase() !== ownIncident.toLowerCase())) {
    return `PagerDuty incident ${String(incidentId)} is not this incident's.`;
  }
  const alertId = action.arguments.alertId;
  const ownAlert = azureAlertId(incident);
  if (alertId !== undefined && (!ownAlert || String(alertId).toLowerCase() !== ownAlert.toLowerCase())) {
    return `Alert ${String(alertId)} is not this incident's alert.`;
  }
  return undefined;
}

/** Sorts the assessment's recommended actions into the plan, dropping (with the reason) what may not run. */
export function planActions(incident: Incident, handler: Handler, assessment: Assessment, evidence: Evidence[]): ActionPlan {
  const plan: ActionPlan = { updates: [], remediations: [], closing: [], dropped: [] };
  const seen = new Set<string>();

  for (const recommendation of assessment.recommendedActions) {
    const problem = proposalProblem(incident, handler, evidence, recommendation);
    if (problem) {
      plan.dropped.push({ tool: recommendation.tool, reason: problem });
      continue;
    }
    const action = plannedAction("act", recommendation.tool as ActionToolName, recommendation.arguments, recommendation.rationale);
    if (seen.has(action.argumentsHash)) continue;
    seen.add(action.argumentsHash);

    if (action.purpose === "closing") {
      if (assessment.verdict === "false_positive") plan.closing.push(action);
      else plan.dropped.push({ tool: action.tool, reason: "Resolving or closing waits for a verified fix; the agent does it after verification where the handler allows it." });
    } else if (action.purpose === "remediation") {
      if (assessment.verdict === "actionable") plan.remediations.push(action);
      else plan.dropped.push({ tool: action.tool, reason: `The verdict is ${assessment.verdict}, so the agent runs no remediation.` });
    } else {
      plan.updates.push(action);
    }
  }

  if (assessment.verdict === "false_positive" && plan.closing.length === 0) {
    plan.closing.push(...closingActions(incident, handler, "false-positive", `False positive: ${assessment.summary}`));
  }
  return plan;
}

const MAX_RESOLUTION_CHARS = 2000;

/**
 * The actions that end the incident on its platform, where the handler allows them: resolve the
 * PagerDuty incident, or close the Azure Monitor alert, with `summary` as the resolution note.
 */
export function closingActions(incident: Incident, handler: Handler, phase: string, summary: string): PlannedAction[] {
  const text = summary.length > MAX_RESOLUTION_CHARS ? `${summary.slice(0, MAX_RESOLUTION_CHARS - 1)}…` : summary;
  const actions: PlannedAction[] = [];
  const incidentId = pagerDutyIncidentId(incident);
  if (incidentId && handler.tools.includes("pagerduty.resolve")) {
    actions.push(plannedAction(phase, "pagerduty.resolve", { incidentId, resolution: text }, "End the incident on PagerDuty."));
  }
  const alertId = azureAlertId(incident);
  if (alertId && handler.tools.includes("azureMonitor.closeAlert")) {
    actions.push(plannedAction(phase, "azureMonitor.closeAlert", { alertId, comment: text }, "End the incident on Azure Monitor."));
  }
  return actions;
}
