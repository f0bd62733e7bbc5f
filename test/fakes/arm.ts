import type { ServerResponse } from "node:http";
import { sendJson, startFake, type RecordedRequest, type RunningFake, createPauses } from "./https";

/**
 * An HTTPS loopback fake of the Azure Resource Manager endpoints the agent uses: metrics
 * (`{resourceId}/providers/Microsoft.Insights/metrics`), Resource Health
 * (`{resourceId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`), the Activity Log
 * (`/subscriptions/{sub}/providers/Microsoft.Insights/eventtypes/management/values`) and resource
 * tags (`{resourceId}/providers/Microsoft.Resources/tags/default`), with ARM's response shapes.
 * Other helpers add routes (alert state changes, restarts) with `addRoute`.
 *
 * Every request must carry a bearer token and an `api-version`, as ARM requires.
 */

export type ArmRouteHandler = (request: RecordedRequest, response: ServerResponse, match: RegExpExecArray) => void | Promise<void>;

export interface ArmRoute {
  method: string;
  /** Matched against the path, case-insensitively (ARM paths are case-insensitive). */
  pattern: RegExp;
  handle: ArmRouteHandler;
}

export interface MetricSeries {
  dimensions?: Record<string, string>;
  /** Values by time; `null` values model ARM's missing points. */
  points: Array<{ time: string; value: number | null }>;
}

export interface FakeMetric {
  name: string;
  unit?: string;
  series: MetricSeries[];
}

/** An Activity Log event as ARM returns it (the fields the agent reads; others may be added). */
export interface FakeEvent {
  eventTimestamp: string;
  operationName: string;
  status?: string;
  caller?: string;
  resourceId: string;
  resourceGroupName?: string;
  operationId?: string;
  category?: string;
}

export interface ArmFake extends RunningFake {
  /** Adds a route checked before the built-in ones; later additions win over earlier ones. */
  addRoute(method: string, pattern: RegExp, handle: ArmRouteHandler): void;
  setMetric(resourceId: string, metric: FakeMetric): void;
  /** Sets the availability status properties of a resource, or an error response. */
  setHealth(resourceId: string, answer: Record<string, unknown> | { status: number; body: unknown }): void;
  addEvents(subscriptionId: string, events: FakeEvent[]): void;
  setTags(resourceId: string, tags: Record<string, string>): void;
  /** Delays every response, to test time limits. */
  setDelay(ms: number): void;
  /** Events per Activity Log page; a smaller size makes the fake page with `nextLink`. */
  pageSize: number;
}

const API_VERSION_MISSING = {
  error: { code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." },
};

function notFound(response: ServerResponse, path: string): void {
  sendJson(response, 404, { error: { code: "ResourceNotFound", message: `The Resource '${path}' was not found.` } });
}

function localizable(value: string): { value: string; localizedValue: string } {
  return { value, localizedValue: value };
}

/** Reads `name op 'value'` clauses of an OData filter (the Activity Log's restricted form). */
export function filterClauses(filter: string): Array<{ name: string; op: string; value: string }> {
  const clauses: Array<{ name: string; op: string; value: string }> = [];
  const pattern = /(\w+)\s+(eq|ge|le)\s+'((?:[^']|'')*)'/gi;
  for (let match = pattern.exec(filter); match; match = pattern.exec(filter)) {
    clauses.push({ name: match[1].toLowerCase(), op: match[2].toLowerCase(), value: match[3].replace(/''/g, "'") });
  }
  return clauses;
}

