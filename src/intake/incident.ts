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
export const SEVERITIES: readonly Severity[] = ["Sev0", "Sev1", "Sev2", "Sev3", "Sev4"];

/** The alert's own condition, where it has one: what fired and over which window. */
export interface AlertCondition {
  /** `metric`, `log`, `activity-log`, `prometheus`, `health` or `other`. */
  kind: "metric" | "log" | "activity-log" | "prometheus" | "health" | "other";
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
  /** ISO-8601 window start and end of the evaluation, when the alert states them. */
  windowStart?: string;
  windowEnd?: string;
  /** ISO-8601 duration of the evaluation window, for example `PT5M`. */
  windowSize?: string;
  /** Log Analytics workspace id (GUID) for legacy log alerts. */
  workspaceId?: string;
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
}
