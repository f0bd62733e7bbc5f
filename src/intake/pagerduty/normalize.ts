import type { Settings } from "../../config/settings";
import { incidentKeyFor, PRIORITIES, type Incident, type PagerDutyIncidentState, type Priority } from "../incident";
import type { PagerDutyEvent, PagerDutyIncidentData, PagerDutyReference } from "../schemas/pagerDuty";
import { cut, httpUrl, isoTime, list, record, text } from "../values";

const MAX_TITLE = 300;

/** Returns the PagerDuty incident id of an event: `data.id` for incident data, `data.incident.id` for notes and other sub-objects. */
export function pagerDutyIncidentId(event: PagerDutyEvent): string | undefined {
  const data = record(event.data);
  if (!data) return undefined;
  if (data.type === "incident") return text(data.id);
  return text(record(data.incident)?.id);
}

/**
 * Maps a PagerDuty incident to a priority: PagerDuty's priority name when it is P1–P5, otherwise
 * its urgency through `PAGERDUTY_HIGH_URGENCY_PRIORITY` / `PAGERDUTY_LOW_URGENCY_PRIORITY`.
 */
export function priorityOf(data: PagerDutyIncidentData, urgencyPriority: Settings["pagerDuty"]["urgencyPriority"]): Priority {
  const name = text(data.priority?.summary)?.trim().toUpperCase();
  if (name && (PRIORITIES as readonly string[]).includes(name)) return name as Priority;
  return text(data.urgency)?.toLowerCase() === "low" ? urgencyPriority.low : urgencyPriority.high;
}

function names(references: unknown): string[] {
  return list(references)
    .map((reference) => text(record(reference)?.summary) ?? text(record(reference)?.id))
    .filter((name): name is string => name !== undefined)
    .slice(0, 20);
}

/** Builds `Incident.pagerDuty` from the incident data of a webhook. */
export function pagerDutyStateOf(data: PagerDutyIncidentData, occurredAt: string | undefined): PagerDutyIncidentState {
  return withoutUndefined({
    incidentId: data.id,
    incidentNumber: typeof data.number === "number" ? data.number : undefined,
    dedupKey: text(data.incident_key),
    status: text(data.status),
    urgency: text(data.urgency),
    priorityName: text(data.priority?.summary),
    serviceId: text(data.service?.id),
    escalationPolicy: text(data.escalation_policy?.summary),
    assignees: names(data.assignees),
    teams: names(data.teams),
    lastEventAt: occurredAt,
  });
}

/** Builds a new incident from `incident.triggered`. Targets come later, from the incident's alerts (see `pagerdutyEnrichment.ts`). */
export function incidentFromTriggered(event: PagerDutyEvent, data: PagerDutyIncidentData, settings: Settings["pagerDuty"], now = new Date()): Incident {
  const occurredAt = isoTime(event.occurred_at);
  const link = httpUrl(data.html_url);
  return withoutUndefined({
    key: incidentKeyFor("pagerduty", data.id),
    source: "pagerduty" as const,
    sourceId: data.id,
    title: cut(text(data.title) ?? `PagerDuty incident ${data.number ?? data.id}`, MAX_TITLE),
    description: "",
    priority: priorityOf(data, settings.urgencyPriority),
    status: "open" as const,
    service: text(data.service?.summary),
    targets: [],
    subscriptions: [],
    resourceGroups: [],
    resourceTypes: [],
    tags: {},
    customProperties: {},
    firedAt: isoTime(data.created_at) ?? occurredAt ?? now.toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    links: link ? [{ label: "PagerDuty incident", url: link }] : [],
    pagerDuty: pagerDutyStateOf(data, occurredAt),
  });
}

/** Applies the incident data of a later event: title, priority and the PagerDuty state. */
export function applyIncidentData(incident: Incident, data: PagerDutyIncidentData, occurredAt: string | undefined, settings: Settings["pagerDuty"]): Incident {
  return {
    ...incident,
    title: text(data.title) ? cut(data.title!, MAX_TITLE) : incident.title,
    priority: priorityOf(data, settings.urgencyPriority),
    pagerDuty: pagerDutyStateOf(data, occurredAt ?? incident.pagerDuty?.lastEventAt),
  };
}

/** Formats a person for the thread: `Sam Example (PUSR0B2)`. */
export function personName(agent: PagerDutyReference | null | undefined): string {
  const summary = text(agent?.summary);
  const id = text(agent?.id);
  if (summary && id) return `${summary} (${id})`;
  return summary ?? id ?? "someone";
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
