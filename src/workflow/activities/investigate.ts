import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import type { Handler } from "../../handlers/handler";
import { planCollectors, runCollector, type CollectorRequest } from "../../investigation/collect";

/** Lists the collector runs for the incident; the orchestrator fans them out. */
export async function planInvestigationActivity(input: { incidentKey: string; handler: Handler }): Promise<CollectorRequest[]> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  return planCollectors(incident, input.handler);
}

/**
 * Runs one collector and appends its evidence to the thread. Returns only the evidence id and
 * status, so the orchestration history stays small; the analyst reads the evidence from the thread.
 */
export async function collectEvidenceActivity(
  input: { incidentKey: string; handler: Handler; request: CollectorRequest },
  context: InvocationContext,
): Promise<{ id: string; status: string }> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const evidence = await runCollector(services, incident, input.handler, input.request, context);

  await services.threads.append(incident.key, {
    id: `evidence-${evidence.id}`,
    author: "agent",
    kind: "evidence",
    text: `${evidence.collector}: ${evidence.status}. ${evidence.summary}`,
    data: evidence,
  });
  context.log("Evidence collected.", { incidentKey: incident.key, collector: evidence.collector, status: evidence.status, durationMs: evidence.durationMs });
  return { id: evidence.id, status: evidence.status };
}
