import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import type { Handler } from "../../handlers/handler";
import type { PlannedAction } from "../../tools/types";
import { requestApproval, type ApprovalRequestResult } from "../../approvals/request";
import type { ApprovalDecisionEvent } from "../../approvals/decision";
import { approvalStore, type ApprovalRecord, type ApprovalState } from "../../storage/approvals";

/** Creates the approval request for an action and posts its link; safe to repeat. */
export async function requestApprovalActivity(input: { incidentKey: string; handler: Handler; action: PlannedAction }, context: InvocationContext): Promise<ApprovalRequestResult> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  return requestApproval(services, incident, input.handler, input.action, context);
}

export interface SettleApprovalInput {
  incidentKey: string;
  approvalId: string;
  /** The event that ended the orchestration's wait: the decision, or the approval timer. */
  trigger: "decision" | "timeout";
  event?: ApprovalDecisionEvent;
  timeoutMinutes: number;
  onTimeout: "escalate" | "deny";
}

export interface SettledApproval {
  state: ApprovalState;
  by?: string;
  at?: string;
  comment?: string;
}

function decidedText(record: ApprovalRecord): string {
  const comment = record.comment ? ` Comment: "${record.comment}"` : "";
  return `${record.state === "approved" ? "Approved" : "Denied"} by ${record.decidedBy} at ${record.decidedAt}: ${record.description}.${comment}`;
}

/**
 * Settles an approval wait against the record, which is the single source of truth: on a timeout
 * the record moves from pending to expired unless a person's decision got there first, in which
 * case that decision counts. Posts the outcome (who, when, what) to the thread.
 */
export async function settleApprovalActivity(input: SettleApprovalInput, context: InvocationContext): Promise<SettledApproval> {
  const services = getServices();
  const store = approvalStore(services);
  let record: ApprovalRecord | undefined;

  if (input.trigger === "timeout") {
    const reason = `no decision within ${input.timeoutMinutes} minutes`;
    const result = await store.transition(input.incidentKey, input.approvalId, ["pending"], "expired", { reason });
    record = result.record;
  } else {
    record = (await store.get(input.incidentKey, input.approvalId))?.record;
    if (record?.state === "pending" && input.event) {
      // A decision event raised directly on the orchestration, not through the approval page: record it.
      const state = input.event.decision === "approved" ? "approved" : "denied";
      const fields = { decidedBy: input.event.by, decidedAt: input.event.at, ...(input.event.comment ? { comment: input.event.comment } : {}) };
      record = (await store.transition(input.incidentKey, input.approvalId, ["pending"], state, fields)).record;
    }
  }
  if (!record) throw new Error(`Approval ${input.approvalId} of ${input.incidentKey} not found.`);

  let text: string;
  if (record.state === "approved" || record.state === "denied") {
    text = decidedText(record);
  } else if (record.state === "expired") {
    const next = input.onTimeout === "escalate" ? "The agent escalates the incident to the on-call team." : "The agent treats it as denied.";
    text = `No decision within ${input.timeoutMinutes} minutes on: ${record.description}. The request expired. ${next}`;
  } else {
    text = `The approval request for ${record.description} is ${record.state}${record.reason ? `: ${record.reason}` : ""}.`;
  }
  await services.threads.append(input.incidentKey, {
    id: `approval-decided-${input.approvalId}`,
    author: record.decidedBy ? "human" : "agent",
    kind: "approval-decided",
    text,
    data: { approvalId: record.approvalId, state: record.state, tool: record.tool, arguments: record.arguments, by: record.decidedBy, at: record.decidedAt, comment: record.comment, reason: record.reason },
  });
  context.log("Approval settled.", { incidentKey: input.incidentKey, approvalId: input.approvalId, state: record.state, trigger: input.trigger });
  return { state: record.state, by: record.decidedBy, at: record.decidedAt, comment: record.comment };
}

/**
 * Marks every pending approval of the incident superseded, because the alert resolved or a person
 * took over, and posts that to the thread.
 */
export async function supersedeApprovalsActivity(input: { incidentKey: string; trigger: "alert-resolved" | "takeover" }, context: InvocationContext): Promise<number> {
  const services = getServices();
  const why = input.trigger === "alert-resolved" ? "the alert resolved on its platform" : "a person took the incident over";
  const superseded = await approvalStore(services).supersedePending(input.incidentKey, why);
  const list = superseded.map((record) => record.description).join("; ");
  await services.threads.append(input.incidentKey, {
    id: `approvals-superseded-${input.trigger}`,
    author: "agent",
    kind: "notice",
    text:
      superseded.length > 0
        ? `While the agent waited for approval, ${why}. Superseded ${superseded.length} pending approval request(s): ${list}. The agent makes no further changes.`
        : `While the agent waited, ${why}. The agent makes no further changes.`,
    data: { trigger: input.trigger, approvalIds: superseded.map((record) => record.approvalId) },
  });
  context.log("Pending approvals superseded.", { incidentKey: input.incidentKey, trigger: input.trigger, count: superseded.length });
  return superseded.length;
}
