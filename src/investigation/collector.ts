import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Attempt, Evidence } from "./evidence";

/** Input of a collector's run function. */
export interface CollectorContext {
  services: Services;
  incident: Incident;
  handler: Handler;
  /** Target resource id, lower-cased, for per-resource collectors. */
  target?: string;
  /** `alert-query` or `errors`, for the logs collector. */
  variant?: string;
  /** Index into `condition.criteria`, for the metrics collector. */
  criterion?: number;
  logger: Logger;
  /** Aborted when the collector's time limit passes; pass it to every SDK call. */
  abortSignal: AbortSignal;
  timeoutMs: number;
  /** Filled in by the collector before it calls a service, so a timeout still records what was tried. */
  attempt: Attempt;
  /** The current time; tests fix it. */
  now: Date;
}

/** Result of a collector's run; `runCollector` adds the id, collector name, attempt and timing. */
export type CollectorOutcome = Pick<Evidence, "status" | "summary" | "response" | "findings" | "discoveredResources">;

export type CollectorRun = (context: CollectorContext) => Promise<CollectorOutcome>;

export const NO_CREDENTIAL_SUMMARY =
  "No Azure credential is configured: set AZURE_CLIENT_ID (managed identity) or AZURE_CREDENTIAL to collect this evidence.";

/** Returns the outcome of a collector whose service is not configured. */
export function notConfigured(summary: string = NO_CREDENTIAL_SUMMARY): CollectorOutcome {
  return { status: "not_configured", summary };
}

/** Reads the status, code and message of an SDK `RestError` (or any error) for `Evidence.response`. */
export function describeServiceError(error: unknown): { status?: number; code?: string; message: string } {
  const candidate = error as { statusCode?: unknown; code?: unknown; message?: unknown; details?: unknown };
  const details = candidate.details as { error?: { code?: unknown; message?: unknown } } | undefined;
  let code: string | undefined;
  if (typeof details?.error?.code === "string") code = details.error.code;
  else if (typeof candidate.code === "string") code = candidate.code;
  const message =
    typeof details?.error?.message === "string" ? details.error.message : typeof candidate.message === "string" ? candidate.message : String(error);
  return {
    status: typeof candidate.statusCode === "number" ? candidate.statusCode : undefined,
    code,
    message: message.slice(0, 500),
  };
}

/** True when `error` comes from an aborted request. */
export function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error as { name?: string } | undefined)?.name === "AbortError";
}

/** Returns the ISO-8601 interval `start/end`. */
export function isoInterval(start: Date, end: Date): string {
  return `${start.toISOString()}/${end.toISOString()}`;
}

/** Parses an ISO-8601 duration such as `PT5M`, `PT1H30M` or `P1D` into milliseconds; undefined when malformed. */
export function durationMs(duration: string | undefined): number | undefined {
  if (!duration) return undefined;
  const match = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(duration.trim());
  if (!match || duration.trim().toUpperCase() === "P" || duration.trim().toUpperCase() === "PT") return undefined;
  const [, days, hours, minutes, seconds] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const total = ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000;
  return total > 0 ? total : undefined;
}
