import type { AlertCondition, AlertCriterion } from "../incident";
import { uniqueResourceIds } from "../resourceIds";
import { asString, httpUrl, isoTime, list, numeric, record, text } from "../values";

/**
 * Incident fields that one `monitoringService` contributes, read from `alertContext`. Each reader
 * takes the shapes that service is documented and observed to send and ignores the rest.
 */
export interface ServiceDetails {
  condition: AlertCondition;
  /** A short phrase for the title, such as `Transactions > 5`. */
  summary?: string;
  links: Array<{ label: string; url: string }>;
  /** Resource ids the alert names besides its targets. */
  related: string[];
  /** Properties to merge below the alert's custom properties (`alertContext.properties`). */
  properties?: unknown;
  /** True when the target names add nothing to the title, as for a subscription-wide Service Health alert. */
  omitTargetsFromTitle?: boolean;
}

/** The reader for each `monitoringService`, by a key without case, spaces or dashes. */
const READERS: Record<string, (context: Record<string, unknown>, configurationItems: unknown[]) => ServiceDetails> = {
  platform: readMetricAlert,
  logalertsv2: readLogAlertV2,
  loganalytics: readLegacyLogAlert,
  applicationinsights: readLegacyLogAlert,
  activitylogadministrative: readActivityLogEvent,
  activitylogpolicy: readActivityLogEvent,
  activitylogautoscale: readActivityLogEvent,
  activitylogsecurity: readActivityLogEvent,
  activitylogrecommendation: readActivityLogEvent,
  servicehealth: readServiceHealth,
  resourcehealth: readResourceHealth,
  smartdetector: readSmartDetector,
  prometheus: readPrometheus,
  costalerts: readCostAlert,
};

/** True when intake has a specific reader for `monitoringService`. */
export function isKnownService(monitoringService: string | undefined): boolean {
  return monitoringService !== undefined && serviceKey(monitoringService) in READERS;
}

/**
 * Reads the service-specific part of an alert. Unknown services, and any alert context that a
 * reader cannot make sense of, give a generic result instead of an error: an alert must never be
 * lost to a parsing problem.
 */
export function readServiceDetails(monitoringService: string | undefined, alertContext: unknown, configurationItems: unknown[]): { details: ServiceDetails; error?: Error } {
  const context = record(alertContext) ?? {};
  const reader = monitoringService === undefined ? undefined : READERS[serviceKey(monitoringService)];
  if (!reader) return { details: readGeneric(context, monitoringService) };
  try {
    return { details: reader(context, configurationItems) };
  } catch (error) {
    return { details: readGeneric(context, monitoringService), error: error as Error };
  }
}

function serviceKey(monitoringService: string): string {
  return monitoringService.toLowerCase().replace(/[\s_-]+/g, "");
}

const OPERATOR_SYMBOLS: Record<string, string> = {
  greaterthan: ">",
  greaterthanorequal: ">=",
  lessthan: "<",
  lessthanorequal: "<=",
  equal: "=",
  equals: "=",
  notequal: "!=",
  greaterorlessthan: "outside",
};

function operatorSymbol(operator: string | undefined): string {
  if (!operator) return "";
  return OPERATOR_SYMBOLS[operator.toLowerCase().replace(/\s+/g, "")] ?? operator;
}

/** Dimensions kept per criterion, so one alert cannot bloat its incident. */
const MAX_DIMENSIONS = 50;

function dimensionsOf(value: unknown): Array<{ name: string; value: string }> {
  const dimensions: Array<{ name: string; value: string }> = [];
  for (const entry of list(value).slice(0, MAX_DIMENSIONS)) {
    const dimension = record(entry);
    const name = text(dimension?.name);
    if (name) dimensions.push({ name, value: asString(dimension?.value, 1_000) });
  }
  return dimensions;
}

function link(label: string, value: unknown): Array<{ label: string; url: string }> {
  const url = httpUrl(value);
  return url ? [{ label, url }] : [];
}

