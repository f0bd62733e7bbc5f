import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { OrchestrationPort } from "../workflow/port";
import { safeKey } from "../storage/keys";
import { approvalStore, type ApprovalRecord, type StoredApproval } from "../storage/approvals";
import { personName } from "../web/identity";
import { identityFromHeaders, isAllowedApprover, type ApproverIdentity } from "./identity";
import { verifyApprovalToken, verifyCsrfToken } from "./token";

/**
 * Looking up and deciding approvals from their tokens, independent of HTTP so the page and the
 * tests share one path. Every rejection has a status and a sentence for the person who clicked.
 */

export interface Rejection {
  ok: false;
  status: number;
  title: string;
  message: string;
  record?: ApprovalRecord;
}

export interface Found {
  ok: true;
  stored: StoredApproval;
  signingKey: string;
}

/** The payload of the decision event the orchestration waits for. */
export interface ApprovalDecisionEvent {
  decision: "approved" | "denied";
  by: string;
  at: string;
  comment?: string;
}

const MAX_COMMENT_CHARS = 1000;

function reject(status: number, title: string, message: string, record?: ApprovalRecord): Rejection {
  return { ok: false, status, title, message, record };
}

/** Checks the token and loads its approval record. Changes nothing. */
export async function findApproval(services: Services, token: string, now: Date = new Date()): Promise<Found | Rejection> {
  const signingKey = services.settings.approvals.signingKey;
  if (!signingKey) return reject(503, "Approvals are off", "This app has no APPROVAL_SIGNING_KEY, so it cannot check approval links.");

  const check = verifyApprovalToken(signingKey, token, now);
  if (!check.ok && check.reason !== "expired") {
    return reject(check.reason === "forged" ? 403 : 400, "Invalid approval link", "This approval link is not valid. Open the link from the incident's thread, PagerDuty note or chat message again.");
  }
  const claims = check.claims;

  const stored = await approvalStore(services).get(claims.incidentKey, claims.approvalId);
  if (!stored || stored.record.nonce !== claims.nonce) {
    return reject(404, "Approval not found", "No approval request matches this link; it may have been deleted by retention.");
  }
  if (!check.ok) {
    return reject(410, "Approval link expired", `This approval request expired at ${stored.record.expiresAt}; the agent no longer waits for it.`, stored.record);
  }
  return { ok: true, stored, signingKey };
}

export interface DecisionForm {
  decision: string | null;
  csrf: string | null;
  comment: string | null;
  /** The name typed into the form; used only where App Service authentication sets no identity. */
  name: string | null;
}

export interface Decided {
  ok: true;
  record: ApprovalRecord;
}

function describeClosed(record: ApprovalRecord): string {
  switch (record.state) {
    case "approved":
    case "denied":
      return `This request was already ${record.state} by ${record.decidedBy ?? "someone"} at ${record.decidedAt ?? "an earlier time"}.`;
    case "expired":
      return `This request expired${record.reason ? `: ${record.reason}` : "."}`;
    case "superseded":
      return `This request was superseded${record.reason ? `: ${record.reason}` : "."}`;
    default:
      return "This request is no longer open.";
  }
}

/**
 * Records a decision and raises it on the incident's orchestration. Exactly one concurrent
 * decision on a record wins (etag); the others get 409. A decision for an orchestration that has
 * finished gets 409 "approval window closed" and changes nothing.
 */
export async function decideApproval(
  services: Services,
  port: OrchestrationPort,
  token: string,
  form: DecisionForm,
  headers: { get(name: string): string | null },
  logger: Logger,
  now: Date = new Date(),
): Promise<Decided | Rejection> {
  const found = await findApproval(services, token, now);
  if (!found.ok) return found;
  const { stored, signingKey } = found;
  const record = stored.record;

  // A closed request is reported before the form is checked: its page has no form to resend.
  if (record.state === "expired") return reject(410, "Approval expired", describeClosed(record), record);
  if (record.state !== "pending") return reject(409, record.state === "superseded" ? "Approval superseded" : "Already decided", describeClosed(record), record);
  if (now.getTime() >= Date.parse(record.expiresAt)) {
    return reject(410, "Approval expired", `This approval request expired at ${record.expiresAt}; the agent no longer waits for it.`, record);
  }

  if (!verifyCsrfToken(signingKey, record.approvalId, record.nonce, form.csrf)) {
    return reject(403, "Form expired", "The form's security token is missing or wrong. Open the approval link again and decide from the fresh page.", record);
  }
  if (form.decision !== "approve" && form.decision !== "deny") {
    return reject(400, "No decision", "Choose Approve or Deny.", record);
  }
  const comment = form.comment?.trim() ? form.comment.trim().slice(0, MAX_COMMENT_CHARS) : undefined;

  let identity: ApproverIdentity | undefined = identityFromHeaders(headers);
  if (!identity && services.settings.approvals.requireSignIn) {
    return reject(401, "Sign-in required", "Decisions need a signed-in approver. Switch on App Service authentication for this app, or set APPROVAL_REQUIRE_SIGN_IN=false where a typed name is enough.", record);
  }
  if (!identity) {
    const typed = personName(form.name);
    if (!typed) return reject(400, "Name needed", "Enter your name (or email) so the decision records who made it.", record);
    identity = { name: typed, names: [typed], source: "form" };
  }
  if (!isAllowedApprover(identity, record.approvers)) {
    return reject(403, "Not an approver", `${identity.name} is not among the approvers of this request (${record.approvers.join(", ")}).`, record);
  }

  const instanceId = safeKey(record.incidentKey);
  const status = await port.status(instanceId);
  if (!status || (status.runtimeStatus !== "Running" && status.runtimeStatus !== "Pending")) {
    return reject(409, "Approval window closed", "The agent has finished with this incident, so the decision would have no effect.", record);
  }

  const decision = form.decision === "approve" ? "approved" : "denied";
  const at = now.toISOString();
  const result = await approvalStore(services).decide(stored, decision, { decidedBy: identity.name, decidedAt: at, ...(comment ? { comment } : {}) });
  if (!result.won) {
    return reject(409, "Already decided", result.record ? describeClosed(result.record) : "Someone else decided this request first.", result.record);
  }

  const event: ApprovalDecisionEvent = { decision, by: identity.name, at, ...(comment ? { comment } : {}) };
  try {
    const raised = await port.raiseEvent(instanceId, record.eventName, event);
    if (!raised) {
      await approvalStore(services).transition(record.incidentKey, record.approvalId, [decision], "expired", {
        reason: "the agent finished with the incident before the decision reached it",
      });
      return reject(409, "Approval window closed", "The agent finished with this incident before your decision reached it; nothing was done.", record);
    }
  } catch (error) {
    // The record has the decision, so the orchestration reads it when its wait times out.
    logger.error("Raising the approval decision failed; the orchestration will read it from the record.", {
      incidentKey: record.incidentKey,
      approvalId: record.approvalId,
      error: (error as Error).message,
    });
  }
  logger.log("Approval decided.", { incidentKey: record.incidentKey, approvalId: record.approvalId, decision, source: identity.source });
  return { ok: true, record: result.record };
}
