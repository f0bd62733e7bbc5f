import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";
import { hostnameRejection, isAllowedHost } from "../investigation/probeAddress";
import { isToolName } from "../tools/catalog";
import { toolArgumentProblems } from "../tools/schemas";
import type { Assessment, RecommendedAction } from "./assessment";
import { detectPromptInjection, type InjectionFinding } from "./injection";
import { readSignals } from "./signals";

/**
 * Guardrails over the analyst's proposals. They hold whatever produced the assessment: a proposal
 * survives only when its tool is in the handler's allow-list, its arguments validate against the
 * tool's schema, and every resource it touches is in the incident's scope.
 */

export interface DroppedAction {
  action: RecommendedAction;
  reason: string;
}

export interface GuardrailResult {
  accepted: RecommendedAction[];
  dropped: DroppedAction[];
  notices: string[];
  /**
   * Present when the guardrails overrule a false-positive verdict, because the act step closes
   * false positives on its own: `inconclusive`, with the reason.
   */
  verdict?: { verdict: Assessment["verdict"]; reason: string };
}

/** Tools that end or downgrade an incident; alert text must not be able to trigger them. */
const OUTCOME_TOOLS = new Set(["pagerduty.resolve", "azureMonitor.closeAlert", "pagerduty.setPriority"]);
const CLOSING_TOOLS = new Set(["pagerduty.resolve", "azureMonitor.closeAlert"]);

/**
 * Resources an action may touch, lower-cased: the incident's targets, and in reader mode also the
 * resources that read-only collectors returned in this run (a person approves each action there).
 */
export function actionScope(incident: Incident, handler: Handler, evidence: Evidence[]): Set<string> {
  const scope = new Set(incident.targets.map((target) => target.toLowerCase()));
  if (handler.autonomy === "reader") {
    for (const item of evidence) for (const resource of item.discoveredResources ?? []) scope.add(resource.toLowerCase());
  }
  return scope;
}

