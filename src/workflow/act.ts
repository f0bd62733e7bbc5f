import type { OrchestrationContext, Task, TimerTask } from "durable-functions";
import type { Handler } from "../handlers/handler";
import type { Assessment } from "../analysis/assessment";
import type { CollectorRequest } from "../investigation/collect";
import type { PlannedAction, ToolResult } from "../tools/types";
import type { ApprovalRequestResult } from "../approvals/request";
import type { ApprovalDecisionEvent } from "../approvals/decision";
import { ACTIVITY, DEFAULT_VERIFY_DELAY_MINUTES, EVENT } from "./names";
import { activityRetry } from "./retry";
import type { CloseInput } from "./activities/close";
import type { ActStop, PlanActionsResult, PlanClosingInput } from "./activities/plan";
import type { SettleApprovalInput, SettledApproval } from "./activities/approval";
import type { ExecuteActionInput, ExecuteActionResult } from "./activities/execute";
import type { Recovery } from "./activities/verify";

/**
 * The act step of the incident orchestration: run or offer for approval each planned action, verify
 * a remediation, then resolve/close the incident or hand it to people. Deterministic: time comes
 * from `currentUtcDateTime`, everything else from activities.
 *
 * Reader mode: bookkeeping runs at once; each write waits for a decision, the approval timer, an
 * `AlertResolved` or a `Takeover`, whichever comes first. Autonomous mode: allowed actions run at
 * once. A remediation that fails, or a fix that the verification does not confirm, is escalated
 * and never retried.
 */

export interface ActInput {
  incidentKey: string;
  handler: Handler;
  assessment: Assessment;
  /** Minutes before verification when the handler sets no `verifyAfterMinutes`. */
  verifyDelayMinutes?: number;
}

type Step<T> = Generator<Task, T, any>;

type Performed = { kind: "ran"; result: ToolResult } | { kind: "declined"; reason: string } | { kind: "stop"; stop: ActStop };

type Approval = { kind: "approved"; approvalId: string; by?: string; at?: string } | { kind: "declined"; reason: string } | { kind: "stop"; stop: ActStop };

function call(context: OrchestrationContext, name: string, input: unknown): Task {
  return context.df.callActivityWithRetry(name, activityRetry(), input);
}

function minutesFromNow(context: OrchestrationContext, minutes: number): Date {
  return new Date(context.df.currentUtcDateTime.getTime() + Math.round(minutes * 60_000));
}

/** Cancels `timer` unless it fired, so the orchestration can finish without waiting for it. */
function cancelTimer(timer: TimerTask): void {
  if (!timer.isCompleted) timer.cancel();
}

function* finish(context: OrchestrationContext, input: ActInput, stop: ActStop): Step<string> {
  const close: CloseInput = { incidentKey: input.incidentKey, outcome: stop.outcome, reason: stop.reason, handler: input.handler, endedBy: stop.endedBy };
  yield call(context, ACTIVITY.close, close);
  return stop.outcome;
}

function* supersede(context: OrchestrationContext, input: ActInput, trigger: "alert-resolved" | "takeover"): Step<ActStop> {
  yield call(context, ACTIVITY.supersedeApprovals, { incidentKey: input.incidentKey, trigger });
  return trigger === "alert-resolved"
    ? { outcome: "resolved", endedBy: "platform", reason: "The alert resolved on its platform while the agent waited; the agent makes no further changes." }
    : { outcome: "escalated", endedBy: "person", reason: "A person took the incident over while the agent waited; the agent makes no further changes." };
}

