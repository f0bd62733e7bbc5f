import { LogsQueryResultStatus, type LogsQueryClient, type LogsTable } from "@azure/monitor-query-logs";
import type { CollectorContext, CollectorOutcome } from "./collector";
import { describeServiceError, durationMs, isAbort, isoInterval, notConfigured } from "./collector";
import { logsQueryClient } from "./azure";
import type { LogFindings, LogQueryFindings } from "./evidence";
import { errorQueriesFor } from "./logQueries";
import { breaches } from "./metricState";
import { RESOURCE_ID_PATTERN, resourceTypeOf, withoutLeadingSlash } from "./resourceId";

/** Rows kept per query in the evidence, and characters per cell. */
const KEPT_ROWS = 50;
const CELL_CHARS = 500;

/** Window of a log alert that states none (its evaluation window is usually 5 to 15 minutes). */
const DEFAULT_ALERT_WINDOW_MS = 15 * 60_000;

/** Window around the fire time for failed requests and exceptions. */
const ERRORS_BEFORE_MS = 30 * 60_000;
const ERRORS_AFTER_MS = 15 * 60_000;

/** Columns whose values name Azure resources; they widen the reader-mode scope. */
const RESOURCE_COLUMNS = new Set(["_resourceid", "resourceid", "resource_id"]);

type QueryScope = { workspaceId: string } | { resourceId: string };

function describeScope(scope: QueryScope): string {
  return "workspaceId" in scope ? `workspace ${scope.workspaceId}` : scope.resourceId;
}

function cell(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return value.length > CELL_CHARS ? `${value.slice(0, CELL_CHARS)}…` : value;
  if (value !== null && typeof value === "object") {
    const text = JSON.stringify(value);
    return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : value;
  }
  return value;
}

/**
 * Returns the value a log alert compares with its threshold: the `AggregatedValue` column of
 * metric-measurement alerts when present (the largest one), else the number of rows.
 */
function conditionValue(table: LogsTable | undefined): number {
  if (!table) return 0;
  const index = table.columnDescriptors.findIndex((column) => column.name?.toLowerCase() === "aggregatedvalue");
  if (index < 0) return table.rows.length;
  const values = table.rows.map((row) => Number(row[index])).filter((value) => Number.isFinite(value));
  return values.length > 0 ? Math.max(...values) : 0;
}

interface ErrorInfoLike {
  message?: string;
  details?: Array<{ message?: string }>;
  innererror?: ErrorInfoLike;
}

/**
 * Joins the messages of a query error: its own, its details' and its inner errors'. The service puts
 * the specific cause (for example a result-size limit) in the innermost message. NOTE:
 * monitor-query-logs 1.0.0 drops the inner errors of `details`, so that cause can be missing.
 */
function errorText(error: ErrorInfoLike): string {
  const messages: string[] = [];
  for (let current: ErrorInfoLike | undefined = error; current; current = current.innererror) {
    if (current.message) messages.push(current.message);
    for (const detail of current.details ?? []) if (detail.message) messages.push(detail.message);
  }
  return [...new Set(messages)].join(" ");
}

interface QueryRun {
  findings: LogQueryFindings;
  discovered: string[];
}

async function runQuery(
  context: CollectorContext,
  client: LogsQueryClient,
  name: string,
  scope: QueryScope,
  query: string,
  start: Date,
  end: Date,
): Promise<QueryRun> {
  const timespan = { startTime: start, endTime: end };
  const options = {
    // The server stops the query before the collector gives up on it (the API's maximum is 600 s).
    serverTimeoutInSeconds: Math.min(600, Math.max(1, Math.floor(context.timeoutMs / 1000) - 1)),
    abortSignal: context.abortSignal,
  };
  const empty = { rowCount: 0, columns: [] as string[], rows: [] as unknown[][] };
  try {
    const result =
      "workspaceId" in scope
        ? await client.queryWorkspace(scope.workspaceId, query, timespan, options)
        : await client.queryResource(withoutLeadingSlash(scope.resourceId), query, timespan, options);
    const partial = result.status === LogsQueryResultStatus.PartialFailure;
    const tables = partial ? result.partialTables : result.tables;
    const table = tables[0];
    const columns = table ? table.columnDescriptors.map((column) => column.name ?? "") : [];
    const discovered = new Set<string>();
    for (const [index, column] of columns.entries()) {
      if (!RESOURCE_COLUMNS.has(column.toLowerCase())) continue;
      for (const row of table.rows) {
        const value = row[index];
        if (typeof value === "string" && RESOURCE_ID_PATTERN.test(value)) discovered.add(value.toLowerCase());
      }
    }
    let status: LogQueryFindings["status"] = "no_data";
    if (partial) status = "partial";
    else if (table && table.rows.length > 0) status = "success";
    const findings: LogQueryFindings = {
      name,
      status,
      rowCount: table?.rows.length ?? 0,
      columns,
      rows: (table?.rows ?? []).slice(0, KEPT_ROWS).map((row) => row.map(cell)),
      value: conditionValue(table),
    };
    if (partial) findings.error = { code: result.partialError.code, message: errorText(result.partialError) };
    return { findings, discovered: [...discovered] };
  } catch (error) {
    if (isAbort(error, context.abortSignal)) throw error;
    const described = describeServiceError(error);
    return { findings: { name, status: "error", ...empty, error: { code: described.code ?? String(described.status ?? ""), message: described.message } }, discovered: [] };
  }
}

