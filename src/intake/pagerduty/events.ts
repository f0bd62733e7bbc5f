import type { Services } from "../../app/services";
import type { Logger } from "../../app/logger";
import type { OrchestrationPort } from "../../workflow/port";
import type { MessageKind } from "../../storage/threads";
import { incidentKeyFor, type Incident } from "../incident";
import { openIncident, recordTakeover, resolveIncident, type IntakeOutcome } from "../lifecycle";
import type { PagerDutyEvent, PagerDutyIncidentChildData, PagerDutyIncidentData, PagerDutyReference } from "../schemas/pagerDuty";
import { validatePagerDutyIncidentChildData, validatePagerDutyIncidentData } from "../validation";
import { cut, isoTime, list, record, text } from "../values";
import { isAgentNote } from "./agentIdentity";
import { applyIncidentData, incidentFromTriggered, pagerDutyIncidentId, personName } from "./normalize";

/** Incident events whose `data` is the incident; each updates the incident and its thread. */
const INCIDENT_UPDATES = new Set([
  "incident.acknowledged",
  "incident.unacknowledged",
  "incident.reassigned",
  "incident.escalated",
  "incident.delegated",
  "incident.priority_updated",
  "incident.reopened",
]);

/** Incident events whose `data` is a sub-object (a note, a responder request) with an incident reference. */
const CHILD_UPDATES = new Set(["incident.annotated", "incident.responder.added"]);

/** A webhook event sorted by what intake does with it, with its data validated. */
export type ClassifiedEvent =
  | { kind: "triggered"; incidentId: string; data: PagerDutyIncidentData }
  | { kind: "resolved"; incidentId: string; data: PagerDutyIncidentData }
  | { kind: "incident-update"; incidentId: string; data: PagerDutyIncidentData }
  | { kind: "child-update"; incidentId: string; data: PagerDutyIncidentChildData }
  | { kind: "not-actionable"; incidentId?: string; reason: string };

/**
 * Sorts `event` and validates the data of the types intake acts on. Returns a problem string when
 * such an event lacks what its type requires. Every other type is accepted as not actionable,
 * because PagerDuty adds event types over time and disables a subscription whose deliveries keep
 * failing.
 */
export function classifyEvent(event: PagerDutyEvent): ClassifiedEvent | { problem: string } {
  const type = event.event_type;
  if (type === "pagey.ping") return { kind: "not-actionable", reason: "ping" };

  if (type === "incident.triggered" || type === "incident.resolved" || INCIDENT_UPDATES.has(type)) {
    const validation = validatePagerDutyIncidentData(event.data);
    if (!validation.ok) return { problem: `Invalid ${type} event: ${validation.problems.join("; ")}` };
    const data = validation.value;
    if (type === "incident.triggered") return { kind: "triggered", incidentId: data.id, data };
    if (type === "incident.resolved") return { kind: "resolved", incidentId: data.id, data };
    return { kind: "incident-update", incidentId: data.id, data };
  }

  if (CHILD_UPDATES.has(type)) {
    const validation = validatePagerDutyIncidentChildData(event.data);
    if (!validation.ok) return { problem: `Invalid ${type} event: ${validation.problems.join("; ")}` };
    return { kind: "child-update", incidentId: validation.value.incident.id, data: validation.value };
  }

  return { kind: "not-actionable", incidentId: pagerDutyIncidentId(event), reason: `event type ${type} is not handled` };
}

/** Services and identity an event is applied with. */
export interface EventScope {
  services: Services;
  port: OrchestrationPort;
  logger: Logger;
  /** The agent's PagerDuty user id, when known; its writes come back as echoes. */
  agentUserId?: string;
}

export interface EventResult {
  outcome: IntakeOutcome;
  incidentKey?: string;
  /** Reason an event was ignored or taken as an echo, for the log. */
  note?: string;
}

