/** Outcome of one collector or tool run. */
export type ResultStatus = "success" | "no_data" | "partial" | "error" | "timeout" | "not_configured" | "approval_required";

/** Names of the evidence collectors. */
export type CollectorName = "probe" | "metrics" | "logs" | "resourceHealth" | "changes";

/** Record of what a collector tried: enough for a person (or a model) to repeat it. */
export interface Attempt {
  resource?: string;
  url?: string;
  query?: string;
  /** ISO-8601 `start/end` interval. */
  window?: string;
  [detail: string]: unknown;
}

/**
 * One evidence item. `findings` contains the collector's typed facts (for example the metric series
 * and whether it still breaches); `summary` is one or two sentences for the thread and the analyst.
 */
export interface Evidence {
  /** Stable within the incident, for example `probe-1` or `metrics-<resource hash>`; cited by assessments. */
  id: string;
  collector: CollectorName;
  status: Exclude<ResultStatus, "approval_required">;
  summary: string;
  attempted: Attempt;
  /** Service response: status code, error code and message, or a short excerpt. */
  response?: { status?: number; code?: string; message?: string; excerpt?: string };
  findings?: Record<string, unknown>;
  /** Resource ids that the collector returned, lower-cased; they widen the reader-mode scope. */
  discoveredResources?: string[];
  startedAt: string;
  durationMs: number;
}

/** Findings of the health probe. `healthy` is undefined when the response decides nothing (a redirect). */
export interface ProbeFindings {
  url: string;
  /** Origin of the URL: `alert`, `resource-tag` or `handler`. */
  source: string;
  healthy?: boolean;
  statusCode?: number;
  latencyMs?: number;
  attempts: number;
}

/** State of a metric against the alert's threshold since the alert fired. */
export type MetricState = "breaching" | "recovered" | "flapping" | "unknown";

export interface MetricSeriesFindings {
  /** Dimension values of this series, for example `{ Instance: "rd0003" }`. */
  dimensions: Record<string, string>;
  state: MetricState;
  lastValue?: number;
  /** The newest points, oldest first. */
  points: Array<{ time: string; value: number }>;
}

export interface MetricFindings {
  metricName: string;
  aggregation: string;
  operator?: string;
  threshold?: number;
  /** Worst state over all series: breaching, then flapping, then recovered. */
  state: MetricState;
  series: MetricSeriesFindings[];
}

/** One log query that a logs collector ran. */
export interface LogQueryFindings {
  /** `alert-window`, `current-window`, `failed-requests` or `exceptions`. */
  name: string;
  status: Exclude<ResultStatus, "approval_required" | "not_configured">;
  rowCount: number;
  columns: string[];
  /** The first rows, with long cells shortened. */
  rows: unknown[][];
  /** For the alert's own query: whether its condition holds on this result. */
  conditionHolds?: boolean;
  /** The value compared with the alert's threshold (row count or the aggregated column). */
  value?: number;
  error?: { code?: string; message?: string };
}

export interface LogFindings {
  queries: LogQueryFindings[];
  /** Whether the alert's condition holds now (the current window), or at fire time when only that ran. */
  conditionHolds?: boolean;
  failedRequests?: number;
  exceptions?: number;
  /** The alert's query filters with `ago()`, so its result over the alert's past window is not used. */
  relativeToNow?: boolean;
}

export interface ResourceHealthFindings {
  /** `Available`, `Unavailable`, `Degraded` or `Unknown`. */
  availabilityState: string;
  title?: string;
  summary?: string;
  reasonType?: string;
  occurredTime?: string;
}

export interface ChangeRecord {
  time: string;
  operation: string;
  status?: string;
  caller?: string;
  resourceId?: string;
  isDeployment: boolean;
  /** Minutes between the change and the alert firing; negative when the change came after. */
  minutesBeforeFire: number;
}

export interface ChangeFindings {
  window: string;
  changes: ChangeRecord[];
  deployments: number;
}
