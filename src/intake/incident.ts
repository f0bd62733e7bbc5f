import type { Priority } from "../config/settings";
import type { Handler } from "../handlers/handler";

export type { Priority };

export type Severity = "Sev0" | "Sev1" | "Sev2" | "Sev3" | "Sev4";

export type IncidentSource = "azure-monitor" | "pagerduty";

export type IncidentStatus =
  | "open"
  | "acknowledged"
  | "investigating"
  | "awaiting-approval"
  | "acting"
  | "verifying"
  | "escalated"
  | "resolved"
  | "not-handled";

export type Verdict = "actionable" | "false_positive" | "inconclusive";

export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4", "P5"];

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  "open",
  "acknowledged",
  "investigating",
  "awaiting-approval",
  "acting",
  "verifying",
  "escalated",
  "resolved",
  "not-handled",
];
export const SEVERITIES: readonly Severity[] = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"];

/** One criterion of a metric or log alert rule. */
export interface AlertCriterion {
  metricName?: string;
  metricNamespace?: string;
  /** Azure operator as sent, for example `GreaterThan`. */
  operator?: string;
  threshold?: number;
  observedValue?: number;
  timeAggregation?: string;
  dimensions?: Array<{ name: string; value: string }>;
  /** KQL of a log alert, or PromQL of a Prometheus alert. */
  query?: string;
}

/**
 * The alert's own condition, where it has one: what fired and over which window. The criterion
 * fields describe the first criterion.
 */
export interface AlertCondition extends AlertCriterion {
  /** `metric`, `log`, `activity-log`, `prometheus`, `health` or `other`. */
  kind: "metric" | "log" | "activity-log" | "prometheus" | "health" | "other";
  /** ISO-8601 window start and end of the evaluation, when the alert states them. */
  windowStart?: string;
  windowEnd?: string;
  /** ISO-8601 duration of the evaluation window, for example `PT5M`. */
  windowSize?: string;
  /** Log Analytics workspace id (GUID) for legacy log alerts, or read from a log alert's API link. */
  workspaceId?: string;
  /** Application Insights application id (GUID) of a legacy Application Insights log alert. */
  applicationId?: string;
  /** Every criterion of a multi-criteria metric or log alert; the top-level fields repeat the first. */
  criteria?: AlertCriterion[];
  /**
   * Service-specific facts as strings: the activity-log operation, caller and status, the health
   * status of a Resource Health event, Prometheus annotations, Smart Detector values.
   */
  facts?: Record<string, string>;
}

/** State of a PagerDuty incident as its latest webhook reported it. */
export interface PagerDutyIncidentState {
  /** PagerDuty incident id, case as sent (`Q1TESTINC0001A`). */
  incidentId: string;
  /** `data.number` of the webhook, the REST API's `incident_number`. */
  incidentNumber?: number;
  /** PagerDuty's de-duplication key of the incident (`incident_key`). */
  dedupKey?: string;
  /** `triggered`, `acknowledged` or `resolved`. */
  status?: string;
  urgency?: string;
  /** Priority name as PagerDuty shows it, which may be a custom name. */
  priorityName?: string;
  serviceId?: string;
  escalationPolicy?: string;
  assignees: string[];
  teams: string[];
  /** `occurred_at` of the last event applied. */
  lastEventAt?: string;
}

/** An alert normalized to one shape, whatever platform sent it. */
export interface Incident {
  /** `<source>-<id>`, lower-cased; see `incidentKeyFor`. */
  key: string;
  source: IncidentSource;
  /** The platform's own id: the Azure alert id path or the PagerDuty incident id. */
  sourceId: string;
  title: string;
  description: string;
  severity?: Severity;
  priority: Priority;
  status: IncidentStatus;
  /** Azure monitoring service (`Platform`, `Log Alerts V2`, ...) or the PagerDuty service name. */
  service?: string;
  alertRule?: string;
  /** Target resource ids, lower-cased for comparison. */
  targets: string[];
  subscriptions: string[];
  resourceGroups: string[];
  /** Resource types of the targets, lower-cased (`microsoft.web/sites`). */
  resourceTypes: string[];
  tags: Record<string, string>;
  /** The alert's custom properties (Azure) or alert details (PagerDuty) as strings. */
  customProperties: Record<string, string>;
  healthProbeUrl?: string;
  condition?: AlertCondition;
  firedAt: string;
  resolvedAt?: string;
  createdAt: string;
  updatedAt: string;
  /** Links to the alert in its platform, for people. */
  links: Array<{ label: string; url: string }>;
  /** Name of the handler that took the incident, once routed. */
  handlerName?: string;
  /** The handler as it was when the incident was routed; later handler edits do not change it. */
  handlerSnapshot?: Handler;
  verdict?: Verdict;
  confidence?: number;
  acknowledgedAt?: string;
  analyzedAt?: string;
  /** Set when a person took over: the agent makes no further writes. */
  takenOverBy?: string;
  /** ARM id of the Azure alert rule (`essentials.alertRuleID`), when the payload has it. */
  alertRuleId?: string;
  /** Azure `signalType`: `Metric`, `Log` or `Activity Log`. */
  signalType?: string;
  /**
   * Resource ids, lower-cased, that the alert names besides its targets: log-alert configuration
   * items and `_ResourceId` dimensions, the Prometheus `microsoft.resourceid` label. Collectors may
   * read them; actions stay limited to `targets`.
   */
  relatedResources?: string[];
  /**
   * True for a record made from a `Resolved` that arrived before its `Fired`: no orchestration runs
   * for it, and the late `Fired` is ignored.
   */
  tombstone?: boolean;
  /** PagerDuty state of a `pagerduty` incident. */
  pagerDuty?: PagerDutyIncidentState;
}

/**
 * Builds the incident key: `<source>-<id>`, lower-cased, so the same alert gives the same key
 * whatever letter case the platform used. The id is opaque; `safeKey` makes the key safe for
 * Table Storage and durable instance ids.
 */
export function incidentKeyFor(source: IncidentSource, id: string): string {
  return `${source}-${id}`.toLowerCase();
}

/** Maps an Azure severity to a priority: Sev0 → P1 … Sev4 → P5, and no severity → P5. */
export function priorityForSeverity(severity: Severity | undefined): Priority {
  return severity === undefined ? "P5" : PRIORITIES[SEVERITIES.indexOf(severity)];
}
