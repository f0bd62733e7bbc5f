import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";

export interface CloseInput {
  incidentKey: string;
  /** `escalated` leaves the incident to people; `resolved` records that it is over. */
  outcome: "escalated" | "resolved";
  reason: string;
}

/** Writes the closing message of the agent's work on an incident and sets its final status. */
export async function closeIncidentActivity(input: CloseInput, context: InvocationContext): Promise<void> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);

  await services.threads.append(incident.key, {
    id: `close-${input.outcome}`,
    author: "agent",
    kind: input.outcome,
    text: input.reason,
  });
  await services.incidents.update(incident.key, (current) => {
    if (current.status === "resolved") return undefined;
    return { ...current, status: input.outcome, resolvedAt: input.outcome === "resolved" ? current.resolvedAt ?? new Date().toISOString() : current.resolvedAt };
  });
  context.log("Agent finished with the incident.", { incidentKey: incident.key, outcome: input.outcome });
}
