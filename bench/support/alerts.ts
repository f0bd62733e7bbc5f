import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { signPagerDutyBody } from "../../src/intake/pagerduty/signature";

/** The shared alert corpus, beside the repository: `../shared/corpus` from the working directory. */
export const CORPUS = path.resolve(process.cwd(), "../shared/corpus");

function corpusJson(file: string): any {
  return JSON.parse(readFileSync(path.join(CORPUS, file), "utf8"));
}

const firedTemplate = corpusJson("az-cs-metric-static-fired.json");
const resolvedTemplate = corpusJson("az-cs-metric-static-resolved.json");
const triggeredTemplate = corpusJson("pd-incident-triggered.json");

export const AZURE_MONITOR_PATH = "/api/alerts/azure-monitor";
export const PAGERDUTY_PATH = "/api/alerts/pagerduty";

/** A fresh alert id: the last segment of `essentials.alertId`, which becomes the incident key. */
export function newAlertGuid(): string {
  return randomUUID();
}

/** The incident key the agent derives from an Azure Monitor alert GUID. */
export function azureIncidentKey(guid: string): string {
  return `azure-monitor-${guid}`.toLowerCase();
}

/**
 * A common-schema metric alert from the corpus with its alert id replaced by `guid`, as bytes; a
 * `Resolved` one carries the resolved time Azure Monitor adds.
 */
export function azureMonitorAlert(guid: string, condition: "Fired" | "Resolved" = "Fired"): Buffer {
  const alert = structuredClone(condition === "Fired" ? firedTemplate : resolvedTemplate);
  const essentials = alert.data.essentials;
  essentials.alertId = essentials.alertId.replace(/[^/]+$/, guid);
  essentials.firedDateTime = new Date(Date.now() - 60_000).toISOString();
  if (condition === "Resolved") essentials.resolvedDateTime = new Date().toISOString();
  return Buffer.from(JSON.stringify(alert), "utf8");
}

/** A PagerDuty incident id in PagerDuty's style (14 upper-case letters and digits). */
export function newPagerDutyIncidentId(index: number): string {
  return `QB${String(index).padStart(6, "0")}${randomUUID().replace(/-/g, "").slice(0, 6).toUpperCase()}`;
}

/** A signed `incident.triggered` webhook for `incidentId`, with the headers PagerDuty sends. */
export function pagerDutyTriggered(incidentId: string, secret: string): { body: Buffer; headers: Record<string, string> } {
  const webhook = structuredClone(triggeredTemplate);
  webhook.event.id = randomUUID();
  webhook.event.occurred_at = new Date().toISOString();
  const data = webhook.event.data;
  data.id = incidentId;
  data.self = `https://api.pagerduty.com/incidents/${incidentId}`;
  data.html_url = `https://example.pagerduty.com/incidents/${incidentId}`;
  data.created_at = new Date().toISOString();
  const body = Buffer.from(JSON.stringify(webhook), "utf8");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "user-agent": "PagerDuty-Webhook/V3.0",
      "x-webhook-id": randomUUID(),
      "x-webhook-subscription": "PSUBBENCH1",
      "x-pagerduty-signature": signPagerDutyBody(body, secret),
    },
  };
}

/** Returns a copy of `items` in random order (Fisher–Yates). */
export function shuffle<T>(items: T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}