/** Applies a classified event to the incidents, threads and orchestrations. */
export async function applyEvent(scope: EventScope, event: PagerDutyEvent, classified: ClassifiedEvent): Promise<EventResult> {
  const { services } = scope;
  const settings = services.settings.pagerDuty;

  if (classified.kind === "not-actionable") {
    const incidentKey = classified.incidentId ? incidentKeyFor("pagerduty", classified.incidentId) : undefined;
    const known = incidentKey ? await services.incidents.get(incidentKey) : undefined;
    return { outcome: "ignored", incidentKey: known ? incidentKey : undefined, note: classified.reason };
  }

  const incidentKey = incidentKeyFor("pagerduty", classified.incidentId);
  const occurredAt = isoTime(event.occurred_at);

  if (isEcho(event, classified, scope.agentUserId)) {
    // The agent's own write: keep PagerDuty's view of the incident current, but write no message and raise nothing.
    if (classified.kind !== "child-update" && (await services.incidents.get(incidentKey))) {
      await services.incidents.update(incidentKey, (current) => applyIncidentData(current, classified.data, occurredAt, settings));
    }
    return { outcome: "echo", incidentKey, note: "the agent's own write" };
  }

  if (classified.kind === "triggered") {
    const incident = incidentFromTriggered(event, classified.data, settings);
    return { outcome: await openIncident(services, scope.port, incident), incidentKey };
  }

  let stored = await services.incidents.get(incidentKey);
  if (!stored && classified.kind === "resolved") {
    // Resolved before the agent saw it triggered: keep a tombstone, so a late `triggered` opens nothing.
    const resolvedAt = occurredAt ?? new Date().toISOString();
    const tombstone = { ...incidentFromTriggered(event, classified.data, settings), status: "resolved" as const, resolvedAt, tombstone: true };
    if ((await services.incidents.create(tombstone)) === "created") {
      return { outcome: "ignored", incidentKey, note: "resolved before the agent saw it triggered" };
    }
    stored = await services.incidents.get(incidentKey);
  }
  if (!stored) return { outcome: "ignored", incidentKey: undefined, note: "the agent never saw this incident" };

  if (classified.kind === "resolved") return resolveFromEvent(scope, event, classified.data, incidentKey, occurredAt);
  if (classified.kind === "incident-update") return updateFromEvent(scope, event, classified.data, stored.incident, occurredAt);
  return updateFromChildEvent(scope, event, classified.data, incidentKey);
}

function isEcho(event: PagerDutyEvent, classified: ClassifiedEvent, agentUserId: string | undefined): boolean {
  if (agentUserId && text(event.agent?.id) === agentUserId) return true;
  return classified.kind === "child-update" && event.event_type === "incident.annotated" && isAgentNote(classified.data.content);
}

/** True when a person (a user, not a service or automation) caused the event. */
function isPerson(agent: PagerDutyReference | null | undefined): boolean {
  const type = text(agent?.type);
  return type === "user_reference" || type === "user";
}

function byWhom(agent: PagerDutyReference | null | undefined): string {
  return agent ? ` by ${personName(agent)}` : "";
}

function threadData(event: PagerDutyEvent, extra: Record<string, unknown> = {}) {
  return { eventId: event.id, eventType: event.event_type, occurredAt: event.occurred_at ?? null, agent: event.agent ?? null, ...extra };
}

/**
 * `incident.resolved`. A person resolving it is a takeover as well. A resolve by merge means the
 * work moved to another PagerDuty incident, not that the problem is fixed: the incident is
 * resolved with a note naming the target, and `AlertResolved` carries `reason: "merged"`.
 */
async function resolveFromEvent(scope: EventScope, event: PagerDutyEvent, data: PagerDutyIncidentData, incidentKey: string, occurredAt: string | undefined): Promise<EventResult> {
  const { services, port } = scope;
  const resolvedAt = occurredAt ?? new Date().toISOString();
  const merged = text(data.resolve_reason?.type) === "merge_resolve_reason";
  const mergedInto = merged ? text(data.resolve_reason?.incident?.id) : undefined;

  await services.incidents.update(incidentKey, (current) => applyIncidentData(current, data, occurredAt, services.settings.pagerDuty));

  if (isPerson(event.agent) && !merged) {
    const by = personName(event.agent);
    await recordTakeover(services, port, incidentKey, {
      by,
      text: `${by} resolved the incident in PagerDuty, so the agent stops working on it.`,
      data: threadData(event),
      eventData: { source: "pagerduty", by, reason: "resolved", eventId: event.id },
    });
  }

  const resolutionText = merged
    ? `PagerDuty resolved this incident by merging it into ${mergedInto ?? "another incident"}${byWhom(event.agent)}. The alert moved there; it is not necessarily fixed.`
    : `Resolved in PagerDuty${byWhom(event.agent)}.`;
  await resolveIncident(services, port, incidentKey, {
    resolvedAt,
    messageId: `pagerduty-${event.id}`,
    text: resolutionText,
    data: threadData(event, { merged, mergedInto: mergedInto ?? null }),
    eventData: { source: "pagerduty", resolvedAt, reason: merged ? "merged" : "resolved", mergedInto, eventId: event.id },
  });
  return { outcome: "resolved", incidentKey, note: merged ? `merged into ${mergedInto ?? "another incident"}` : undefined };
}

