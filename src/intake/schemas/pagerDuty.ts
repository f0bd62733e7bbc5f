/**
 * JSON Schemas of PagerDuty webhook v3 deliveries as intake accepts them: the envelope, and the
 * `data` of events about an incident. Unknown keys pass, and `agent`, `client`, `priority` and
 * friends may be null, as PagerDuty sends them.
 */

const nullableString = { type: ["string", "null"] } as const;

const reference = {
  type: ["object", "null"],
  properties: {
    id: nullableString,
    type: nullableString,
    summary: nullableString,
    html_url: nullableString,
  },
} as const;

export const webhookEnvelopeSchema = {
  $id: "pagerduty-webhook-v3",
  type: "object",
  required: ["event"],
  properties: {
    event: {
      type: "object",
      required: ["id", "event_type"],
      properties: {
        id: { type: "string", minLength: 1 },
        event_type: { type: "string", minLength: 1 },
        resource_type: nullableString,
        occurred_at: nullableString,
        agent: reference,
        client: { type: ["object", "null"] },
        data: { type: ["object", "null"] },
      },
    },
  },
} as const;

/** `data` of an `incident.*` event whose `data.type` is `incident`. */
export const incidentDataSchema = {
  $id: "pagerduty-incident-data",
  type: "object",
  required: ["id"],
  properties: {
    id: { type: "string", minLength: 1 },
    type: nullableString,
    html_url: nullableString,
    number: { type: ["integer", "null"] },
    status: nullableString,
    incident_key: nullableString,
    created_at: nullableString,
    title: nullableString,
    urgency: nullableString,
    service: reference,
    priority: reference,
    escalation_policy: reference,
    assignees: { type: ["array", "null"], items: reference },
    teams: { type: ["array", "null"], items: reference },
    resolve_reason: {
      type: ["object", "null"],
      properties: { type: nullableString, incident: reference },
    },
  },
} as const;

/** `data` of an event about a sub-object of an incident (a note, a responder): the incident is a reference. */
export const incidentChildDataSchema = {
  $id: "pagerduty-incident-child-data",
  type: "object",
  required: ["incident"],
  properties: {
    id: nullableString,
    type: nullableString,
    incident: { type: "object", required: ["id"], properties: { id: { type: "string", minLength: 1 }, summary: nullableString } },
    content: nullableString,
    trimmed: { type: ["boolean", "null"] },
  },
} as const;

export interface PagerDutyReference {
  id?: string | null;
  type?: string | null;
  summary?: string | null;
  html_url?: string | null;
}

export interface PagerDutyIncidentData {
  id: string;
  type?: string | null;
  html_url?: string | null;
  number?: number | null;
  status?: string | null;
  incident_key?: string | null;
  created_at?: string | null;
  title?: string | null;
  urgency?: string | null;
  service?: PagerDutyReference | null;
  priority?: PagerDutyReference | null;
  escalation_policy?: PagerDutyReference | null;
  assignees?: Array<PagerDutyReference | null> | null;
  teams?: Array<PagerDutyReference | null> | null;
  resolve_reason?: { type?: string | null; incident?: PagerDutyReference | null } | null;
  [field: string]: unknown;
}

export interface PagerDutyIncidentChildData {
  id?: string | null;
  type?: string | null;
  incident: { id: string; summary?: string | null; [field: string]: unknown };
  content?: string | null;
  trimmed?: boolean | null;
  [field: string]: unknown;
}

export interface PagerDutyEvent {
  id: string;
  event_type: string;
  resource_type?: string | null;
  occurred_at?: string | null;
  agent?: PagerDutyReference | null;
  client?: Record<string, unknown> | null;
  data?: Record<string, unknown> | null;
}

export interface PagerDutyWebhook {
  event: PagerDutyEvent;
}
