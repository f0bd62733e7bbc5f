import type { EventData } from "@azure/arm-monitor";
import type { CollectorContext, CollectorOutcome } from "./collector";
import { describeServiceError, isAbort, isoInterval, notConfigured } from "./collector";
import { monitorClient } from "./azure";
import type { ChangeFindings, ChangeRecord } from "./evidence";
import { parseResourceId } from "./resourceId";

/** Lookback before the fire time. */
export const CHANGE_LOOKBACK_MS = 2 * 60 * 60_000;

/** Events read per query; a busy resource group can hold thousands. */
const MAX_EVENTS = 500;
/** Changes kept in the evidence, newest first. */
const KEPT_CHANGES = 30;

const SELECT = [
  "eventTimestamp",
  "operationName",
  "operationId",
  "status",
  "caller",
  "resourceId",
  "category",
  "correlationId",
].join(",");

/** Operation names that deploy code or configuration. */
const DEPLOYMENT = /microsoft\.resources\/deployments\/|\/(publish|zipdeploy|onedeploy|sourcecontrols|slotsswap|deployments|extensions)\b|\/config\/(web|appsettings)\b/i;

/** Write operations: ARM `.../write`, `.../delete` and `.../action`, except list and read actions. */
function isWrite(operation: string): boolean {
  if (!/\/(write|delete|action)$/i.test(operation)) return false;
  return !/\/(list\w*|read\w*)\/action$/i.test(operation);
}

function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

async function listEvents(context: CollectorContext, subscriptionId: string, filter: string): Promise<EventData[]> {
  const credential = context.services.azureCredential!;
  const events: EventData[] = [];
  const pages = monitorClient(context.services, credential, subscriptionId).activityLogs.list(filter, { select: SELECT, abortSignal: context.abortSignal });
  for await (const event of pages) {
    events.push(event);
    if (events.length >= MAX_EVENTS) break;
  }
  return events;
}

/** Folds the Started/Accepted/Succeeded events of one operation into one change with its latest status. */
function toChanges(events: EventData[], firedAt: number): ChangeRecord[] {
  const byOperation = new Map<string, ChangeRecord & { sortTime: number }>();
  for (const event of events) {
    const operation = event.operationName?.value ?? "";
    if (!isWrite(operation)) continue;
    if (event.category?.value && event.category.value.toLowerCase() !== "administrative") continue;
    const time = event.eventTimestamp?.getTime() ?? 0;
    const key = event.operationId ?? event.correlationId ?? `${operation}-${time}`;
    const existing = byOperation.get(key);
    if (existing && existing.sortTime >= time) continue;
    byOperation.set(key, {
      time: new Date(time).toISOString(),
      sortTime: time,
      operation,
      status: event.status?.value,
      caller: event.caller,
      resourceId: event.resourceId?.toLowerCase(),
      isDeployment: DEPLOYMENT.test(operation),
      minutesBeforeFire: Math.round((firedAt - time) / 60_000),
    });
  }
  return [...byOperation.values()].sort((a, b) => b.sortTime - a.sortTime).map(({ sortTime: _sortTime, ...change }) => change);
}

/**
 * Lists Activity Log write operations on one target, and ARM deployments in its resource group,
 * from the lookback before the fire time until now (the recent-changes collector).
 */
export async function collectChanges(context: CollectorContext): Promise<CollectorOutcome> {
  if (!context.services.azureCredential) return notConfigured();
  const target = context.target;
  if (!target) return { status: "no_data", summary: "No target resource whose changes could be listed." };
  const parts = parseResourceId(target);
  if (!parts) return { status: "error", summary: `The target "${target}" is not an Azure resource id.`, response: { code: "InvalidResourceId" } };

  const firedAt = new Date(context.incident.firedAt).getTime();
  const start = new Date(firedAt - CHANGE_LOOKBACK_MS);
  const end = context.now.getTime() > start.getTime() ? context.now : new Date(firedAt);
  const window = `eventTimestamp ge '${start.toISOString()}' and eventTimestamp le '${end.toISOString()}'`;
  const filters = [`${window} and resourceUri eq ${odataString(target)}`];
  if (parts.resourceGroup) filters.push(`${window} and resourceGroupName eq ${odataString(parts.resourceGroup)}`);
  Object.assign(context.attempt, { resource: target, window: isoInterval(start, end), filters });

  const events: EventData[] = [];
  const failures: string[] = [];
  for (const [index, filter] of filters.entries()) {
    try {
      const found = await listEvents(context, parts.subscriptionId, filter);
      // The resource-group query only contributes deployments; its other writes concern other resources.
      events.push(...(index === 0 ? found : found.filter((event) => /microsoft\.resources\/deployments\//i.test(event.operationName?.value ?? ""))));
    } catch (error) {
      if (isAbort(error, context.abortSignal)) throw error;
      const described = describeServiceError(error);
      failures.push(`${index === 0 ? "resource" : "resource group"} query failed: ${described.code ? `${described.code}: ` : ""}${described.message}`);
    }
  }
  if (failures.length === filters.length) {
    return { status: "error", summary: `Listing Activity Log events for ${target} failed: ${failures.join("; ")}`, response: { message: failures[0] } };
  }

  const changes = toChanges(events, firedAt);
  const findings: ChangeFindings = {
    window: isoInterval(start, end),
    changes: changes.slice(0, KEPT_CHANGES),
    deployments: changes.filter((change) => change.isDeployment).length,
  };
  const targetLower = target.toLowerCase();
  const discovered = [...new Set(changes.map((change) => change.resourceId).filter((id): id is string => !!id && id !== targetLower))];
  const partial = failures.length > 0;

  if (changes.length === 0) {
    return {
      status: partial ? "partial" : "no_data",
      summary: `No write operations or deployments on ${target} from ${start.toISOString()} to ${end.toISOString()}${partial ? ` (${failures.join("; ")})` : ""}.`,
      response: partial ? { message: failures[0] } : { status: 200 },
      findings: { ...findings },
    };
  }
  const newest = changes[0];
  const before = changes.filter((change) => change.minutesBeforeFire >= 0);
  return {
    status: partial ? "partial" : "success",
    summary:
      `${changes.length} write operations (${findings.deployments} deployments) on ${target} since ${start.toISOString()}, ${before.length} before the alert fired; ` +
      `newest ${newest.operation} (${newest.status ?? "no status"}) at ${newest.time} by ${newest.caller ?? "an unknown caller"}` +
      `${partial ? `; ${failures.join("; ")}` : ""}.`,
    response: partial ? { message: failures[0] } : { status: 200 },
    findings: { ...findings },
    discoveredResources: discovered,
  };
}