/** Events whose data is the incident: acknowledged, reassigned, priority changes and the like. */
async function updateFromEvent(scope: EventScope, event: PagerDutyEvent, data: PagerDutyIncidentData, incident: Incident, occurredAt: string | undefined): Promise<EventResult> {
  const { services, port } = scope;
  const settings = services.settings.pagerDuty;
  const reopened = event.event_type === "incident.reopened";

  await services.incidents.update(incident.key, (current) => {
    const next = applyIncidentData(current, data, occurredAt, settings);
    // TODO: a reopened incident is marked open again, but its finished orchestration is not restarted.
    if (reopened && next.status === "resolved") return { ...next, status: "open", resolvedAt: undefined };
    return next;
  });

  await services.threads.append(incident.key, {
    id: `pagerduty-${event.id}`,
    author: "platform",
    kind: "platform-update",
    text: describeUpdate(event, data),
    data: threadData(event, { status: data.status ?? null, priority: data.priority?.summary ?? null, assignees: assigneeNames(data) }),
  });

  if (event.event_type === "incident.reassigned" && isPerson(event.agent) && !assignedToAgent(data, scope.agentUserId)) {
    const by = personName(event.agent);
    await recordTakeover(services, port, incident.key, {
      by,
      text: `${by} reassigned the incident in PagerDuty to ${assigneeNames(data).join(", ") || "someone else"}, so the agent stops working on it.`,
      data: threadData(event),
      eventData: { source: "pagerduty", by, reason: "reassigned", eventId: event.id },
    });
  }
  return { outcome: "updated", incidentKey: incident.key };
}

/** Events about a note or responder of the incident. */
async function updateFromChildEvent(scope: EventScope, event: PagerDutyEvent, data: PagerDutyIncidentChildData, incidentKey: string): Promise<EventResult> {
  const annotated = event.event_type === "incident.annotated";
  const kind: MessageKind = annotated ? "human-note" : "platform-update";
  const content = text(data.content);
  const messageText = annotated
    ? `Note in PagerDuty${byWhom(event.agent)}${data.trimmed ? " (PagerDuty trimmed it)" : ""}:\n${cut(content ?? "", 8_000)}`
    : `A responder was requested in PagerDuty${byWhom(event.agent)}.`;

  await scope.services.threads.append(incidentKey, {
    id: `pagerduty-${event.id}`,
    author: "platform",
    kind,
    text: messageText,
    data: threadData(event, { subjectId: data.id ?? null, trimmed: data.trimmed ?? null }),
  });
  return { outcome: "updated", incidentKey };
}

function assigneeNames(data: PagerDutyIncidentData): string[] {
  return list(data.assignees)
    .map((assignee) => text(record(assignee)?.summary) ?? text(record(assignee)?.id))
    .filter((name): name is string => name !== undefined);
}

function assignedToAgent(data: PagerDutyIncidentData, agentUserId: string | undefined): boolean {
  if (!agentUserId) return false;
  return list(data.assignees).some((assignee) => text(record(assignee)?.id) === agentUserId);
}

function describeUpdate(event: PagerDutyEvent, data: PagerDutyIncidentData): string {
  const by = byWhom(event.agent);
  const assignees = assigneeNames(data).join(", ") || "nobody";
  switch (event.event_type) {
    case "incident.acknowledged":
      return `Acknowledged in PagerDuty${by}.`;
    case "incident.unacknowledged":
      return `PagerDuty returned the incident to triggered${by}, so it is no longer acknowledged.`;
    case "incident.reassigned":
      return `Reassigned in PagerDuty${by} to ${assignees}.`;
    case "incident.escalated":
      return `Escalated in PagerDuty${by}; now assigned to ${assignees}.`;
    case "incident.delegated":
      return `Delegated in PagerDuty${by} to escalation policy ${text(data.escalation_policy?.summary) ?? "another policy"}.`;
    case "incident.priority_updated":
      return `Priority set to ${text(data.priority?.summary) ?? "none"} in PagerDuty${by}.`;
    case "incident.reopened":
      return `Reopened in PagerDuty${by}.`;
    default:
      return `PagerDuty event ${event.event_type}${by}.`;
  }
}
