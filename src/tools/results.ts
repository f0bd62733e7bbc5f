import type { Incident } from "../intake/incident";
import type { Attempt } from "../investigation/evidence";
import { PagerDutyError } from "../platforms/pagerduty";
import { ArmError } from "../platforms/arm";
import { WebhookError } from "../platforms/webhooks";
import type { ToolResult } from "./types";

/** Builds a `success` result. */
export function succeeded(tool: string, summary: string, attempted: Attempt, details?: Record<string, unknown>, status?: number): ToolResult {
  return { tool, status: "success", summary, attempted, ...(status !== undefined ? { response: { status } } : {}), ...(details ? { details } : {}) };
}

/** Builds a `not_configured` result that names the setting to set. */
export function notConfigured(tool: string, summary: string, attempted: Attempt = {}): ToolResult {
  return { tool, status: "not_configured", summary, attempted };
}

/** Builds an `error` result for a request the tool refused before calling anything. */
export function refused(tool: string, summary: string, attempted: Attempt = {}): ToolResult {
  return { tool, status: "error", summary, attempted };
}

/** Turns a platform error into an `error` or `timeout` result with the service's response. */
export function failed(tool: string, attempted: Attempt, error: unknown): ToolResult {
  const message = (error as Error)?.message ?? String(error);
  const name = (error as Error)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return { tool, status: "timeout", summary: `${tool} timed out: ${message}`, attempted, response: { message } };
  }
  if (error instanceof PagerDutyError) {
    return { tool, status: "error", summary: message, attempted, response: { status: error.status, code: error.code?.toString(), message } };
  }
  if (error instanceof ArmError || error instanceof WebhookError) {
    const code = error instanceof ArmError ? error.code : undefined;
    return { tool, status: "error", summary: message, attempted, response: { status: error.status, code, message } };
  }
  return { tool, status: "error", summary: `${tool} failed: ${message}`, attempted, response: { message } };
}

/** Returns the PagerDuty incident id of a PagerDuty incident, in PagerDuty's letter case, or undefined for other sources. */
export function pagerDutyIncidentId(incident: Incident): string | undefined {
  if (incident.source !== "pagerduty") return undefined;
  return incident.pagerDuty?.incidentId ?? incident.sourceId;
}

/** Returns the Alerts Management alert id of an Azure Monitor incident, or undefined for other sources. */
export function azureAlertId(incident: Incident): string | undefined {
  return incident.source === "azure-monitor" ? incident.sourceId : undefined;
}
