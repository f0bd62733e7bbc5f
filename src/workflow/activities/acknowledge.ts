import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import type { Handler } from "../../handlers/handler";

/** Records that the agent has the incident and says so in its thread. */
export async function acknowledgeIncidentActivity(input: { incidentKey: string; handler: Handler }, context: InvocationContext): Promise<{ acknowledgedAt: string }> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const now = new Date().toISOString();

  await services.threads.append(incident.key, {
    id: "acknowledged",
    author: "agent",
    kind: "acknowledged",
    text: `The agent acknowledged the incident and is investigating (handler ${input.handler.name}).`,
    data: { handler: input.handler.name },
  });
  const updated = await services.incidents.update(incident.key, (current) => {
    if (current.acknowledgedAt) return undefined;
    const status = current.status === "open" ? "investigating" : current.status;
    return { ...current, status, acknowledgedAt: now };
  });
  context.log("Incident acknowledged.", { incidentKey: incident.key });
  return { acknowledgedAt: updated.acknowledgedAt ?? now };
}
