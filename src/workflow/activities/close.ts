import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import type { Handler } from "../../handlers/handler";
import type { Incident } from "../../intake/incident";
import type { Services } from "../../app/services";
import { outboxKey, outboxStore } from "../../storage/outbox";
import { describeWebhook, postChatMessage } from "../../platforms/webhooks";
import { runAction } from "../../tools/execute";
import { plannedAction } from "../../tools/plan";
import { pagerDutyIncidentId } from "../../tools/results";
import { threadPath } from "../../web/paths";

export interface CloseInput {
  incidentKey: string;
  /** `escalated` leaves the incident to people; `resolved` records that it is over. */
  outcome: "escalated" | "resolved";
  reason: string;
  /** The incident's handler, for the escalation note; without it no note is written. */
  handler?: Handler;
  /** Set when the platform or a person ended the agent's work: the message is a notice and no note is written. */
  endedBy?: "platform" | "person";
}

/** Returns the incident's thread page on the public base URL. */
export function threadUrl(services: Services, incidentKey: string): string {
  return `${services.settings.publicBaseUrl}${threadPath(incidentKey)}`;
}

/**
 * Informs people that the agent hands the incident over: a PagerDuty note where the handler allows
 * notes, and a chat message to the handler's webhook. Failures become thread notices, because the
 * thread already has the escalation.
 */
async function announceEscalation(services: Services, incident: Incident, handler: Handler, reason: string, context: InvocationContext): Promise<void> {
  // With agent writes off, the thread is the only record, and its recommendations list what to do.
  if (!services.settings.agentWritesEnabled) return;
  const link = threadUrl(services, incident.key);
  const incidentId = pagerDutyIncidentId(incident);
  if (incidentId && handler.tools.includes("pagerduty.addNote") && !incident.takenOverBy) {
    const note = `The SRE agent hands this incident to the on-call team. ${reason} Thread: ${link}`;
    const result = await runAction(plannedAction("escalate", "pagerduty.addNote", { incidentId, note }, "Hand the incident to people."), {
      services,
      incident,
      handler,
      logger: context,
    });
    if (result.status !== "success") {
      await services.threads.append(incident.key, { id: "notice-escalation-note", author: "agent", kind: "notice", text: `The escalation note was not posted to PagerDuty: ${result.summary}` });
    }
  }

  const url = handler.notify?.webhookUrl;
  if (!url) return;
  const outbox = outboxStore(services);
  const key = outboxKey("notify", "escalation");
  if (await outbox.get(incident.key, key)) return;
  try {
    const result = await postChatMessage(url, `[${incident.priority}] ${incident.title}: the SRE agent escalates to the on-call team. ${reason} Thread: ${link}`);
    await outbox.record(incident.key, { key, tool: "notify.webhook", completedAt: new Date().toISOString(), result: { status: result.status } });
  } catch (error) {
    context.warn("Escalation notification failed.", { incidentKey: incident.key, webhook: describeWebhook(url), error: (error as Error).message });
    await services.threads.append(incident.key, {
      id: "notice-escalation-notify",
      author: "agent",
      kind: "notice",
      text: `The escalation was not sent to the handler's chat webhook (${describeWebhook(url)}): ${(error as Error).message}`,
    });
  }
}

/** Writes the closing message of the agent's work on an incident, informs people on escalation, and sets the final status. */
export async function closeIncidentActivity(input: CloseInput, context: InvocationContext): Promise<void> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);

  if (input.outcome === "escalated" && !input.endedBy && input.handler) {
    await announceEscalation(services, incident, input.handler, input.reason, context);
  }

  await services.threads.append(incident.key, {
    id: input.endedBy ? `close-${input.endedBy}` : `close-${input.outcome}`,
    author: "agent",
    kind: input.endedBy ? "notice" : input.outcome,
    text: input.reason,
    data: { outcome: input.outcome, endedBy: input.endedBy },
  });
  await services.incidents.update(incident.key, (current) => {
    if (current.status === "resolved" || current.status === input.outcome) return undefined;
    return { ...current, status: input.outcome, resolvedAt: input.outcome === "resolved" ? current.resolvedAt ?? new Date().toISOString() : current.resolvedAt };
  });
  context.log("Agent finished with the incident.", { incidentKey: incident.key, outcome: input.outcome, endedBy: input.endedBy });
}
