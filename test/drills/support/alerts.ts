import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { signPagerDutyBody } from "../../../src/intake/pagerduty/signature";

/** The shared alert corpus: `../shared/corpus` from the repository root. */
export const CORPUS = path.resolve(process.cwd(), "../shared/corpus");

export function corpusJson(file: string): any {
  return JSON.parse(readFileSync(path.join(CORPUS, file), "utf8"));
}

/** Builds a common-schema metric alert from the corpus whose alert id ends in `guid`. */
export function metricAlert(guid: string, condition: "Fired" | "Resolved" = "Fired"): any {
  const alert = corpusJson(condition === "Fired" ? "az-cs-metric-static-fired.json" : "az-cs-metric-static-resolved.json");
  alert.data.essentials.alertId = alert.data.essentials.alertId.replace(/[^/]+$/, guid);
  return alert;
}

/** Returns the incident key of an Azure Monitor alert id ending in `guid`. */
export function azureKey(guid: string): string {
  return `azure-monitor-${guid}`.toLowerCase();
}

/** Builds a signed PagerDuty `incident.triggered` delivery for `incidentId`, with its raw bytes and headers. */
export function triggeredWebhook(incidentId: string, secret: string, edit?: (event: any) => void): { body: Buffer; headers: Record<string, string> } {
  const webhook = corpusJson("pd-incident-triggered.json");
  webhook.event.id = randomUUID();
  webhook.event.data.id = incidentId;
  webhook.event.data.self = `https://api.pagerduty.com/incidents/${incidentId}`;
  webhook.event.data.html_url = `https://example.pagerduty.com/incidents/${incidentId}`;
  edit?.(webhook.event);
  const body = Buffer.from(JSON.stringify(webhook), "utf8");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-webhook-id": randomUUID(),
      "x-pagerduty-signature": signPagerDutyBody(body, secret),
    },
  };
}

/** Builds a PagerDuty-style incident id (upper-case letters and digits) that is unique in the run. */
export function pagerDutyIncidentId(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, "").slice(0, 10)}`.toUpperCase();
}
