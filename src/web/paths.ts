/** URL paths of the pages, below the Functions `api` prefix. */
export const INCIDENT_LIST_PATH = "/api/ui/incidents";

export function threadPath(incidentKey: string): string {
  return `${INCIDENT_LIST_PATH}/${encodeURIComponent(incidentKey)}`;
}

export function takeoverPath(incidentKey: string): string {
  return `${threadPath(incidentKey)}/takeover`;
}
