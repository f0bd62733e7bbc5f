import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { ToolName } from "../tools/catalog";
import { redactDeep } from "../analysis/redact";
import type { Attempt, CollectorName, Evidence } from "./evidence";
import type { CollectorContext, CollectorOutcome, CollectorRun } from "./collector";
import { collectProbe } from "./probe";
import { collectMetrics } from "./metrics";
import { collectLogs } from "./logs";
import { collectResourceHealth } from "./resourceHealth";
import { collectChanges } from "./changes";
import { ERROR_QUERY_TYPES } from "./logQueries";
import { resourceSlug, resourceTypeOf } from "./resourceId";

/** One collector run that the orchestrator fans out: a collector, and the target it looks at. */
export interface CollectorRequest {
  collector: CollectorName;
  /** Target resource id, for per-resource collectors. */
  target?: string;
  /** Evidence id, stable within the incident. */
  evidenceId: string;
  /** For the logs collector: `alert-query` re-runs the alert's query, `errors` reads failed requests and exceptions. */
  variant?: "alert-query" | "errors";
  /** For the metrics collector: index into the alert's `condition.criteria`; absent means the top-level metric. */
  criterion?: number;
}

/** The read tool each collector stands for; a handler that does not allow it gets no such evidence. */
export const COLLECTOR_TOOLS: Record<CollectorName, ToolName> = {
  probe: "probe.http",
  metrics: "metrics.read",
  logs: "logs.query",
  resourceHealth: "resourceHealth.read",
  changes: "changes.read",
};

/** Resources investigated per incident; an alert on a whole resource group can name hundreds. */
export const MAX_TARGETS = 5;

/** Criteria of a multi-criteria metric alert read per target. */
export const MAX_CRITERIA = 5;

const RUNS: Record<CollectorName, CollectorRun> = {
  probe: collectProbe,
  metrics: collectMetrics,
  logs: collectLogs,
  resourceHealth: collectResourceHealth,
  changes: collectChanges,
};

/** Metric criteria to read: each criterion of a multi-criteria alert, or the top-level metric (index undefined). */
function metricCriteria(incident: Incident): Array<number | undefined> {
  const criteria = incident.condition?.criteria ?? [];
  const indexes = criteria.map((criterion, index) => (criterion.metricName ? index : -1)).filter((index) => index >= 0);
  if (indexes.length > 1) return indexes.slice(0, MAX_CRITERIA);
  return incident.condition?.metricName ? [undefined] : [];
}

/**
 * Lists the collector runs for `incident` under `handler`. They are the probe and the alert's own
 * log query, and per target the alerted metric (each criterion of a multi-criteria alert). Per
 * investigated resource they add failed requests and exceptions, Resource Health and recent
 * changes. The investigated resources are the targets, then the alert's related resources, at
 * most `MAX_TARGETS`. A collector whose read tool the handler does not allow is left out. Planning
 * does not read settings, so a collector without its Azure settings reports `not_configured` when
 * it runs.
 */
export function planCollectors(incident: Incident, handler: Handler): CollectorRequest[] {
  const allowed = new Set(handler.tools);
  const targets = incident.targets.slice(0, MAX_TARGETS);
  const investigated = [...new Set([...incident.targets, ...(incident.relatedResources ?? [])].map((id) => id.toLowerCase()))].slice(0, MAX_TARGETS);
  const condition = incident.condition;
  const plan: CollectorRequest[] = [];

  if (allowed.has(COLLECTOR_TOOLS.probe)) plan.push({ collector: "probe", evidenceId: "probe" });

  if (allowed.has(COLLECTOR_TOOLS.logs)) {
    if (condition?.kind === "log" && condition.query) {
      plan.push({ collector: "logs", variant: "alert-query", evidenceId: "logs-alert", ...(targets[0] ? { target: targets[0] } : {}) });
    }
    for (const target of investigated) {
      if (ERROR_QUERY_TYPES.includes(resourceTypeOf(target) ?? "")) {
        plan.push({ collector: "logs", variant: "errors", target, evidenceId: `logs-${resourceSlug(target)}` });
      }
    }
  }

  if (allowed.has(COLLECTOR_TOOLS.metrics)) {
    const criteria = metricCriteria(incident);
    for (const target of targets) {
      for (const criterion of criteria) {
        const suffix = criteria.length > 1 ? `-${(criterion ?? 0) + 1}` : "";
        plan.push({ collector: "metrics", target, evidenceId: `metrics-${resourceSlug(target)}${suffix}`, ...(criterion !== undefined ? { criterion } : {}) });
      }
    }
  }

  for (const target of investigated) {
    const slug = resourceSlug(target);
    if (allowed.has(COLLECTOR_TOOLS.resourceHealth)) plan.push({ collector: "resourceHealth", target, evidenceId: `health-${slug}` });
    if (allowed.has(COLLECTOR_TOOLS.changes)) plan.push({ collector: "changes", target, evidenceId: `changes-${slug}` });
  }
  return plan;
}

/** Races `run` against the time limit; aborts the signal the run's SDK calls carry when the limit passes. */
async function runWithTimeout(run: CollectorRun, context: CollectorContext, controller: AbortController): Promise<CollectorOutcome | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve("timeout");
    }, context.timeoutMs);
  });
  const running = run(context);
  // After a timeout the run may still reject, and no caller awaits it any more.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one collector under `settings.collectorTimeoutSeconds`; never throws, so one failing
 * collector cannot fail the incident. The evidence is redacted of secrets before it is returned
 * (and so before it is stored).
 */
export async function runCollector(services: Services, incident: Incident, handler: Handler, request: CollectorRequest, logger: Logger): Promise<Evidence> {
  const startedAt = new Date();
  const timeoutMs = Math.round(services.settings.collectorTimeoutSeconds * 1000);
  const controller = new AbortController();
  const attempt: Attempt = request.target ? { resource: request.target } : {};
  const context: CollectorContext = {
    services,
    incident,
    handler,
    target: request.target?.toLowerCase(),
    variant: request.variant,
    criterion: request.criterion,
    logger,
    abortSignal: controller.signal,
    timeoutMs,
    attempt,
    now: startedAt,
  };

  let outcome: CollectorOutcome;
  try {
    const result = await runWithTimeout(RUNS[request.collector], context, controller);
    outcome =
      result === "timeout"
        ? { status: "timeout", summary: `The ${request.collector} collector gave up after ${services.settings.collectorTimeoutSeconds} s without an answer.` }
        : result;
  } catch (error) {
    outcome = controller.signal.aborted
      ? { status: "timeout", summary: `The ${request.collector} collector gave up after ${services.settings.collectorTimeoutSeconds} s without an answer.` }
      : { status: "error", summary: `The ${request.collector} collector failed: ${(error as Error).message}`, response: { message: (error as Error).message } };
  }

  const evidence: Evidence = {
    id: request.evidenceId,
    collector: request.collector,
    status: outcome.status,
    summary: outcome.summary,
    attempted: attempt,
    ...(outcome.response ? { response: outcome.response } : {}),
    ...(outcome.findings ? { findings: outcome.findings } : {}),
    ...(outcome.discoveredResources && outcome.discoveredResources.length > 0 ? { discoveredResources: outcome.discoveredResources } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
  };
  if (evidence.status === "error" || evidence.status === "timeout") {
    logger.warn("Collector failed or timed out.", { incidentKey: incident.key, collector: request.collector, evidenceId: request.evidenceId, status: evidence.status });
  }
  return redactDeep(evidence);
}
