import { randomBytes } from "node:crypto";
import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import { approvalStore, type ApprovalRecord } from "../storage/approvals";
import { outboxKey, outboxStore } from "../storage/outbox";
import { describeWebhook, postChatMessage } from "../platforms/webhooks";
import { runAction } from "../tools/execute";
import { plannedAction } from "../tools/plan";
import { pagerDutyIncidentId } from "../tools/results";
import type { PlannedAction } from "../tools/types";
import { signApprovalToken } from "./token";

/**
 * Creating an approval request: the record, the signed link, and the messages that carry the link
 * to people (the thread, a PagerDuty note for PagerDuty incidents, the handler's chat webhook).
 * Safe to repeat: a retried activity finds the record and the messages it already wrote.
 */

export interface ApprovalRequestResult {
  status: "requested" | "not_configured";
  approvalId: string;
  /** External event that carries the decision to the orchestration. */
  eventName: string;
  link?: string;
  expiresAt?: string;
  /** Reason no request was made, for `not_configured`. */
  reason?: string;
}

/** Name of the external event that carries the decision on `approvalId`. */
export function approvalEventName(approvalId: string): string {
  return `ApprovalDecision-${approvalId}`;
}

/** Builds the approval link: one path segment below `/api/approvals/` on the public base URL. */
export function approvalLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/api/approvals/${token}`;
}

/** Signs the token of an approval record. */
export function tokenFor(signingKey: string, record: ApprovalRecord): string {
  return signApprovalToken(signingKey, {
    incidentKey: record.incidentKey,
    approvalId: record.approvalId,
    expiresAt: Math.ceil(Date.parse(record.expiresAt) / 1000),
    nonce: record.nonce,
  });
}

function approverText(approvers: string[]): string {
  return approvers.length > 0 ? `approvers: ${approvers.join(", ")}` : "anyone with the link may decide";
}

/** Creates (or finds) the approval request for `action` and sends its link to people. */
export async function requestApproval(services: Services, incident: Incident, handler: Handler, action: PlannedAction, logger: Logger): Promise<ApprovalRequestResult> {
  const approvalId = action.id;
  const eventName = approvalEventName(approvalId);
  const signingKey = services.settings.approvals.signingKey;
  if (!signingKey) {
    return { status: "not_configured", approvalId, eventName, reason: "Approvals are off: set APPROVAL_SIGNING_KEY so the agent can sign approval links." };
  }

  const now = new Date();
  const timeoutMs = Math.round(handler.approval.timeoutMinutes * 60_000);
  const { created, stored } = await approvalStore(services).create({
    incidentKey: incident.key,
    approvalId,
    eventName,
    tool: action.tool,
    arguments: action.arguments,
    argumentsHash: action.argumentsHash,
    rationale: action.rationale,
    description: action.description,
    handlerName: handler.name,
    approvers: handler.approval.approvers,
    state: "pending",
    nonce: randomBytes(16).toString("base64url"),
    requestedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + timeoutMs).toISOString(),
  });
  const record = stored.record;
  const link = approvalLink(services.settings.publicBaseUrl, tokenFor(signingKey, record));
  const expiresAt = record.expiresAt;
  if (!created) logger.log("Approval request already exists; reusing it.", { incidentKey: incident.key, approvalId });

  const text = `Approval requested: ${action.description}. Why: ${action.rationale} Approve or deny at ${link} before ${expiresAt} (${approverText(record.approvers)}).`;
  await services.threads.append(incident.key, {
    id: `approval-requested-${approvalId}`,
    author: "agent",
    kind: "approval-requested",
    text,
    data: { approvalId, tool: action.tool, arguments: action.arguments, argumentsHash: action.argumentsHash, link, expiresAt, approvers: record.approvers, requestedAt: record.requestedAt },
  });

  await noteOnPagerDuty(services, incident, handler, approvalId, `Approval needed: ${action.description}. Why: ${action.rationale} Approve or deny: ${link} (until ${expiresAt}).`, logger);
  await notifyChat(services, incident, handler, approvalId, `[${incident.priority}] ${incident.title}: the SRE agent asks for approval to ${lowerFirst(action.description)}. Approve or deny: ${link} (until ${expiresAt}).`, logger);

  await services.incidents.update(incident.key, (current) =>
    current.status === "resolved" || current.status === "awaiting-approval" ? undefined : { ...current, status: "awaiting-approval" },
  );
  logger.log("Approval requested.", { incidentKey: incident.key, approvalId, tool: action.tool });
  return { status: "requested", approvalId, eventName, link, expiresAt };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Posts the approval link as a PagerDuty note, where the incident came from PagerDuty and the handler allows notes. */
async function noteOnPagerDuty(services: Services, incident: Incident, handler: Handler, approvalId: string, note: string, logger: Logger): Promise<void> {
  const incidentId = pagerDutyIncidentId(incident);
  if (!incidentId || !handler.tools.includes("pagerduty.addNote")) return;
  const action = plannedAction(`note-${approvalId}`, "pagerduty.addNote", { incidentId, note }, "Tell the on-call team where to approve.");
  const result = await runAction(action, { services, incident, handler, logger });
  if (result.status !== "success") {
    await services.threads.append(incident.key, {
      id: `notice-note-${approvalId}`,
      author: "agent",
      kind: "notice",
      text: `The approval link was not posted to PagerDuty: ${result.summary}`,
      data: { result },
    });
  }
}

/** Posts `text` to the handler's chat webhook, once per approval. */
async function notifyChat(services: Services, incident: Incident, handler: Handler, approvalId: string, text: string, logger: Logger): Promise<void> {
  const url = handler.notify?.webhookUrl;
  if (!url) return;
  const outbox = outboxStore(services);
  const key = outboxKey("notify", approvalId);
  if (await outbox.get(incident.key, key)) return;
  try {
    const result = await postChatMessage(url, text);
    await outbox.record(incident.key, { key, tool: "notify.webhook", completedAt: new Date().toISOString(), result: { status: result.status } });
  } catch (error) {
    logger.warn("Approval notification failed.", { incidentKey: incident.key, approvalId, webhook: describeWebhook(url), error: (error as Error).message });
    await services.threads.append(incident.key, {
      id: `notice-notify-${approvalId}`,
      author: "agent",
      kind: "notice",
      text: `The approval link was not sent to the handler's chat webhook (${describeWebhook(url)}): ${(error as Error).message}`,
    });
  }
}