/** Starts the ARM fake on loopback HTTPS. */
export async function startArmFake(): Promise<ArmFake> {
  const metrics = new Map<string, FakeMetric[]>();
  const health = new Map<string, Record<string, unknown> | { status: number; body: unknown }>();
  const events = new Map<string, FakeEvent[]>();
  const tags = new Map<string, Record<string, string>>();
  const added: ArmRoute[] = [];
  let delayMs = 0;

  const builtIn: ArmRoute[] = [
    {
      method: "GET",
      pattern: /^(\/subscriptions\/.+)\/providers\/microsoft\.insights\/metrics$/i,
      handle: (request, response, match) => {
        const resourceId = match[1];
        const names = (request.query.get("metricnames") ?? "").split(",").filter(Boolean);
        const known = metrics.get(resourceId.toLowerCase()) ?? [];
        const aggregation = (request.query.get("aggregation") ?? "Average").split(",")[0].toLowerCase();
        const value = [];
        for (const name of names) {
          const metric = known.find((entry) => entry.name.toLowerCase() === name.toLowerCase());
          if (!metric) {
            // The metrics API rejects unknown names with a top-level { code, message }.
            sendJson(response, 400, { code: "BadRequest", message: `Failed to find metric configuration for provider: ${resourceId}, metric: ${name}. Valid metrics: ${known.map((m) => m.name).join(",")}` });
            return;
          }
          value.push({
            id: `${resourceId}/providers/Microsoft.Insights/metrics/${metric.name}`,
            type: "Microsoft.Insights/metrics",
            name: localizable(metric.name),
            displayDescription: `${metric.name} of the resource.`,
            unit: metric.unit ?? "Percent",
            timeseries: metric.series.map((series) => ({
              metadatavalues: Object.entries(series.dimensions ?? {}).map(([dimension, dimensionValue]) => ({ name: localizable(dimension), value: dimensionValue })),
              data: series.points.map((point) => (point.value === null ? { timeStamp: point.time } : { timeStamp: point.time, [aggregation]: point.value })),
            })),
            errorCode: "Success",
          });
        }
        sendJson(response, 200, {
          cost: 0,
          timespan: request.query.get("timespan") ?? "",
          interval: request.query.get("interval") ?? "PT1M",
          value,
          namespace: request.query.get("metricnamespace") ?? "Microsoft.Web/sites",
          resourceregion: "westeurope",
        });
      },
    },
    {
      method: "GET",
      pattern: /^(\/subscriptions\/.+)\/providers\/microsoft\.resourcehealth\/availabilitystatuses\/current$/i,
      handle: (_request, response, match) => {
        const resourceId = match[1];
        const answer = health.get(resourceId.toLowerCase());
        if (!answer) return notFound(response, resourceId);
        if ("status" in answer && typeof answer.status === "number" && "body" in answer) {
          sendJson(response, answer.status, answer.body);
          return;
        }
        sendJson(response, 200, {
          id: `${resourceId}/providers/Microsoft.ResourceHealth/availabilityStatuses/current`,
          name: "current",
          type: "Microsoft.ResourceHealth/AvailabilityStatuses",
          location: "westeurope",
          properties: answer,
        });
      },
    },
    {
      method: "GET",
      pattern: /^\/subscriptions\/([^/]+)\/providers\/microsoft\.insights\/eventtypes\/management\/values$/i,
      handle: (request, response, match) => {
        const filter = request.query.get("$filter");
        if (!filter || !/eventTimestamp\s+ge/i.test(filter)) {
          sendJson(response, 400, { error: { code: "BadRequest", message: "The $filter query parameter must contain at least eventTimestamp ge." } });
          return;
        }
        const clauses = filterClauses(filter);
        const selected = request.query.get("$select")?.split(",").map((field) => field.trim());
        const matching = (events.get(match[1].toLowerCase()) ?? []).filter((event) =>
          clauses.every((clause) => {
            const time = Date.parse(event.eventTimestamp);
            if (clause.name === "eventtimestamp" && clause.op === "ge") return time >= Date.parse(clause.value);
            if (clause.name === "eventtimestamp" && clause.op === "le") return time <= Date.parse(clause.value);
            if (clause.name === "resourceuri") return event.resourceId.toLowerCase() === clause.value.toLowerCase();
            if (clause.name === "resourcegroupname") return (event.resourceGroupName ?? "").toLowerCase() === clause.value.toLowerCase();
            return true;
          }),
        );
        const skip = Number(request.query.get("$skiptoken") ?? "0");
        const page = matching.slice(skip, skip + fake.pageSize).map((event, index) => {
          const full: Record<string, unknown> = {
            authorization: { action: event.operationName, scope: event.resourceId },
            caller: event.caller,
            channels: "Operation",
            correlationId: event.operationId ?? `corr-${skip + index}`,
            description: "",
            eventDataId: `event-${skip + index}`,
            eventName: localizable(event.status === "Started" ? "BeginRequest" : "EndRequest"),
            category: localizable(event.category ?? "Administrative"),
            id: `${event.resourceId}/events/event-${skip + index}/ticks/1`,
            level: "Informational",
            operationId: event.operationId ?? `op-${skip + index}`,
            operationName: localizable(event.operationName),
            resourceGroupName: event.resourceGroupName,
            resourceProviderName: localizable(event.operationName.split("/")[0]),
            resourceId: event.resourceId,
            resourceType: localizable(event.operationName.split("/").slice(0, 2).join("/")),
            status: localizable(event.status ?? "Succeeded"),
            subStatus: localizable(""),
            eventTimestamp: event.eventTimestamp,
            submissionTimestamp: event.eventTimestamp,
            subscriptionId: match[1],
            tenantId: "00000000-0000-0000-0000-00000000aaaa",
            properties: {},
          };
          return selected ? Object.fromEntries(Object.entries(full).filter(([field]) => selected.includes(field))) : full;
        });
        const next = skip + fake.pageSize < matching.length;
        const nextUrl = new URL(`${fake.url}${request.path}`);
        for (const [name, value] of request.query) nextUrl.searchParams.set(name, value);
        nextUrl.searchParams.set("$skiptoken", String(skip + fake.pageSize));
        sendJson(response, 200, next ? { value: page, nextLink: nextUrl.toString() } : { value: page });
      },
    },
    {
      method: "GET",
      pattern: /^(\/subscriptions\/.+)\/providers\/microsoft\.resources\/tags\/default$/i,
      handle: (_request, response, match) => {
        const resourceId = match[1];
        sendJson(response, 200, {
          id: `${resourceId}/providers/Microsoft.Resources/tags/default`,
          name: "default",
          type: "Microsoft.Resources/tags",
          properties: { tags: tags.get(resourceId.toLowerCase()) ?? {} },
        });
      },
    },
  ];

  const { pause, clear: clearPauses } = createPauses();

  const running = await startFake(async (request, response) => {
    if (delayMs > 0) await pause(delayMs);
    if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ""))) {
      sendJson(response, 401, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
      return;
    }
    if (!request.query.get("api-version")) {
      sendJson(response, 400, API_VERSION_MISSING);
      return;
    }
    for (const route of [...added, ...builtIn]) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(request.path);
      if (match) return route.handle(request, response, match);
    }
    notFound(response, request.path);
  });

  const fake: ArmFake = {
    ...running,
    close: async () => {
      clearPauses();
      await running.close();
    },
    pageSize: 100,
    addRoute: (method, pattern, handle) => {
      added.unshift({ method: method.toUpperCase(), pattern, handle });
    },
    setMetric: (resourceId, metric) => {
      const list = (metrics.get(resourceId.toLowerCase()) ?? []).filter((entry) => entry.name !== metric.name);
      metrics.set(resourceId.toLowerCase(), [...list, metric]);
    },
    setHealth: (resourceId, answer) => health.set(resourceId.toLowerCase(), answer),
    addEvents: (subscriptionId, list) => events.set(subscriptionId.toLowerCase(), [...(events.get(subscriptionId.toLowerCase()) ?? []), ...list]),
    setTags: (resourceId, values) => tags.set(resourceId.toLowerCase(), values),
    setDelay: (ms) => {
      delayMs = ms;
    },
  };
  return fake;
}