function combinedStatus(runs: QueryRun[]): CollectorOutcome["status"] {
  const statuses = runs.map((run) => run.findings.status);
  if (statuses.every((status) => status === "error")) return "error";
  if (statuses.some((status) => status === "error" || status === "partial")) return "partial";
  if (statuses.every((status) => status === "no_data")) return "no_data";
  return "success";
}

function querySummary(run: LogQueryFindings): string {
  if (run.status === "error") return `${run.name} failed: ${run.error?.code ? `${run.error.code}: ` : ""}${run.error?.message ?? "unknown error"}`;
  const partial = run.status === "partial" ? ` (partial: ${run.error?.message ?? "incomplete result"})` : "";
  let holds = "";
  if (run.conditionHolds === true) holds = ", condition holds";
  if (run.conditionHolds === false) holds = ", condition does not hold";
  return `${run.name}: ${run.rowCount} rows${holds}${partial}`;
}

function alertWindow(context: CollectorContext): { start: Date; end: Date; derivedFrom: string } {
  const condition = context.incident.condition;
  const start = condition?.windowStart ? new Date(condition.windowStart) : undefined;
  const end = condition?.windowEnd ? new Date(condition.windowEnd) : undefined;
  if (start && end && !Number.isNaN(start.getTime()) && !Number.isNaN(end.getTime()) && end > start) {
    return { start, end, derivedFrom: "the alert's windowStart and windowEnd" };
  }
  const windowEnd = end && !Number.isNaN(end.getTime()) ? end : new Date(context.incident.firedAt);
  const size = durationMs(condition?.windowSize);
  return {
    start: new Date(windowEnd.getTime() - (size ?? DEFAULT_ALERT_WINDOW_MS)),
    end: windowEnd,
    derivedFrom: size ? `the alert's window size ${condition?.windowSize}` : "the fire time and a default 15-minute window",
  };
}