/** Asks for approval of `action` and waits for the first of: decision, timeout, alert resolved, takeover. */
function* awaitApproval(context: OrchestrationContext, input: ActInput, action: PlannedAction): Step<Approval> {
  const request: ApprovalRequestResult = yield call(context, ACTIVITY.requestApproval, { incidentKey: input.incidentKey, handler: input.handler, action });
  if (request.status !== "requested") {
    return { kind: "stop", stop: { outcome: "escalated", reason: `${action.description} needs an approval, but ${request.reason ?? "approvals are off"}` } };
  }

  const { timeoutMinutes, onTimeout } = input.handler.approval;
  // An event raised before this wait started is buffered by the durable runtime and wins at once.
  const decision = context.df.waitForExternalEvent(request.eventName);
  const resolved = context.df.waitForExternalEvent(EVENT.alertResolved);
  const takeover = context.df.waitForExternalEvent(EVENT.takeover);
  const timer = context.df.createTimer(minutesFromNow(context, timeoutMinutes));
  context.df.setCustomStatus({ step: "awaiting-approval", handler: input.handler.name, approvalId: request.approvalId, tool: action.tool });

  const winner: Task = yield context.df.Task.any([decision, resolved, takeover, timer]);
  if (winner !== timer) cancelTimer(timer);
  if (winner === resolved) return { kind: "stop", stop: yield* supersede(context, input, "alert-resolved") };
  if (winner === takeover) return { kind: "stop", stop: yield* supersede(context, input, "takeover") };

  const settle: SettleApprovalInput = {
    incidentKey: input.incidentKey,
    approvalId: request.approvalId,
    trigger: winner === decision ? "decision" : "timeout",
    event: winner === decision ? (decision.result as ApprovalDecisionEvent) : undefined,
    timeoutMinutes,
    onTimeout,
  };
  const settled: SettledApproval = yield call(context, ACTIVITY.settleApproval, settle);
  if (settled.state === "approved") return { kind: "approved", approvalId: request.approvalId, by: settled.by, at: settled.at };
  if (settled.state === "denied") return { kind: "declined", reason: `${settled.by ?? "A person"} denied ${action.description}.` };
  if (settled.state === "expired" && onTimeout === "escalate") {
    return { kind: "stop", stop: { outcome: "escalated", reason: `No decision within ${timeoutMinutes} minutes on: ${action.description}.` } };
  }
  return { kind: "declined", reason: `${action.description} was not approved (${settled.state}).` };
}

/** Runs one action: in reader mode a write waits for approval first. */
function* perform(context: OrchestrationContext, input: ActInput, action: PlannedAction): Step<Performed> {
  let approval: ExecuteActionInput["approval"];
  if (input.handler.autonomy === "reader" && action.kind === "write") {
    const outcome: Approval = yield* awaitApproval(context, input, action);
    if (outcome.kind !== "approved") return outcome;
    approval = { approvalId: outcome.approvalId, by: outcome.by, at: outcome.at };
  }

  context.df.setCustomStatus({ step: "acting", handler: input.handler.name, tool: action.tool });
  const run: ExecuteActionResult = yield call(context, ACTIVITY.executeAction, { incidentKey: input.incidentKey, handler: input.handler, action, approval });
  if (run.skipped === "taken-over") return { kind: "stop", stop: { outcome: "escalated", endedBy: "person", reason: "A person took the incident over; the agent makes no further changes." } };
  if (run.skipped === "resolved") return { kind: "stop", stop: { outcome: "resolved", endedBy: "platform", reason: "The incident resolved on its platform; the agent makes no further changes." } };
  return { kind: "ran", result: run.result! };
}

/**
 * Runs the closing actions (resolve, close). Returns the stop that ends the act step: resolved when
 * at least one platform accepted, escalated otherwise.
 */
function* close(context: OrchestrationContext, input: ActInput, actions: PlannedAction[], done: string, notDone: string): Step<ActStop> {
  if (actions.length === 0) return { outcome: "escalated", reason: `${notDone} The handler allows no resolve or close tool for this incident's platform, so people close it.` };
  const declined: string[] = [];
  let closed = 0;
  for (const action of actions) {
    const outcome: Performed = yield* perform(context, input, action);
    if (outcome.kind === "stop") return outcome.stop;
    if (outcome.kind === "declined") declined.push(outcome.reason);
    else if (outcome.result.status === "success") closed++;
    else declined.push(`${action.description} failed: ${outcome.result.summary}`);
  }
  return closed > 0 ? { outcome: "resolved", reason: done } : { outcome: "escalated", reason: `${notDone} ${declined.join(" ")}` };
}

type Verified = { kind: "verified"; recovery: Recovery } | { kind: "stop"; stop: ActStop };

