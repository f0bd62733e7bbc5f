import type { WorkflowRegistry } from "./registry";
import { ACTIVITY, INCIDENT_ORCHESTRATOR } from "./names";
import { incidentOrchestrator } from "./orchestrator";
import { routeIncidentActivity } from "./activities/route";
import { acknowledgeIncidentActivity } from "./activities/acknowledge";
import { collectEvidenceActivity, planInvestigationActivity } from "./activities/investigate";
import { analyzeIncidentActivity } from "./activities/analyze";
import { closeIncidentActivity } from "./activities/close";

/** The app's orchestrators and activities; `src/functions/` and the local runtime register these. */
export const workflow: WorkflowRegistry = {
  orchestrations: {
    [INCIDENT_ORCHESTRATOR]: incidentOrchestrator,
  },
  activities: {
    [ACTIVITY.route]: routeIncidentActivity,
    [ACTIVITY.acknowledge]: acknowledgeIncidentActivity,
    [ACTIVITY.planInvestigation]: planInvestigationActivity,
    [ACTIVITY.collectEvidence]: collectEvidenceActivity,
    [ACTIVITY.analyze]: analyzeIncidentActivity,
    [ACTIVITY.close]: closeIncidentActivity,
  },
};
