import type { AlertCriterion } from "../intake/incident";
import type { CollectorContext, CollectorOutcome } from "./collector";
import { describeServiceError, durationMs, isAbort, isoInterval, notConfigured } from "./collector";
import { monitorClient } from "./azure";
import type { MetricFindings, MetricSeriesFindings } from "./evidence";
import { metricState, worstState } from "./metricState";
import { parseResourceId, withoutLeadingSlash } from "./resourceId";

/** Points kept per series in the evidence. */
const KEPT_POINTS = 30;

/** How far before the fire time the read starts when the alert states no window, so the breach itself shows. */
const DEFAULT_LEAD_MS = 5 * 60_000;

const AGGREGATIONS: Record<string, "average" | "maximum" | "minimum" | "total" | "count"> = {
  average: "average",
  avg: "average",
  maximum: "maximum",
  max: "maximum",
  minimum: "minimum",
  min: "minimum",
  total: "total",
  sum: "total",
  count: "count",
};

/** Quotes a value for an OData `$filter` string literal. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Builds the dimension filter, for example `Instance eq 'rd01' and Code eq '*'` (`*` splits by that dimension). */
export function dimensionFilter(dimensions: Array<{ name: string; value: string }> | undefined): string | undefined {
  if (!dimensions || dimensions.length === 0) return undefined;
  return dimensions.map((dimension) => `${dimension.name} eq ${odataString(dimension.value)}`).join(" and ");
}

/** Returns the metric to read: one criterion of a multi-criteria alert, or the condition's top-level metric. */
function metricCondition(context: CollectorContext): (AlertCriterion & { windowSize?: string }) | undefined {
  const condition = context.incident.condition;
  if (!condition) return undefined;
  const criterion = context.criterion !== undefined ? condition.criteria?.[context.criterion] : undefined;
  return criterion ? { ...criterion, windowSize: condition.windowSize } : condition;
}

/**
 * Reads the alerted metric of one target (the metrics collector), with the alert's dimensions, from
 * shortly before the fire time until now, and compares it with the alert's threshold and operator.
 */
export async function collectMetrics(context: CollectorContext): Promise<CollectorOutcome> {
  const credential = context.services.azureCredential;
  if (!credential) return notConfigured();
  const condition = metricCondition(context);
  const target = context.target;
  if (!target) return { status: "no_data", summary: "The incident names no target resource whose metric could be read." };
  if (!condition?.metricName) return { status: "no_data", summary: "The alert names no metric, so there is no metric to compare with its threshold." };
  const parts = parseResourceId(target);
  if (!parts) return { status: "error", summary: `The target "${target}" is not an Azure resource id.`, response: { code: "InvalidResourceId" } };

  const firedAt = new Date(context.incident.firedAt);
  const start = new Date(firedAt.getTime() - (durationMs(condition.windowSize) ?? DEFAULT_LEAD_MS));
  const end = context.now.getTime() > start.getTime() + 60_000 ? context.now : new Date(start.getTime() + 60_000);
  const aggregationName = condition.timeAggregation ?? "Average";
  const aggregation = AGGREGATIONS[aggregationName.toLowerCase()] ?? "average";
  const filter = dimensionFilter(condition.dimensions);
  const timespan = isoInterval(start, end);

  Object.assign(context.attempt, {
    resource: target,
    window: timespan,
    metric: condition.metricName,
    namespace: condition.metricNamespace,
    aggregation: aggregationName,
    filter,
  });

  let response;
  try {
    response = await monitorClient(context.services, credential, parts.subscriptionId).metrics.list(withoutLeadingSlash(target), {
      timespan,
      interval: "PT1M",
      metricnames: condition.metricName,
      aggregation: aggregationName,
      metricnamespace: condition.metricNamespace,
      filter,
      abortSignal: context.abortSignal,
    });
  } catch (error) {
    if (isAbort(error, context.abortSignal)) throw error;
    const described = describeServiceError(error);
    return { status: "error", summary: `Reading ${condition.metricName} failed: ${described.message}`, response: described };
  }

  const metric = response.value[0];
  if (!metric) return { status: "no_data", summary: `The metrics API returned no metric named ${condition.metricName}.` };
  if (metric.errorCode && metric.errorCode !== "Success") {
    return {
      status: "error",
      summary: `Reading ${condition.metricName} failed: ${metric.errorMessage ?? metric.errorCode}.`,
      response: { code: metric.errorCode, message: metric.errorMessage },
    };
  }

  const series: MetricSeriesFindings[] = [];
  for (const element of metric.timeseries ?? []) {
    const points = (element.data ?? [])
      .filter((point) => typeof point[aggregation] === "number")
      .map((point) => ({ time: point.timeStamp.toISOString(), value: point[aggregation] as number }));
    if (points.length === 0) continue;
    // Decide on the points since the fire time; fall back to all when none are that recent yet.
    const since = points.filter((point) => Date.parse(point.time) >= firedAt.getTime() - 60_000);
    const deciding = since.length > 0 ? since : points;
    const dimensions = Object.fromEntries(
      (element.metadatavalues ?? []).map((entry) => [entry.name?.value ?? "dimension", entry.value ?? ""]),
    );
    series.push({
      dimensions,
      state: metricState(deciding.map((point) => point.value), condition.operator, condition.threshold),
      lastValue: points[points.length - 1].value,
      points: points.slice(-KEPT_POINTS),
    });
  }
  if (series.length === 0) {
    return { status: "no_data", summary: `${condition.metricName} has no data points in ${timespan}.`, response: { message: "empty timeseries" } };
  }

  const findings: MetricFindings = {
    metricName: condition.metricName,
    aggregation: aggregationName,
    operator: condition.operator,
    threshold: condition.threshold,
    state: worstState(series.map((entry) => entry.state)),
    series,
  };
  const last = series.map((entry) => entry.lastValue).filter((value) => value !== undefined);
  const comparison =
    condition.operator && condition.threshold !== undefined ? ` against ${condition.operator} ${condition.threshold}` : " (the alert states no static threshold)";
  return {
    status: "success",
    summary: `${condition.metricName} (${aggregationName}) is ${findings.state}${comparison}; latest ${last.join(", ")} over ${series.length} series.`,
    response: { status: 200 },
    findings: { ...findings },
  };
}