/** Waits, then re-runs the probe and metric collectors and decides whether the fix worked. */
function* verify(context: OrchestrationContext, input: ActInput, remediated: PlannedAction[]): Step<Verified> {
  yield call(context, ACTIVITY.setIncidentStatus, { incidentKey: input.incidentKey, status: "verifying" });
  context.df.setCustomStatus({ step: "verifying", handler: input.handler.name });

  const minutes = input.handler.verifyAfterMinutes ?? input.verifyDelayMinutes ?? DEFAULT_VERIFY_DELAY_MINUTES;
  const timer = context.df.createTimer(minutesFromNow(context, minutes));
  const resolved = context.df.waitForExternalEvent(EVENT.alertResolved);
  const takeover = context.df.waitForExternalEvent(EVENT.takeover);
  const winner: Task = yield context.df.Task.any([timer, resolved, takeover]);
  if (winner !== timer) cancelTimer(timer);
  if (winner === resolved) {
    return { kind: "stop", stop: { outcome: "resolved", endedBy: "platform", reason: "The alert resolved on its platform after the agent's action; the agent makes no further changes." } };
  }
  if (winner === takeover) {
    return { kind: "stop", stop: { outcome: "escalated", endedBy: "person", reason: "A person took the incident over during verification; the agent makes no further changes." } };
  }

  const plan: CollectorRequest[] = yield call(context, ACTIVITY.planInvestigation, { incidentKey: input.incidentKey, handler: input.handler });
  const checks = plan
    .filter((request) => request.collector === "probe" || request.collector === "metrics")
    .map((request) => ({ ...request, evidenceId: `verify-${request.evidenceId}` }));
  if (checks.length > 0) {
    yield context.df.Task.all(checks.map((request) => call(context, ACTIVITY.collectEvidence, { incidentKey: input.incidentKey, handler: input.handler, request })));
  }
  const recovery: Recovery = yield call(context, ACTIVITY.assessRecovery, {
    incidentKey: input.incidentKey,
    evidenceIds: checks.map((request) => request.evidenceId),
    actions: remediated.map((action) => action.description),
  });
  return { kind: "verified", recovery };
}

/** Acts on the assessment as the handler allows; returns the incident's outcome (`resolved` or `escalated`). */
export function* actOnAssessment(context: OrchestrationContext, input: ActInput): Step<string> {
  const plan: PlanActionsResult = yield call(context, ACTIVITY.planActions, { incidentKey: input.incidentKey, handler: input.handler, assessment: input.assessment });
  if (plan.stop) return yield* finish(context, input, plan.stop);

  for (const action of plan.updates) {
    const outcome: Performed = yield* perform(context, input, action);
    if (outcome.kind === "stop") return yield* finish(context, input, outcome.stop);
  }

  if (input.assessment.verdict === "false_positive") {
    const stop: ActStop = yield* close(
      context,
      input,
      plan.closing,
      "The agent closed the incident as a false positive; the evidence is in the thread.",
      "The analysis found a false positive, but the agent did not close it.",
    );
    return yield* finish(context, input, stop);
  }

  const remediated: PlannedAction[] = [];
  const declined: string[] = [];
  for (const action of plan.remediations) {
    const outcome: Performed = yield* perform(context, input, action);
    if (outcome.kind === "stop") return yield* finish(context, input, outcome.stop);
    if (outcome.kind === "declined") {
      declined.push(outcome.reason);
      continue;
    }
    if (outcome.result.status !== "success") {
      const reason = `${action.description} did not succeed (${outcome.result.status}): ${outcome.result.summary} The agent does not retry it.`;
      return yield* finish(context, input, { outcome: "escalated", reason });
    }
    remediated.push(action);
  }

  if (remediated.length === 0) {
    const reason =
      declined.length > 0
        ? `${declined.join(" ")} The incident is left to the on-call team with the analysis above.`
        : "The agent has no remediation to run on this incident; it is left to the on-call team with the analysis above.";
    return yield* finish(context, input, { outcome: "escalated", reason });
  }

  const verified: Verified = yield* verify(context, input, remediated);
  if (verified.kind === "stop") return yield* finish(context, input, verified.stop);
  if (!verified.recovery.recovered) {
    const reason = `The fix did not work: ${verified.recovery.summary} The agent does not retry the same action; the on-call team takes over.`;
    return yield* finish(context, input, { outcome: "escalated", reason });
  }

  const closingInput: PlanClosingInput = {
    incidentKey: input.incidentKey,
    handler: input.handler,
    assessment: { likelyCause: input.assessment.likelyCause },
    actions: remediated.map((action) => action.description),
    verification: verified.recovery.summary,
  };
  const closing: PlannedAction[] = yield call(context, ACTIVITY.planClosing, closingInput);
  const stop: ActStop = yield* close(
    context,
    input,
    closing,
    `The fix worked and the agent resolved the incident: ${verified.recovery.summary}`,
    `The fix worked (${verified.recovery.summary}), but the agent did not resolve the incident.`,
  );
  return yield* finish(context, input, stop);
}
