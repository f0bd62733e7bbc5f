import { redact } from "../analysis/redact";
import { noteMarker, pagerDutyClient, type PagerDutyClient } from "../platforms/pagerduty";
import type { ToolName } from "./catalog";
import { failed, notConfigured, pagerDutyIncidentId, refused, succeeded } from "./results";
import type { ToolContext, ToolResult } from "./types";

export const PAGERDUTY_OFF = "PagerDuty writes are off: set PAGERDUTY_API_KEY and PAGERDUTY_FROM_EMAIL to let the agent write to PagerDuty.";

type Target = { client: PagerDutyClient; incidentId: string };

/**
 * Resolves the client and the incident a PagerDuty tool acts on. The id must be this incident's
 * own: an id named in alert text can never point the agent at another incident.
 */
function target(tool: ToolName, args: Record<string, unknown>, context: ToolContext): Target | ToolResult {
  const own = pagerDutyIncidentId(context.incident);
  if (!own) return refused(tool, `${tool} acts on PagerDuty incidents only; this incident came from ${context.incident.source}.`);
  const requested = typeof args.incidentId === "string" ? args.incidentId : own;
  if (requested.toLowerCase() !== own.toLowerCase()) {
    return refused(tool, `${tool} may act only on this incident's PagerDuty incident ${own}, not ${requested}.`, { incidentId: requested });
  }
  const client = pagerDutyClient(context.services);
  if (!client) return notConfigured(tool, PAGERDUTY_OFF, { incidentId: own });
  return { client, incidentId: own };
}

export async function acknowledgePagerDutyIncident(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "pagerduty.acknowledge";
  const resolved = target(tool, args, context);
  if ("status" in resolved) return resolved;
  const attempted = { incidentId: resolved.incidentId };
  try {
    const outcome = await resolved.client.acknowledge(resolved.incidentId);
    const summary = {
      acknowledged: `Acknowledged PagerDuty incident ${resolved.incidentId}.`,
      "already-acknowledged": `PagerDuty incident ${resolved.incidentId} was already acknowledged.`,
      "already-resolved": `PagerDuty incident ${resolved.incidentId} is resolved; the agent did not acknowledge it, because that would reopen it.`,
    }[outcome];
    return succeeded(tool, summary, attempted, { outcome });
  } catch (error) {
    return failed(tool, attempted, error);
  }
}

export async function addPagerDutyNote(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "pagerduty.addNote";
  const resolved = target(tool, args, context);
  if ("status" in resolved) return resolved;
  const attempted = { incidentId: resolved.incidentId };
  const text = redact(String(args.note ?? ""));
  if (text.trim() === "") return refused(tool, "pagerduty.addNote needs a non-empty note.", attempted);
  try {
    const result = await resolved.client.addNote(resolved.incidentId, noteMarker(context.incident.key, context.step), text);
    const summary = result.created
      ? `Added a note to PagerDuty incident ${resolved.incidentId}.`
      : `The note was already on PagerDuty incident ${resolved.incidentId}; it was not posted again.`;
    return succeeded(tool, summary, attempted, { noteId: result.note.id, created: result.created });
  } catch (error) {
    return failed(tool, attempted, error);
  }
}

export async function resolvePagerDutyIncident(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "pagerduty.resolve";
  const resolved = target(tool, args, context);
  if ("status" in resolved) return resolved;
  const attempted = { incidentId: resolved.incidentId };
  const resolution = typeof args.resolution === "string" && args.resolution.trim() !== "" ? redact(args.resolution) : undefined;
  try {
    const outcome = await resolved.client.resolve(resolved.incidentId, resolution);
    const summary =
      outcome === "resolved" ? `Resolved PagerDuty incident ${resolved.incidentId}.` : `PagerDuty incident ${resolved.incidentId} was already resolved.`;
    return succeeded(tool, summary, attempted, { outcome });
  } catch (error) {
    return failed(tool, attempted, error);
  }
}

export async function setPagerDutyPriority(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "pagerduty.setPriority";
  const resolved = target(tool, args, context);
  if ("status" in resolved) return resolved;
  const priorityName = String(args.priority ?? "");
  const attempted = { incidentId: resolved.incidentId, priority: priorityName };
  try {
    const priority = await resolved.client.setPriority(resolved.incidentId, priorityName);
    return succeeded(tool, `Set the priority of PagerDuty incident ${resolved.incidentId} to ${priority.name}.`, attempted, { priorityId: priority.id });
  } catch (error) {
    return failed(tool, attempted, error);
  }
}