/** Drops undefined members, so stored incidents carry no empty keys. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}

function factsOf(entries: Record<string, unknown>): Record<string, string> | undefined {
  const facts: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) {
    if (value === undefined || value === null || value === "") continue;
    facts[name] = asString(value);
  }
  return Object.keys(facts).length > 0 ? facts : undefined;
}

function criterionSummary(criterion: AlertCriterion | undefined, fallback: string): string {
  if (!criterion) return fallback;
  const subject = criterion.metricName ?? fallback;
  if (criterion.operator === undefined || criterion.threshold === undefined) return subject;
  return `${subject} ${operatorSymbol(criterion.operator)} ${criterion.threshold}`;
}

function windowOf(condition: Record<string, unknown> | undefined) {
  return {
    windowSize: text(condition?.windowSize),
    windowStart: isoTime(condition?.windowStartTime),
    windowEnd: isoTime(condition?.windowEndTime),
  };
}

/** `Platform`: metric alerts, including dynamic thresholds and web test availability. */
function readMetricAlert(context: Record<string, unknown>): ServiceDetails {
  const condition = record(context.condition);
  const allOf = list(condition?.allOf).map((entry) => record(entry) ?? {});
  const criteria: AlertCriterion[] = allOf.map((entry) =>
    compact({
      metricName: text(entry.metricName),
      metricNamespace: text(entry.metricNamespace),
      operator: text(entry.operator),
      threshold: numeric(entry.threshold),
      observedValue: numeric(entry.metricValue),
      timeAggregation: text(entry.timeAggregation),
      dimensions: dimensionsOf(entry.dimensions),
    }),
  );
  const first = allOf[0] ?? {};
  const failing = record(first.failingPeriods);
  const webTests = allOf.map((entry) => text(entry.webTestName)).filter((name): name is string => name !== undefined);

  const more = criteria.length > 1 ? ` and ${criteria.length - 1} more criteria` : "";
  return {
    condition: compact({
      kind: "metric" as const,
      ...criteria[0],
      ...windowOf(condition),
      criteria: criteria.length > 0 ? criteria : undefined,
      facts: factsOf({
        conditionType: context.conditionType,
        alertSensitivity: first.alertSensitivity,
        failingPeriods: failing ? `${asString(failing.minFailingPeriodsToAlert)} of ${asString(failing.numberOfEvaluationPeriods)}` : undefined,
        ignoreDataBefore: first.ignoreDataBefore,
        webTestName: webTests.length > 0 ? webTests.join(", ") : undefined,
      }),
    }),
    summary: criterionSummary(criteria[0], "metric") + more,
    links: [],
    related: [],
    properties: context.properties,
  };
}

/** Workspace GUID in a Log Analytics API link (`/v1/workspaces/{id}/query`). */
function workspaceFromLink(value: unknown): string | undefined {
  const url = text(value);
  return url ? /\/workspaces\/([0-9a-f-]{36})\//i.exec(url)?.[1] : undefined;
}

function logLinks(source: Record<string, unknown>, names: { ui: string; filteredUi: string; api: string; filteredApi: string }) {
  return [
    ...link("Log search results in the Azure portal", source[names.ui]),
    ...link("Filtered log search results in the Azure portal", source[names.filteredUi]),
    ...link("Log search results (query API)", source[names.api]),
    ...link("Filtered log search results (query API)", source[names.filteredApi]),
  ];
}

/** `Log Alerts V2`: scheduled query rules from API 2021-08-01; the query sits in each criterion. */
function readLogAlertV2(context: Record<string, unknown>, configurationItems: unknown[]): ServiceDetails {
  const condition = record(context.condition);
  const allOf = list(condition?.allOf).map((entry) => record(entry) ?? {});
  const criteria: AlertCriterion[] = allOf.map((entry) =>
    compact({
      metricName: text(entry.metricMeasureColumn),
      operator: text(entry.operator),
      threshold: numeric(entry.threshold),
      observedValue: numeric(entry.metricValue),
      timeAggregation: text(entry.timeAggregation),
      dimensions: dimensionsOf(entry.dimensions),
      query: text(entry.searchQuery),
    }),
  );
  const first = allOf[0] ?? {};
  const failing = record(first.failingPeriods);
  const names = { ui: "linkToSearchResultsUI", filteredUi: "linkToFilteredSearchResultsUI", api: "linkToSearchResultsAPI", filteredApi: "linkToFilteredSearchResultsAPI" };

  return {
    condition: compact({
      kind: "log" as const,
      ...criteria[0],
      ...windowOf(condition),
      workspaceId: workspaceFromLink(first.linkToSearchResultsAPI),
      criteria: criteria.length > 0 ? criteria : undefined,
      facts: factsOf({
        conditionType: context.conditionType,
        targetResourceTypes: first.targetResourceTypes,
        failingPeriods: failing ? `${asString(failing.minFailingPeriodsToAlert)} of ${asString(failing.numberOfEvaluationPeriods)}` : undefined,
      }),
    }),
    summary: criterionSummary(criteria[0], "result count"),
    links: logLinks(first, names),
    related: uniqueResourceIds([...configurationItems, ...criteria.flatMap((criterion) => (criterion.dimensions ?? []).map((dimension) => dimension.value))]),
    properties: context.properties,
  };
}

