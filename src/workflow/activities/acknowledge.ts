import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import { stopReason } from "./plan";
import { threadUrl } from "./close";
import type { Handler } from "../../handlers/handler";
import type { Incident } from "../../intake/incident";
import type { Services } from "../../app/services";
import { runAction } from "../../tools/execute";
import { plannedAction } from "../../tools/plan";
import { azureAlertId, pagerDutyIncidentId } from "../../tools/results";
import type { PlannedAction } from "../../tools/types";

/**
 * Lists the bookkeeping that informs the source platform that the agent has the incident, where
 * the handler allows each tool: PagerDuty acknowledge and an "investigating" note, or the Azure
 * Monitor alert state `Acknowledged`.
 */
function platformAcknowledgements(services: Services, incident: Incident, handler: Handler): PlannedAction[] {
  const actions: PlannedAction[] = [];
  const incidentId = pagerDutyIncidentId(incident);
  if (incidentId && handler.tools.includes("pagerduty.acknowledge")) {
    actions.push(plannedAction("acknowledge", "pagerduty.acknowledge", { incidentId }, "Tell PagerDuty that the agent has the incident."));
  }
  if (incidentId && handler.tools.includes("pagerduty.addNote")) {
    const note = `The SRE agent is investigating this incident (handler ${handler.name}, ${handler.autonomy} mode). Thread: ${threadUrl(services, incident.key)}`;
    actions.push(plannedAction("acknowledge", "pagerduty.addNote", { incidentId, note }, "Tell the on-call team that the agent is investigating."));
  }
  const alertId = azureAlertId(incident);
  if (alertId && handler.tools.includes("azureMonitor.acknowledgeAlert")) {
    actions.push(plannedAction("acknowledge", "azureMonitor.acknowledgeAlert", { alertId }, "Tell Azure Monitor that the agent has the alert."));
  }
  return actions;
}

async function acknowledgeOnPlatform(services: Services, incident: Incident, handler: Handler, context: InvocationContext): Promise<void> {
  if (stopReason(incident)) return;
  const actions = platformAcknowledgements(services, incident, handler);
  if (actions.length === 0) return;

  if (!services.settings.agentWritesEnabled) {
    await services.threads.append(incident.key, {
      id: "recommendation-acknowledge",
      author: "agent",
      kind: "notice",
      text: `Agent writes are off (AGENT_WRITES_ENABLED=false), so the agent did not acknowledge on the platform. Recommended: ${actions.map((action) => action.description).join("; ")}.`,
      data: { recommendation: true, actions: actions.map((action) => ({ tool: action.tool, arguments: action.arguments })) },
    });
    return;
  }

  for (const action of actions) {
    const result = await runAction(action, { services, incident, handler, logger: context });
    await services.threads.append(incident.key, {
      id: `action-${action.id}`,
      author: "agent",
      kind: result.status === "success" ? "action" : "notice",
      text: result.status === "success" ? result.summary : `${action.description} did not succeed (${result.status}): ${result.summary}`,
      data: { actionId: action.id, tool: action.tool, purpose: action.purpose, result },
    });
  }
}

/** Records that the agent has the incident, posts that to its thread, and acknowledges it on its platform. */
export async function acknowledgeIncidentActivity(input: { incidentKey: string; handler: Handler }, context: InvocationContext): Promise<{ acknowledgedAt: string }> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const now = new Date().toISOString();

  await services.threads.append(incident.key, {
    id: "acknowledged",
    author: "agent",
    kind: "acknowledged",
    text: `The agent acknowledged the incident and is investigating (handler ${input.handler.name}).`,
    data: { handler: input.handler.name },
  });
  const updated = await services.incidents.update(incident.key, (current) => {
    if (current.acknowledgedAt) return undefined;
    const status = current.status === "open" ? "investigating" : current.status;
    return { ...current, status, acknowledgedAt: now };
  });

  await acknowledgeOnPlatform(services, updated, input.handler, context);
  context.log("Incident acknowledged.", { incidentKey: incident.key });
  return { acknowledgedAt: updated.acknowledgedAt ?? now };
}