/** Re-runs a log alert's own query over the alert's window, and over a window of the same size ending now. */
async function collectAlertQuery(context: CollectorContext, client: LogsQueryClient): Promise<CollectorOutcome> {
  const condition = context.incident.condition!;
  const settingsWorkspace = context.services.settings.azure.logAnalyticsWorkspaceId;
  let scope: QueryScope;
  // A log search alert runs its query in the scope of its rule, which the alert reports as its target.
  if (condition.workspaceId) scope = { workspaceId: condition.workspaceId };
  else if (context.target) scope = { resourceId: context.target };
  else if (settingsWorkspace) scope = { workspaceId: settingsWorkspace };
  else return notConfigured("No Log Analytics workspace: the alert names none and LOG_ANALYTICS_WORKSPACE_ID is not set.");

  const window = alertWindow(context);
  const windows: Array<{ name: string; start: Date; end: Date }> = [{ name: "alert-window", start: window.start, end: window.end }];
  const size = window.end.getTime() - window.start.getTime();
  if (context.now.getTime() - window.end.getTime() >= 60_000) {
    windows.push({ name: "current-window", start: new Date(context.now.getTime() - size), end: context.now });
  }
  Object.assign(context.attempt, {
    ...("workspaceId" in scope ? { workspaceId: scope.workspaceId } : { resource: scope.resourceId }),
    query: condition.query,
    window: isoInterval(window.start, window.end),
    windowFrom: window.derivedFrom,
    windows: windows.map((entry) => ({ name: entry.name, window: isoInterval(entry.start, entry.end) })),
  });

  // A query that filters with ago() is relative to when it runs, so its result over a past window
  // does not describe that window. Only the window ending now decides then.
  const relativeToNow = /\bago\s*\(/i.test(condition.query!);
  const runs: QueryRun[] = [];
  for (const entry of windows) {
    const run = await runQuery(context, client, entry.name, scope, condition.query!, entry.start, entry.end);
    const decisive = !relativeToNow || entry.name === "current-window";
    if (decisive && run.findings.status !== "error" && run.findings.value !== undefined) {
      run.findings.conditionHolds =
        condition.operator && condition.threshold !== undefined
          ? breaches(run.findings.value, condition.operator, condition.threshold) ?? run.findings.value > 0
          : run.findings.value > 0;
    }
    runs.push(run);
  }

  const latest = [...runs].reverse().find((run) => run.findings.conditionHolds !== undefined);
  const findings: LogFindings = { queries: runs.map((run) => run.findings), conditionHolds: latest?.findings.conditionHolds };
  if (relativeToNow) findings.relativeToNow = true;
  const status = combinedStatus(runs);
  const first = runs.find((run) => run.findings.error)?.findings.error;
  return {
    status: status === "no_data" ? "success" : status,
    summary:
      `The alert's query in ${describeScope(scope)}: ${runs.map((run) => querySummary(run.findings)).join("; ")}.` +
      (relativeToNow ? " The query filters with ago(), so only the window ending now tells whether its condition holds." : ""),
    response: first ? { code: first.code, message: first.message } : { status: 200 },
    findings: { ...findings },
    discoveredResources: [...new Set(runs.flatMap((run) => run.discovered))],
  };
}

/** Reads failed requests and exceptions of an App Service or Application Insights target around the fire time. */
async function collectErrors(context: CollectorContext, client: LogsQueryClient): Promise<CollectorOutcome> {
  const target = context.target;
  if (!target) return { status: "no_data", summary: "No target resource to read failed requests and exceptions from." };
  const queries = errorQueriesFor(resourceTypeOf(target));
  if (queries.length === 0) return { status: "no_data", summary: `No failed-request or exception queries for the resource type of ${target}.` };

  const firedAt = new Date(context.incident.firedAt).getTime();
  const start = new Date(firedAt - ERRORS_BEFORE_MS);
  const end = new Date(Math.min(context.now.getTime(), firedAt + ERRORS_AFTER_MS));
  Object.assign(context.attempt, {
    resource: target,
    window: isoInterval(start, end),
    queries: queries.map((entry) => ({ name: entry.name, query: entry.query })),
  });

  const runs: QueryRun[] = [];
  const findings: LogFindings = { queries: [] };
  for (const entry of queries) {
    const run = await runQuery(context, client, entry.name, { resourceId: target }, entry.query, start, end);
    runs.push(run);
    const index = run.findings.columns.indexOf(entry.countColumn);
    const count = index >= 0 ? Number(run.findings.rows[0]?.[index] ?? 0) : undefined;
    if (count !== undefined && Number.isFinite(count)) {
      if (entry.name === "failed-requests") findings.failedRequests = count;
      else findings.exceptions = count;
    }
  }
  findings.queries = runs.map((run) => run.findings);

  const status = combinedStatus(runs);
  const counts = [
    findings.failedRequests !== undefined ? `${findings.failedRequests} failed requests` : undefined,
    findings.exceptions !== undefined ? `${findings.exceptions} exceptions` : undefined,
  ].filter(Boolean);
  const failures = runs.filter((run) => run.findings.status === "error" || run.findings.status === "partial").map((run) => querySummary(run.findings));
  const first = runs.find((run) => run.findings.error)?.findings.error;
  return {
    status,
    summary: `${target} from ${start.toISOString()} to ${end.toISOString()}: ${counts.length > 0 ? counts.join(", ") : "no counts"}${failures.length > 0 ? `; ${failures.join("; ")}` : ""}.`,
    response: first ? { code: first.code, message: first.message } : { status: 200 },
    findings: { ...findings },
    discoveredResources: [...new Set(runs.flatMap((run) => run.discovered))],
  };
}

/**
 * The logs collector. Variant `alert-query` re-runs a log alert's own query; variant `errors` reads
 * failed requests and exceptions of an App Service or Application Insights target. A
 * `PartialFailure` result is reported as `partial` with its error, never as empty.
 */
export async function collectLogs(context: CollectorContext): Promise<CollectorOutcome> {
  const credential = context.services.azureCredential;
  if (!credential) return notConfigured();
  const client = logsQueryClient(context.services, credential);

  if (context.variant === "alert-query") {
    if (!context.incident.condition?.query) return { status: "no_data", summary: "The alert carries no query to re-run." };
    return collectAlertQuery(context, client);
  }
  return collectErrors(context, client);
}
