import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import { pagerDutyClient } from "../../platforms/pagerduty";
import { applyEnrichment, enrichFromPagerDutyAlerts } from "../../intake/pagerdutyEnrichment";

export interface EnrichResult {
  enriched: boolean;
  targets: number;
}

/**
 * Reads the alerts of a PagerDuty incident through the REST API and adds the Azure resources and
 * health probe URL found in their details, because the webhook itself carries none. Routing runs
 * after this, so handler filters on resources see them. A failure leaves the incident as it came
 * and posts a notice in the thread, and investigation still runs on what is known.
 */
export async function enrichIncidentActivity(input: { incidentKey: string }, context: InvocationContext): Promise<EnrichResult> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  if (incident.source !== "pagerduty") return { enriched: false, targets: incident.targets.length };

  const client = pagerDutyClient(services);
  if (!client) {
    await services.threads.append(incident.key, {
      id: "enrichment",
      author: "system",
      kind: "notice",
      text: "PAGERDUTY_API_KEY is not set, so the agent cannot read this incident's alerts: it has no target resources to investigate beyond what the webhook carried.",
    });
    return { enriched: false, targets: incident.targets.length };
  }

  try {
    const enrichment = await enrichFromPagerDutyAlerts(client, incident.sourceId);
    const updated = await services.incidents.update(incident.key, (current) => applyEnrichment(current, enrichment));
    const found = enrichment.targets.length > 0 ? enrichment.targets.join(", ") : "no Azure resource ids";
    const probe = enrichment.healthProbeUrl ? ` Health probe: ${enrichment.healthProbeUrl}.` : "";
    await services.threads.append(incident.key, {
      id: "enrichment",
      author: "agent",
      kind: "platform-update",
      text: `Read ${enrichment.alertCount} alert(s) of the PagerDuty incident: ${found}.${probe}`,
      data: { alertCount: enrichment.alertCount, targets: enrichment.targets, healthProbeUrl: enrichment.healthProbeUrl },
    });
    context.log("PagerDuty incident enriched.", { incidentKey: incident.key, alerts: enrichment.alertCount, targets: enrichment.targets.length });
    return { enriched: true, targets: updated.targets.length };
  } catch (error) {
    const message = (error as Error).message;
    context.error("Reading the PagerDuty incident's alerts failed; investigating without them.", { incidentKey: incident.key, error: message });
    await services.threads.append(incident.key, {
      id: "enrichment",
      author: "system",
      kind: "notice",
      text: `Reading the PagerDuty incident's alerts failed (${message}); the agent investigates without their resource ids.`,
    });
    return { enriched: false, targets: incident.targets.length };
  }
}
