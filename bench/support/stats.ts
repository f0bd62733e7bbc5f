/** Summary statistics for latency samples and repeated runs. */

/** Returns the `p`-th percentile (0–100) of `values` by the nearest-rank method; NaN for no values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Summarizes latency samples in milliseconds. */
export function summarize(samples: number[]): LatencySummary {
  return {
    count: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: samples.length === 0 ? Number.NaN : Math.max(...samples),
  };
}

/**
 * Combines runs field by field: each numeric field of the result is the median of that field over
 * the runs. Non-numeric fields are taken from the first run.
 */
export function medianOfRuns<T extends object>(runs: T[]): T {
  if (runs.length === 0) throw new Error("medianOfRuns needs at least one run.");
  const result: Record<string, unknown> = { ...(runs[0] as Record<string, unknown>) };
  for (const [field, value] of Object.entries(runs[0])) {
    if (typeof value === "number") result[field] = median(runs.map((run) => (run as Record<string, number>)[field]));
  }
  return result as T;
}

/** Rounds for display: whole numbers from 100 up, one decimal below. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
}
