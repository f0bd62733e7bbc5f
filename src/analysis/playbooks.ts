import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import { MAX_TARGETS } from "../investigation/collect";
import { resourceTypeOf } from "../investigation/resourceId";
import type { RecommendedAction } from "./assessment";
import type { EvidenceSignals } from "./signals";

/**
 * Per-resource-type remediation playbooks of the rule-based analyst. They propose only tools the
 * handler allows; the guardrails check every proposal again.
 */

/**
 * Instance count a scale-out proposes when the handler sets no `maxInstances`; the approval page
 * shows it. NOTE: the analyst does not know the plan's current count, so the executor must not
 * scale in when the plan already runs more instances.
 */
export const DEFAULT_SCALE_OUT_INSTANCES = 3;

function allows(handler: Handler, tool: string): boolean {
  return handler.tools.includes(tool);
}

/** Remediations for an actionable incident: scale out under CPU or memory pressure, restart otherwise, and the handler's runbook. */
export function remediationActions(incident: Incident, handler: Handler, signals: EvidenceSignals): RecommendedAction[] {
  const actions: RecommendedAction[] = [];
  const reason = signals.problems[0]?.text ?? "the evidence shows a problem";
  const pressured = new Set(signals.pressure.map((signal) => signal.resource).filter((resource): resource is string => !!resource));
  const instanceCount = handler.maxInstances ?? DEFAULT_SCALE_OUT_INSTANCES;

  for (const target of incident.targets.slice(0, MAX_TARGETS)) {
    const type = resourceTypeOf(target);
    const scalable = type === "microsoft.web/sites" || type === "microsoft.web/serverfarms";
    if (scalable && pressured.has(target) && instanceCount > 1 && allows(handler, "appService.scaleOut")) {
      actions.push({
        tool: "appService.scaleOut",
        arguments: { resourceId: target, instanceCount },
        rationale: `Sustained pressure (${signals.pressure.find((signal) => signal.resource === target)?.text}); more instances spread the load.`,
      });
      continue;
    }
    if (type === "microsoft.web/sites" && allows(handler, "appService.restart")) {
      actions.push({ tool: "appService.restart", arguments: { resourceId: target }, rationale: `Restart the app because ${reason}.` });
    }
    if (type === "microsoft.compute/virtualmachines" && allows(handler, "vm.restart")) {
      actions.push({ tool: "vm.restart", arguments: { resourceId: target }, rationale: `Restart the virtual machine because ${reason}.` });
    }
  }

  const runbooks = Object.keys(handler.runbooks ?? {}).sort();
  if (runbooks.length > 0 && allows(handler, "runbook.invokeWebhook")) {
    const target = incident.targets[0];
    actions.push({
      tool: "runbook.invokeWebhook",
      arguments: { runbook: runbooks[0], ...(target ? { resourceId: target } : {}) },
      rationale: `The handler names runbook ${runbooks[0]} for incidents like this one.`,
    });
  }
  return actions;
}

/** Closing actions for a false positive: resolve the PagerDuty incident or close the Azure Monitor alert. */
export function falsePositiveActions(incident: Incident, handler: Handler, reason: string): RecommendedAction[] {
  const why = reason.slice(0, 900);
  if (incident.source === "pagerduty" && allows(handler, "pagerduty.resolve")) {
    return [{ tool: "pagerduty.resolve", arguments: { incidentId: incident.sourceId, resolution: why }, rationale: `False positive: ${why}` }];
  }
  if (incident.source === "azure-monitor" && allows(handler, "azureMonitor.closeAlert")) {
    return [{ tool: "azureMonitor.closeAlert", arguments: { alertId: incident.sourceId, comment: why }, rationale: `False positive: ${why}` }];
  }
  return [];
}
