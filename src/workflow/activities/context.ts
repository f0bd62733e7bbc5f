import type { Services } from "../../app/services";
import { getServices } from "../../app/services";
import type { Incident } from "../../intake/incident";

/** Loads the incident an activity works on; a missing record is a bug upstream, so it throws. */
export async function loadIncident(services: Services, incidentKey: string): Promise<Incident> {
  const stored = await services.incidents.get(incidentKey);
  if (!stored) throw new Error(`Incident ${incidentKey} not found in storage.`);
  return stored.incident;
}

export { getServices };
