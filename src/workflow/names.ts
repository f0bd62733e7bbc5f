/** Names of the orchestrator, its activities and its external events, in one place for both hosts. */
export const INCIDENT_ORCHESTRATOR = "incidentOrchestrator";

export const ACTIVITY = {
  route: "routeIncident",
  acknowledge: "acknowledgeIncident",
  planInvestigation: "planInvestigation",
  collectEvidence: "collectEvidence",
  analyze: "analyzeIncident",
  act: "actOnIncident",
  close: "closeIncident",
} as const;

export const EVENT = {
  /** The alert resolved on its platform: Azure Monitor `Resolved` or PagerDuty `incident.resolved`. */
  alertResolved: "AlertResolved",
  /** A person took the incident over; the agent stops writing. */
  takeover: "Takeover",
} as const;

/** Input of the incident orchestrator. */
export interface IncidentOrchestrationInput {
  incidentKey: string;
}
