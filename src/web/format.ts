/** Display formats for times, durations and numbers on the pages. Times are shown in UTC. */

/** Formats an ISO-8601 time as `2026-01-31 14:05:09 UTC`; returns the input unchanged when it does not parse. */
export function formatTime(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Formats the time from `start` to `end` as `45 s`, `3 min 20 s`, `2 h 5 min` or `3 d 4 h`; empty when either is missing. */
export function formatElapsed(start: string | undefined, end: string | undefined): string {
  if (!start || !end) return "";
  const milliseconds = Date.parse(end) - Date.parse(start);
  if (!Number.isFinite(milliseconds)) return "";
  return formatDuration(Math.max(0, milliseconds));
}

/** Formats a duration in milliseconds with the two largest units. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** Formats a 0–1 confidence as a whole percentage; empty when it is not a number. */
export function formatConfidence(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? `${Math.round(value * 100)}%` : "";
}

/** Formats a metric value compactly: at most four significant digits, with k/M/G for large values. */
export function formatValue(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e9) return `${trim(value / 1e9)}G`;
  if (magnitude >= 1e6) return `${trim(value / 1e6)}M`;
  if (magnitude >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value: number): string {
  return String(Number(value.toPrecision(4)));
}

/** Formats a JSON value for a `<pre>` block. */
export function formatJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? "";
  } catch {
    return String(value);
  }
}
