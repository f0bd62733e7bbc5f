import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { HttpRoute } from "../app/http";
import { getServices, type Services } from "../app/services";
import type { Assessment } from "../analysis/assessment";
import type { Evidence } from "../investigation/evidence";
import { isTransientStorageError } from "../storage/tables";
import { decideApproval, findApproval } from "./decision";
import { identityFromHeaders } from "./identity";
import { approvalPage, decisionPage, problemPage, type ApprovalView } from "./page";
import { csrfToken } from "./token";

/** Form posts larger than this are refused; the form has four short fields. */
const MAX_FORM_BYTES = 8 * 1024;

async function viewFor(services: Services, view: Omit<ApprovalView, "incident" | "analysis" | "evidence">): Promise<ApprovalView> {
  const key = view.record.incidentKey;
  const [stored, messages] = await Promise.all([services.incidents.get(key), services.threads.list(key)]);
  const analysis = messages.find((message) => message.kind === "analysis")?.data as Assessment | undefined;
  const evidence = messages
    .filter((message) => message.kind === "evidence")
    .map((message) => message.data as Evidence)
    .filter((item) => item && typeof item.id === "string")
    .map((item) => ({ id: item.id, collector: item.collector, status: item.status, summary: item.summary }));
  return {
    ...view,
    incident: stored?.incident,
    analysis: analysis ? `${analysis.summary} Likely cause: ${analysis.likelyCause}` : undefined,
    evidence,
  };
}

/** `GET /api/approvals/{token}`: shows the request. Changes nothing, because mail and chat previewers follow links. */
async function showApproval(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = getServices();
  const found = await findApproval(services, request.params.token ?? "");
  if (!found.ok) return problemPage(found.status, found.title, found.message, found.record);

  const { record } = found.stored;
  const open = record.state === "pending" && Date.now() < Date.parse(record.expiresAt);
  const view = await viewFor(services, {
    record,
    open,
    csrf: open ? csrfToken(found.signingKey, record.approvalId, record.nonce) : undefined,
    signedInAs: identityFromHeaders(request.headers)?.name,
  });
  context.log("Approval page shown.", { incidentKey: record.incidentKey, approvalId: record.approvalId, state: record.state });
  return approvalPage(view);
}

/** `POST /api/approvals/{token}`: records a decision (form post with the page's CSRF token). */
async function postDecision(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const body = await request.text();
  if (Buffer.byteLength(body) > MAX_FORM_BYTES) return problemPage(413, "Form too large", "The decision form is larger than expected.");
  const form = new URLSearchParams(body);

  const services = getServices();
  const result = await decideApproval(
    services,
    services.orchestrations(context),
    request.params.token ?? "",
    { decision: form.get("decision"), csrf: form.get("csrf"), comment: form.get("comment"), name: form.get("name") },
    request.headers,
    context,
  );
  if (!result.ok) return problemPage(result.status, result.title, result.message, result.record);
  return decisionPage(result.record);
}

async function approvals(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    return request.method === "POST" ? await postDecision(request, context) : await showApproval(request, context);
  } catch (error) {
    context.error("Approval request failed.", { method: request.method, error: (error as Error).message });
    if (isTransientStorageError(error)) return problemPage(503, "Try again", "Storage is unavailable right now; nothing changed. Try again shortly.");
    return problemPage(500, "Approval failed", "The approval could not be processed; nothing changed. Try again, or decide in the incident's platform.");
  }
}

/** HTTP routes of this module; `src/app/routes.ts` collects them for both hosts. */
export const approvalsRoutes: HttpRoute[] = [{ name: "approvals", methods: ["GET", "POST"], route: "approvals/{token}", authLevel: "anonymous", handler: approvals }];
