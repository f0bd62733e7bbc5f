/** Names of the orchestrator, its activities and its external events, in one place for both hosts. */
export const INCIDENT_ORCHESTRATOR = "incidentOrchestrator";

export const ACTIVITY = {
  enrich: "enrichIncident",
  route: "routeIncident",
  acknowledge: "acknowledgeIncident",
  planInvestigation: "planInvestigation",
  collectEvidence: "collectEvidence",
  analyze: "analyzeIncident",
  planActions: "planActions",
  requestApproval: "requestApproval",
  settleApproval: "settleApproval",
  supersedeApprovals: "supersedeApprovals",
  executeAction: "executeAction",
  setIncidentStatus: "setIncidentStatus",
  assessRecovery: "assessRecovery",
  planClosing: "planClosing",
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
  /**
   * Minutes between a remediation and its verification when the handler sets no
   * `verifyAfterMinutes`; the starter passes the VERIFY_DELAY_MINUTES setting, because
   * orchestrators never read settings. Fractional values are allowed. Defaults to 5.
   */
  verifyDelayMinutes?: number;
}

/** Verification delay used when neither the handler nor the orchestration input sets one. */
export const DEFAULT_VERIFY_DELAY_MINUTES = 5;