/** `Log Analytics` and `Application Insights`: legacy log alerts (API 2018-04-16), PascalCase keys. */
function readLegacyLogAlert(context: Record<string, unknown>, configurationItems: unknown[]): ServiceDetails {
  const alertType = text(context.AlertType);
  const resultCount = numeric(context.ResultCount);
  const minutes = numeric(context.SearchIntervalInMinutes) ?? numeric(context.SearchIntervalDurationMin);
  const dimensions = dimensionsOf(context.Dimensions);
  const operator = text(context.Operator);
  const threshold = numeric(context.Threshold);
  const names = { ui: "LinkToSearchResults", filteredUi: "LinkToFilteredSearchResultsUI", api: "LinkToSearchResultsAPI", filteredApi: "LinkToFilteredSearchResultsAPI" };

  const subject = alertType ?? "results";
  const found = resultCount === undefined ? "" : ` (${resultCount} found)`;
  return {
    condition: compact({
      kind: "log" as const,
      query: text(context.SearchQuery),
      operator,
      threshold,
      // For "Number of results" the result count is what crossed the threshold.
      observedValue: alertType?.toLowerCase() === "number of results" ? resultCount : undefined,
      dimensions,
      windowStart: isoTime(context.SearchIntervalStartTimeUtc),
      // Every payload spells it "Endtime", although the documentation's field table spells it "EndTime".
      windowEnd: isoTime(context.SearchIntervalEndtimeUtc ?? context.SearchIntervalEndTimeUtc),
      windowSize: minutes === undefined ? undefined : `PT${minutes}M`,
      workspaceId: text(context.WorkspaceId) ?? workspaceFromLink(context.LinkToSearchResultsAPI),
      applicationId: text(context.ApplicationId),
      facts: factsOf({
        alertType,
        resultCount,
        severityDescription: context.SeverityDescription,
        includedSearchResults: context.IncludedSearchResults,
      }),
    }),
    summary: operator && threshold !== undefined ? `${subject} ${operatorSymbol(operator)} ${threshold}${found}` : `${subject}${found}`,
    links: logLinks(context, names),
    related: uniqueResourceIds([...configurationItems, ...list(context.AffectedConfigurationItems), ...dimensions.map((dimension) => dimension.value)]),
  };
}

/** `Activity Log - *`: an activity log event (Administrative, Policy, Autoscale, Security, Recommendation). */
function readActivityLogEvent(context: Record<string, unknown>): ServiceDetails {
  const authorization = record(context.authorization);
  const properties = record(context.properties);
  const operationName = text(context.operationName) ?? text(authorization?.action);
  const status = text(context.status);
  return {
    condition: compact({
      kind: "activity-log" as const,
      facts: factsOf({
        operationName,
        status,
        subStatus: context.subStatus,
        caller: context.caller,
        eventSource: context.eventSource,
        level: context.level,
        correlationId: context.correlationId,
        eventTimestamp: context.eventTimestamp,
        eventDescription: context["Activity Log Event Description"],
      }),
    }),
    summary: [operationName ?? "activity log event", status ? `(${status})` : undefined].filter(Boolean).join(" "),
    links: [],
    related: uniqueResourceIds([authorization?.scope, properties?.entity]),
    properties: context.properties,
  };
}

/** `ServiceHealth`: an Azure service issue, maintenance or advisory for the subscription. */
function readServiceHealth(context: Record<string, unknown>): ServiceDetails {
  const properties = record(context.properties) ?? {};
  const title = text(properties.title) ?? text(properties.defaultLanguageTitle);
  return {
    condition: compact({
      kind: "health" as const,
      facts: factsOf({
        title,
        service: properties.service,
        region: properties.region,
        incidentType: properties.incidentType,
        trackingId: properties.trackingId,
        stage: properties.stage,
        impactStartTime: properties.impactStartTime,
        impactMitigationTime: properties.impactMitigationTime,
        status: context.status,
        operationName: context.operationName,
      }),
    }),
    summary: title ?? [text(properties.incidentType) ?? "service health event", text(properties.service), text(properties.region)].filter(Boolean).join(" "),
    links: [],
    related: [],
    properties: context.properties,
    omitTargetsFromTitle: true,
  };
}

