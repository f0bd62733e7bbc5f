import type { OrchestrationContext } from "durable-functions";
import { ACTIVITY, type IncidentOrchestrationInput } from "./names";
import { activityRetry } from "./retry";
import { actOnAssessment } from "./act";
import type { RouteResult } from "./activities/route";
import type { CollectorRequest } from "../investigation/collect";
import type { Assessment } from "../analysis/assessment";

/**
 * Runs the incident loop: enrich (PagerDuty) → route → acknowledge → investigate (fan-out) → decide → act (approve, remediate,
 * verify, resolve or escalate; see `act.ts`). Deterministic:
 * time, randomness and I/O come only through durable APIs and activities.
 */
export function* incidentOrchestrator(context: OrchestrationContext): Generator<any, unknown, any> {
  const { incidentKey, verifyDelayMinutes } = context.df.getInput() as IncidentOrchestrationInput;
  const retry = activityRetry();

  context.df.setCustomStatus({ step: "enriching" });
  yield context.df.callActivityWithRetry(ACTIVITY.enrich, retry, { incidentKey });

  context.df.setCustomStatus({ step: "routing" });
  const routed: RouteResult = yield context.df.callActivityWithRetry(ACTIVITY.route, retry, { incidentKey });
  if (!routed.handler) return { incidentKey, outcome: "not-handled" };
  const handler = routed.handler;

  context.df.setCustomStatus({ step: "acknowledging", handler: handler.name });
  yield context.df.callActivityWithRetry(ACTIVITY.acknowledge, retry, { incidentKey, handler });

  context.df.setCustomStatus({ step: "investigating", handler: handler.name });
  const plan: CollectorRequest[] = yield context.df.callActivityWithRetry(ACTIVITY.planInvestigation, retry, { incidentKey, handler });
  // Task.all throws on an empty list, and a handler that allows no read tool plans no collectors.
  if (plan.length > 0) {
    yield context.df.Task.all(plan.map((request) => context.df.callActivityWithRetry(ACTIVITY.collectEvidence, retry, { incidentKey, handler, request })));
  }

  context.df.setCustomStatus({ step: "deciding", handler: handler.name });
  const assessment: Assessment = yield context.df.callActivityWithRetry(ACTIVITY.analyze, retry, { incidentKey, handler });

  context.df.setCustomStatus({ step: "acting", handler: handler.name, verdict: assessment.verdict });
  const outcome: string = yield* actOnAssessment(context, { incidentKey, handler, assessment, verifyDelayMinutes });

  context.df.setCustomStatus({ step: "done", outcome });
  return { incidentKey, outcome };
}
