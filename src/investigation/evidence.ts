/** Outcome of one collector or tool run. */
export type ResultStatus = "success" | "no_data" | "partial" | "error" | "timeout" | "not_configured" | "approval_required";

/** Names of the evidence collectors. */
export type CollectorName = "probe" | "metrics" | "logs" | "resourceHealth" | "changes";

/** What a collector tried: enough for a person (or a model) to repeat it. */
export interface Attempt {
  resource?: string;
  url?: string;
  query?: string;
  /** ISO-8601 `start/end` interval. */
  window?: string;
  [detail: string]: unknown;
}

/**
 * One evidence item. `findings` holds the collector's typed facts (for example the metric series
 * and whether it still breaches); `summary` is one or two sentences for the thread and the analyst.
 */
export interface Evidence {
  /** Stable within the incident, for example `probe-1` or `metrics-<resource hash>`; cited by assessments. */
  id: string;
  collector: CollectorName;
  status: Exclude<ResultStatus, "approval_required">;
  summary: string;
  attempted: Attempt;
  /** What the service answered: status code, error code and message, or a short excerpt. */
  response?: { status?: number; code?: string; message?: string; excerpt?: string };
  findings?: Record<string, unknown>;
  /** Resource ids that the collector returned, lower-cased; they widen the reader-mode scope. */
  discoveredResources?: string[];
  startedAt: string;
  durationMs: number;
}