/** `Resource Health`: a health change of one resource. Statuses and cause may be null. */
function readResourceHealth(context: Record<string, unknown>): ServiceDetails {
  const properties = record(context.properties) ?? {};
  const current = text(properties.currentHealthStatus);
  return {
    condition: compact({
      kind: "health" as const,
      facts: factsOf({
        title: properties.title,
        currentHealthStatus: current,
        previousHealthStatus: properties.previousHealthStatus,
        type: properties.type,
        cause: properties.cause,
        status: context.status,
        operationName: context.operationName,
        eventTimestamp: context.eventTimestamp,
      }),
    }),
    summary: text(properties.title) ?? (current ? `health is ${current}` : "resource health changed"),
    links: [],
    related: [],
    properties: context.properties,
  };
}

/** `SmartDetector`: Application Insights smart detection. */
function readSmartDetector(context: Record<string, unknown>): ServiceDetails {
  return {
    condition: compact({
      kind: "other" as const,
      observedValue: numeric(context.DetectedValue),
      facts: factsOf({
        detectionSummary: context.DetectionSummary,
        smartDetectorName: context.SmartDetectorName,
        smartDetectorId: context.SmartDetectorId,
        detectedValue: context.DetectedValue,
        normalValue: context.NormalValue,
        occurrenceTime: context.FormattedOccurrenceTime,
        analysisTimestamp: context.AnalysisTimestamp,
      }),
    }),
    summary: text(context.DetectionSummary) ?? text(context.SmartDetectorName),
    links: [],
    related: [],
  };
}

/** `Prometheus`: a Prometheus rule in an Azure Monitor workspace. */
function readPrometheus(context: Record<string, unknown>): ServiceDetails {
  const labels = record(context.labels) ?? {};
  const annotations = record(context.annotations) ?? {};
  const annotationFacts: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(annotations)) annotationFacts[`annotation.${name}`] = value;
  return {
    condition: compact({
      kind: "prometheus" as const,
      query: text(context.expression),
      // expressionValue is a string and may carry a unit ("12.7m"); only a plain number is kept here.
      observedValue: numeric(context.expressionValue),
      dimensions: Object.entries(labels)
        .slice(0, MAX_DIMENSIONS)
        .map(([name, value]) => ({ name, value: asString(value, 1_000) })),
      windowSize: text(context.for) ?? text(context.interval),
      facts: factsOf({
        expressionValue: context.expressionValue,
        interval: context.interval,
        for: context.for,
        ruleGroup: context.ruleGroup,
        ...annotationFacts,
      }),
    }),
    summary: text(annotations.summary) ?? text(labels.alertname),
    links: [...link("Runbook", annotations.runbook_url)],
    related: uniqueResourceIds([labels["microsoft.resourceid"]]),
  };
}

/** `CostAlerts`: a budget threshold; essentials are mostly null for these. */
function readCostAlert(context: Record<string, unknown>): ServiceDetails {
  const data = record(context.AlertData) ?? {};
  const budget = text(data.BudgetName);
  const spent = asString(data.SpentAmount);
  const threshold = asString(data.BudgetThreshold);
  const unit = asString(data.Unit);
  return {
    condition: compact({
      kind: "other" as const,
      facts: factsOf({
        alertCategory: context.AlertCategory,
        budgetName: budget,
        scope: data.Scope,
        spentAmount: data.SpentAmount,
        budgetThreshold: data.BudgetThreshold,
        notificationThresholdAmount: data.NotificationThresholdAmount,
        forecastedTotalForPeriod: data.ForecastedTotalForPeriod,
        unit: data.Unit,
        thresholdType: data.ThresholdType,
        budgetType: data.BudgetType,
      }),
    }),
    summary: budget ? `budget ${budget} at ${spent || "?"} of ${threshold || "?"} ${unit}`.trim() : "budget alert",
    links: [],
    related: uniqueResourceIds([data.Scope]),
    omitTargetsFromTitle: true,
  };
}

/** Any other service: a generic summary and the alert context's top-level scalar values as facts. */
function readGeneric(context: Record<string, unknown>, monitoringService: string | undefined): ServiceDetails {
  const scalars: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(context).slice(0, 30)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") scalars[name] = value;
  }
  return {
    condition: compact({ kind: "other" as const, facts: factsOf(scalars) }),
    summary: `alert from ${monitoringService ?? "an unnamed monitoring service"}`,
    links: [],
    related: [],
    properties: context.properties,
  };
}