function sameId(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

/** Returns why the action reaches outside the incident, or undefined when everything it touches is in scope. */
function scopeProblem(action: RecommendedAction, incident: Incident, handler: Handler, scope: Set<string>): string | undefined {
  const args = action.arguments;

  if (typeof args.resourceId === "string" && !scope.has(args.resourceId.toLowerCase())) {
    return `resource ${args.resourceId} is not one of this incident's ${handler.autonomy === "reader" ? "targets or discovered resources" : "targets"}`;
  }
  if (args.incidentId !== undefined) {
    if (incident.source !== "pagerduty") return "the incident did not come from PagerDuty";
    if (!sameId(args.incidentId, incident.sourceId)) return `PagerDuty incident ${String(args.incidentId)} is not this incident (${incident.sourceId})`;
  }
  if (args.alertId !== undefined) {
    if (incident.source !== "azure-monitor") return "the incident did not come from Azure Monitor";
    if (!sameId(args.alertId, incident.sourceId)) return `alert ${String(args.alertId)} is not this incident's alert`;
  }
  if (args.workspaceId !== undefined && !sameId(args.workspaceId, incident.condition?.workspaceId ?? "")) {
    return `workspace ${String(args.workspaceId)} is not the alert's workspace`;
  }
  if (action.tool === "runbook.invokeWebhook") {
    const runbooks = Object.keys(handler.runbooks ?? {});
    if (!runbooks.includes(String(args.runbook))) return `runbook ${String(args.runbook)} is not one the handler names (${runbooks.join(", ") || "none"})`;
  }
  if (action.tool === "appService.scaleOut" && handler.maxInstances !== undefined && Number(args.instanceCount) > handler.maxInstances) {
    return `instance count ${String(args.instanceCount)} is above the handler's maxInstances ${handler.maxInstances}`;
  }
  if (action.tool === "probe.http") {
    let url: URL;
    try {
      url = new URL(String(args.url));
    } catch {
      return "the probe URL is not an absolute URL";
    }
    const rejected = hostnameRejection(url.hostname);
    if (rejected) return rejected;
    const allowedHosts = handler.probe?.allowedHosts ?? [];
    if (allowedHosts.length > 0 && !isAllowedHost(url.hostname, allowedHosts)) return `host ${url.hostname} is not in the handler's probe.allowedHosts`;
  }
  return undefined;
}

function actionKey(action: RecommendedAction): string {
  const sorted = Object.keys(action.arguments).sort().map((key) => [key, action.arguments[key]]);
  return `${action.tool} ${JSON.stringify(sorted).toLowerCase()}`;
}

function injectionNotice(findings: InjectionFinding[]): string {
  const places = findings.slice(0, 5).map((finding) => `${finding.source} ("${finding.excerpt.slice(0, 120)}")`);
  return (
    `Possible prompt injection: ${places.join("; ")} reads like instructions to the agent. ` +
    "The agent treats it as data: it cannot change the handler's tools, autonomy or approvals, and the agent does not resolve, close or reprioritize this incident on its own."
  );
}

/**
 * Checks every recommended action of `assessment`; returns the accepted ones, the dropped ones with
 * the reason, and notices for the thread (possible prompt injection).
 */
export function applyGuardrails(assessment: Assessment, handler: Handler, incident: Incident, evidence: Evidence[]): GuardrailResult {
  const scope = actionScope(incident, handler, evidence);
  const injection = detectPromptInjection(incident, evidence);
  const problems = readSignals(incident, evidence).problems;
  const allowed = new Set(handler.tools);
  const accepted: RecommendedAction[] = [];
  const dropped: DroppedAction[] = [];
  const seen = new Set<string>();

  const drop = (action: RecommendedAction, reason: string) => dropped.push({ action, reason });

  for (const action of assessment.recommendedActions) {
    if (!isToolName(action.tool)) {
      drop(action, `unknown tool "${action.tool}"`);
      continue;
    }
    if (!allowed.has(action.tool)) {
      drop(action, `tool ${action.tool} is not in handler ${handler.name}'s allow-list`);
      continue;
    }
    const argumentProblems = toolArgumentProblems(action.tool, action.arguments);
    if (argumentProblems.length > 0) {
      drop(action, `invalid arguments: ${argumentProblems.join("; ")}`);
      continue;
    }
    const outOfScope = scopeProblem(action, incident, handler, scope);
    if (outOfScope) {
      drop(action, `out of scope: ${outOfScope}`);
      continue;
    }
    if (OUTCOME_TOOLS.has(action.tool) && injection.length > 0) {
      drop(action, "the alert data holds possible prompt injection, so the agent does not change this incident's outcome; a person decides");
      continue;
    }
    if (CLOSING_TOOLS.has(action.tool) && assessment.verdict !== "false_positive") {
      drop(action, `closing the incident needs a false-positive verdict, not ${assessment.verdict}`);
      continue;
    }
    if (CLOSING_TOOLS.has(action.tool) && problems.length > 0) {
      drop(action, `the evidence still shows a problem (${problems.map((problem) => problem.text).join("; ")})`);
      continue;
    }
    const key = actionKey(action);
    if (seen.has(key)) {
      drop(action, "the same action is already proposed");
      continue;
    }
    seen.add(key);
    accepted.push(action);
  }

  const notices = injection.length > 0 ? [injectionNotice(injection)] : [];
  const overruled = overruleFalsePositive(assessment, injection, problems.map((problem) => problem.text));
  return { accepted, dropped, notices, ...(overruled ? { verdict: overruled } : {}) };
}

/**
 * Returns an `inconclusive` verdict in place of a false positive that the alert data may have
 * dictated (possible prompt injection) or that the evidence contradicts (a problem signal). This
 * way neither text in an alert nor a wrong model closes a real incident.
 */
function overruleFalsePositive(assessment: Assessment, injection: InjectionFinding[], problems: string[]): GuardrailResult["verdict"] {
  if (assessment.verdict !== "false_positive") return undefined;
  if (injection.length > 0) {
    return { verdict: "inconclusive", reason: "the false-positive verdict was made on alert data that holds possible prompt injection; a person decides." };
  }
  if (problems.length > 0) {
    return { verdict: "inconclusive", reason: `the false-positive verdict conflicts with the evidence (${problems.join("; ")}); a person decides.` };
  }
  return undefined;
}
