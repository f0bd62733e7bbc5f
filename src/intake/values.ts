/**
 * Lenient readers for alert payload values. Platforms send numbers as strings, booleans as
 * "True", JSON inside strings and dates in US locale. Every reader accepts the forms seen, returns
 * undefined for anything else, and never throws.
 */

/** Returns `value` when it is a non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Reads a finite number from a number or a numeric string ("71.2408"); returns undefined otherwise. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Returns `value` when it is a plain object; undefined for null, arrays and scalars. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Returns `value` when it is an array, else an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Cuts `value` to `max` characters, marking the cut, without splitting a surrogate pair. */
export function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  let end = max - 12;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${value.slice(0, end)}…[cut]`;
}

/** Converts any value to a string: scalars as written, null and undefined as "", objects as JSON. */
export function asString(value: unknown, max = 4_000): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return cut(value, max);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  try {
    return cut(JSON.stringify(value) ?? "", max);
  } catch {
    return "";
  }
}

/** Maximum entries kept from one properties object, so one alert cannot bloat its incident. */
const MAX_PROPERTIES = 100;

/** Copies `source` into `target` as strings; later calls overwrite earlier keys. */
export function addStringProperties(target: Record<string, string>, source: unknown, max = MAX_PROPERTIES): void {
  const properties = record(source);
  if (!properties) return;
  for (const [key, value] of Object.entries(properties)) {
    if (Object.keys(target).length >= max && !(key in target)) break;
    target[cut(key, 200)] = asString(value);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const US_LOCALE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))? ?(AM|PM)?$/i;

/**
 * Converts an ISO-8601 time or a US-locale time ("3/14/2025 1:35:02 AM", as legacy log alerts send)
 * to an ISO string in UTC, or returns undefined. Times without a zone are UTC, as Azure documents
 * for these fields. Precision beyond milliseconds is dropped.
 */
export function isoTime(value: unknown): string | undefined {
  const raw = text(value)?.trim();
  if (!raw) return undefined;

  if (ISO_TIME.test(raw)) {
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw) ? raw : `${raw}Z`;
    // Date.parse reads at most millisecond precision; Azure sends up to 7 fractional digits.
    const trimmed = zoned.replace(/(\.\d{3})\d+/, "$1");
    const parsed = Date.parse(trimmed);
    return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
  }

  const us = US_LOCALE_TIME.exec(raw);
  if (us) {
    const [, month, day, year, hourText, minute, second, meridiem] = us;
    let hour = Number(hourText);
    if (meridiem?.toUpperCase() === "PM" && hour < 12) hour += 12;
    if (meridiem?.toUpperCase() === "AM" && hour === 12) hour = 0;
    const time = Date.UTC(Number(year), Number(month) - 1, Number(day), hour, Number(minute), Number(second ?? 0));
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
  }
  return undefined;
}

/** Returns `value` when it is an http or https URL, else undefined. */
export function httpUrl(value: unknown): string | undefined {
  const raw = text(value)?.trim();
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === "https:" || url.protocol === "http:" ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** Reads `name` from `properties`, ignoring letter case. */
export function propertyIgnoringCase(properties: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(properties)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
