import type { WorkflowRegistry } from "./registry";
import { ACTIVITY, INCIDENT_ORCHESTRATOR } from "./names";
import { incidentOrchestrator } from "./orchestrator";
import { enrichIncidentActivity } from "./activities/enrich";
import { routeIncidentActivity } from "./activities/route";
import { acknowledgeIncidentActivity } from "./activities/acknowledge";
import { collectEvidenceActivity, planInvestigationActivity } from "./activities/investigate";
import { analyzeIncidentActivity } from "./activities/analyze";
import { planActionsActivity, planClosingActivity } from "./activities/plan";
import { requestApprovalActivity, settleApprovalActivity, supersedeApprovalsActivity } from "./activities/approval";
import { executeActionActivity, setIncidentStatusActivity } from "./activities/execute";
import { assessRecoveryActivity } from "./activities/verify";
import { closeIncidentActivity } from "./activities/close";

/** The app's orchestrators and activities; `src/functions/` and the local runtime register these. */
export const workflow: WorkflowRegistry = {
  orchestrations: {
    [INCIDENT_ORCHESTRATOR]: incidentOrchestrator,
  },
  activities: {
    [ACTIVITY.enrich]: enrichIncidentActivity,
    [ACTIVITY.route]: routeIncidentActivity,
    [ACTIVITY.acknowledge]: acknowledgeIncidentActivity,
    [ACTIVITY.planInvestigation]: planInvestigationActivity,
    [ACTIVITY.collectEvidence]: collectEvidenceActivity,
    [ACTIVITY.analyze]: analyzeIncidentActivity,
    [ACTIVITY.planActions]: planActionsActivity,
    [ACTIVITY.requestApproval]: requestApprovalActivity,
    [ACTIVITY.settleApproval]: settleApprovalActivity,
    [ACTIVITY.supersedeApprovals]: supersedeApprovalsActivity,
    [ACTIVITY.executeAction]: executeActionActivity,
    [ACTIVITY.setIncidentStatus]: setIncidentStatusActivity,
    [ACTIVITY.assessRecovery]: assessRecoveryActivity,
    [ACTIVITY.planClosing]: planClosingActivity,
    [ACTIVITY.close]: closeIncidentActivity,
  },
};
