import type { HttpResponseInit } from "@azure/functions";
import type { Incident } from "../intake/incident";
import type { ApprovalRecord } from "../storage/approvals";
import { html, safeHref, type SafeHtml } from "../web/escape";
import { pageResponse } from "../web/layout";
import { formatJson, formatTime } from "../web/format";
import { priorityBadge, resultBadge, statusBadge } from "../web/badges";
import { threadPath } from "../web/paths";

/**
 * The approval pages, server-rendered without scripts so they work in any browser and mail
 * client, in the pages' shared layout (`src/web/layout.ts`). Every value goes through the escaping
 * `html` tag. The token is in the URL, so pages send `Referrer-Policy: no-referrer` and are never
 * cached or framed.
 */

export interface EvidenceLine {
  id: string;
  collector: string;
  status: string;
  summary: string;
}

export interface ApprovalView {
  record: ApprovalRecord;
  incident?: Incident;
  /** The analyst's summary and likely cause. */
  analysis?: string;
  evidence: EvidenceLine[];
  /** The form's CSRF token; the form is shown only while the request is open. */
  csrf?: string;
  /** The signed-in person (App Service authentication). Without one, the form has a name field. */
  signedInAs?: string;
  /** False when the request is decided, expired or superseded, or its time is up. */
  open: boolean;
}

function document(status: number, title: string, body: SafeHtml): HttpResponseInit {
  return pageResponse({ status, title, body });
}

function stateLine(record: ApprovalRecord): SafeHtml {
  switch (record.state) {
    case "pending":
      return html`<span class="badge tone-warn">Waiting for a decision</span> until <time datetime="${record.expiresAt}">${formatTime(record.expiresAt)}</time>`;
    case "approved":
    case "denied":
      return html`<span class="badge ${record.state === "approved" ? "tone-ok" : "tone-bad"}">${record.state === "approved" ? "Approved" : "Denied"}</span> by ${record.decidedBy} at <time datetime="${record.decidedAt}">${formatTime(record.decidedAt)}</time>${
        record.comment ? html`: “${record.comment}”` : ""
      }`;
    default:
      return html`<span class="badge tone-muted">${record.state === "expired" ? "Expired" : "Superseded"}</span>${record.reason ? html`: ${record.reason}` : ""}`;
  }
}

function incidentSection(incident: Incident | undefined, record: ApprovalRecord): SafeHtml {
  if (!incident) return html`<p>Incident <code>${record.incidentKey}</code>.</p>`;
  const link = safeHref(threadPath(incident.key));
  return html`<h2>Incident</h2>
<dl class="summary-grid">
<dt>Title</dt><dd>${incident.title}</dd>
<dt>Priority</dt><dd>${priorityBadge(incident.priority)}${incident.severity ? html` (${incident.severity})` : ""}</dd>
<dt>Source</dt><dd>${incident.source}</dd>
<dt>Status</dt><dd>${statusBadge(incident.status)}</dd>
<dt>Thread</dt><dd><a href="${link}">${incident.key}</a></dd>
</dl>`;
}

function evidenceSection(view: ApprovalView): SafeHtml {
  const lines = view.evidence.map((item) => html`<li><strong>${item.collector}</strong> ${resultBadge(item.status)} ${item.summary}</li>`);
  return html`<h2>Evidence</h2>
${view.analysis ? html`<p class="text">${view.analysis}</p>` : ""}
${lines.length > 0 ? html`<ul class="evidence-lines">${lines}</ul>` : html`<p>No evidence was collected.</p>`}`;
}

function form(view: ApprovalView): SafeHtml {
  if (!view.open || !view.csrf) return html``;
  const identityField = view.signedInAs
    ? html`<p>You decide as <strong>${view.signedInAs}</strong>.</p>`
    : html`<label for="name">Your name or email</label><input id="name" name="name" type="text" required maxlength="100" autocomplete="email">`;
  return html`<form method="post" class="stack panel">
<input type="hidden" name="csrf" value="${view.csrf}">
${identityField}
<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="3" maxlength="1000"></textarea>
<div class="actions-row"><button class="primary" type="submit" name="decision" value="approve">Approve</button>
<button class="danger" type="submit" name="decision" value="deny">Deny</button></div>
</form>`;
}

/** Renders the approval page: the incident, the evidence, the exact action, and the decision form while open. */
export function approvalPage(view: ApprovalView): HttpResponseInit {
  const { record } = view;
  const approvers = record.approvers.length > 0 ? record.approvers.join(", ") : "anyone with this link";
  const body = html`<h1>Approve: ${record.description}</h1>
<p>${stateLine(record)}</p>
<div class="panel">
<h2>Action</h2>
<dl class="summary-grid">
<dt>Tool</dt><dd><code>${record.tool}</code></dd>
<dt>Why</dt><dd>${record.rationale}</dd>
<dt>Requested</dt><dd><time datetime="${record.requestedAt}">${formatTime(record.requestedAt)}</time> (handler ${record.handlerName})</dd>
<dt>Approvers</dt><dd>${approvers}</dd>
</dl>
<pre>${formatJson(record.arguments)}</pre>
</div>
${form(view)}
<div class="panel">
${incidentSection(view.incident, record)}
${evidenceSection(view)}
</div>`;
  return document(200, `Approve: ${record.description}`, body);
}

/** Renders the page shown after a decision is recorded. */
export function decisionPage(record: ApprovalRecord): HttpResponseInit {
  const next = record.state === "approved" ? "The agent runs the action now and reports in the incident's thread." : "The agent will not run this action.";
  const body = html`<h1>${record.state === "approved" ? "Approved" : "Denied"}: ${record.description}</h1>
<div class="panel">
<p>${stateLine(record)}</p>
<p>${next}</p>
<p><a href="${safeHref(threadPath(record.incidentKey))}">Open the incident's thread</a></p>
</div>`;
  return document(200, record.state === "approved" ? "Approved" : "Denied", body);
}

/** Renders a rejected request: forged, expired, reused or closed links, and bad forms. */
export function problemPage(status: number, title: string, message: string, record?: ApprovalRecord): HttpResponseInit {
  const body = html`<h1>${title}</h1>
<div class="panel notice"><p class="text">${message}</p>
${record ? html`<p>Action: ${record.description}. ${stateLine(record)}</p><p><a href="${safeHref(threadPath(record.incidentKey))}">Open the incident's thread</a></p>` : ""}</div>`;
  return document(status, title, body);
}
