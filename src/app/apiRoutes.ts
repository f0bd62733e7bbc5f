import type { HttpRequest, InvocationContext } from "@azure/functions";
import type { HttpRoute } from "./http";
import { json, problem } from "./http";
import { getServices } from "./services";
import { isTransientStorageError } from "../storage/tables";
import { INCIDENT_STATUSES, PRIORITIES, type Incident, type IncidentStatus, type Priority } from "../intake/incident";


/** Parses a comma-separated filter; returns an error message when a value is not allowed. */
function listFilter<T extends string>(value: string | null, allowed: readonly T[], name: string): { values?: T[]; error?: string } {
  if (!value) return {};
  const values = value.split(",").map((item) => item.trim()).filter(Boolean);
  const invalid = values.filter((item) => !allowed.includes(item as T));
  if (invalid.length > 0) return { error: `Query parameter ${name} has invalid value ${invalid.join(", ")}; use ${allowed.join(", ")}.` };
  return { values: values as T[] };
}

async function health(_request: HttpRequest, context: InvocationContext) {
  try {
    // One cheap read with a short deadline, so health turns 503 when intake would.
    const incidents = await getServices().tables.table("incidents");
    const page = incidents.listEntities({ queryOptions: { filter: "PartitionKey eq 'health'", select: ["RowKey"] } }).byPage({ maxPageSize: 1 });
    await Promise.race([
      page.next(),
      new Promise((_, reject) => setTimeout(() => reject(new Error("storage did not respond within 2 s")), 2000).unref()),
    ]);
    return json(200, { status: "ok" });
  } catch (error) {
    context.error("Health check failed: storage is not reachable.", { error: (error as Error).message });
    return json(503, { status: "unavailable", reason: "storage is not reachable" });
  }
}

async function listIncidents(request: HttpRequest, context: InvocationContext) {
  const status = listFilter(request.query.get("status"), INCIDENT_STATUSES as IncidentStatus[], "status");
  const priority = listFilter(request.query.get("priority"), PRIORITIES as Priority[], "priority");
  if (status.error || priority.error) return problem(400, (status.error ?? priority.error)!);
  const limitText = request.query.get("limit");
  const limit = limitText === null ? 200 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return problem(400, "Query parameter limit must be a whole number from 1 to 1000.");

  try {
    const incidents = await getServices().incidents.list({ status: status.values, priority: priority.values, limit });
    return json(200, { incidents: incidents.map(summarize) });
  } catch (error) {
    return storageFailure(error, context, "list incidents");
  }
}

async function getIncident(request: HttpRequest, context: InvocationContext) {
  const key = request.params.incidentKey;
  try {
    const stored = await getServices().incidents.get(key);
    if (!stored) return problem(404, `Incident ${key} not found. GET /api/incidents lists the known incidents.`);
    // The list's field names come first, so a client can read one shape from both routes.
    return json(200, { incidentKey: stored.incident.key, handler: stored.incident.handlerName, ...stored.incident });
  } catch (error) {
    return storageFailure(error, context, "read incident", key);
  }
}

async function getThread(request: HttpRequest, context: InvocationContext) {
  const key = request.params.incidentKey;
  try {
    const services = getServices();
    const stored = await services.incidents.get(key);
    if (!stored) return problem(404, `Incident ${key} not found. GET /api/incidents lists the known incidents.`);
    const messages = await services.threads.list(key);
    return json(200, {
      incidentKey: key,
      messages: messages.map(({ seq, at, author, kind, text, data }) => ({ seq, at, author, kind, text, data })),
    });
  } catch (error) {
    return storageFailure(error, context, "read thread", key);
  }
}

/** Picks the fields of an incident that a list shows. */
export function summarize(incident: Incident) {
  return {
    incidentKey: incident.key,
    source: incident.source,
    title: incident.title,
    priority: incident.priority,
    severity: incident.severity,
    status: incident.status,
    handler: incident.handlerName,
    verdict: incident.verdict,
    confidence: incident.confidence,
    firedAt: incident.firedAt,
    createdAt: incident.createdAt,
    acknowledgedAt: incident.acknowledgedAt,
    analyzedAt: incident.analyzedAt,
    resolvedAt: incident.resolvedAt,
  };
}

function storageFailure(error: unknown, context: InvocationContext, action: string, incidentKey?: string) {
  context.error(`Failed to ${action}.`, { incidentKey, error: (error as Error).message });
  if (isTransientStorageError(error)) return problem(503, "Storage is unavailable; try again shortly.");
  return problem(500, `Failed to ${action}: ${(error as Error).message}`);
}

export const apiRoutes: HttpRoute[] = [
  { name: "health", methods: ["GET"], route: "health", authLevel: "anonymous", handler: health },
  { name: "listIncidents", methods: ["GET"], route: "incidents", authLevel: "function", handler: listIncidents },
  { name: "getIncident", methods: ["GET"], route: "incidents/{incidentKey}", authLevel: "function", handler: getIncident },
  { name: "getThread", methods: ["GET"], route: "incidents/{incidentKey}/thread", authLevel: "function", handler: getThread },
];
