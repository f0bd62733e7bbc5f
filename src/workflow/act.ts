import type { OrchestrationContext } from "durable-functions";
import type { Handler } from "../handlers/handler";
import type { Assessment } from "../analysis/assessment";
import { ACTIVITY } from "./names";
import { activityRetry } from "./retry";
import type { CloseInput } from "./activities/close";

export interface ActInput {
  incidentKey: string;
  handler: Handler;
  assessment: Assessment;
}

/** Acts on the assessment as the handler allows; returns the incident's outcome. */
export function* actOnAssessment(context: OrchestrationContext, input: ActInput): Generator<any, string, any> {
  // TODO: approvals, remediation and verification replace this hand-over to people.
  const reason =
    input.assessment.recommendedActions.length === 0
      ? "The agent has no action to take on this incident; it is left to the on-call team with the analysis above."
      : "The agent recommends the actions in the analysis; the on-call team decides.";
  const close: CloseInput = { incidentKey: input.incidentKey, outcome: "escalated", reason };
  yield context.df.callActivityWithRetry(ACTIVITY.close, activityRetry(), close);
  return "escalated";
}
