import { randomBytes } from "node:crypto";
import type { HttpResponseInit } from "@azure/functions";
import type { Incident } from "../intake/incident";
import type { ApprovalRecord } from "../storage/approvals";
import { html, safeHref, trusted, type SafeHtml } from "../web/escape";
import { threadPath } from "../web/paths";

/**
 * The approval pages, server-rendered without scripts so they work in any browser and mail
 * client. Every value goes through the escaping `html` tag. The token is in the URL, so pages send
 * `Referrer-Policy: no-referrer` and are never cached or framed.
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
  /** The signed-in person (App Service authentication); without one the form asks for a name. */
  signedInAs?: string;
  /** False when the request is decided, expired or superseded, or its time is up. */
  open: boolean;
}

const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:760px;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d8dde3;border-radius:8px}
h1{font-size:1.4rem;margin-top:0}h2{font-size:1.05rem;margin-bottom:.3rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#57606a}dd{margin:0}
pre{background:#f3f4f6;padding:.6rem;border-radius:4px;overflow:auto;white-space:pre-wrap;word-break:break-all}
.state{display:inline-block;padding:.1rem .5rem;border-radius:4px;background:#eef1f4;font-weight:600}
form{margin-top:1.5rem;border-top:1px solid #d8dde3;padding-top:1rem}
label{display:block;margin:.6rem 0 .2rem}input[type=text],textarea{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
button{font:inherit;padding:.5rem 1.2rem;margin-right:.6rem;border-radius:4px;border:1px solid #8c959f;cursor:pointer}
button.approve{background:#1f883d;color:#fff;border-color:#1a7f37}button.deny{background:#cf222e;color:#fff;border-color:#a40e26}
.problem{border-left:4px solid #cf222e;padding-left:1rem}`;

function document(status: number, title: string, body: SafeHtml): HttpResponseInit {
  const nonce = randomBytes(16).toString("base64");
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · SRE incident agent</title>
<style nonce="${nonce}">${trusted(STYLE)}</style>
</head>
<body><main>${body}</main></body>
</html>`;
  return {
    status,
    body: page.value,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "content-security-policy": `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    },
  };
}

function stateLine(record: ApprovalRecord): SafeHtml {
  switch (record.state) {
    case "pending":
      return html`<span class="state">Waiting for a decision</span> until ${record.expiresAt}`;
    case "approved":
    case "denied":
      return html`<span class="state">${record.state === "approved" ? "Approved" : "Denied"}</span> by ${record.decidedBy} at ${record.decidedAt}${
        record.comment ? html`: “${record.comment}”` : ""
      }`;
    default:
      return html`<span class="state">${record.state === "expired" ? "Expired" : "Superseded"}</span>${record.reason ? html`: ${record.reason}` : ""}`;
  }
}

function incidentSection(incident: Incident | undefined, record: ApprovalRecord): SafeHtml {
  if (!incident) return html`<p>Incident <code>${record.incidentKey}</code>.</p>`;
  const link = safeHref(threadPath(incident.key));
  return html`<h2>Incident</h2>
<dl>
<dt>Title</dt><dd>${incident.title}</dd>
<dt>Priority</dt><dd>${incident.priority}${incident.severity ? html` (${incident.severity})` : ""}</dd>
<dt>Source</dt><dd>${incident.source}</dd>
<dt>Status</dt><dd>${incident.status}</dd>
<dt>Thread</dt><dd><a href="${link}">${incident.key}</a></dd>
</dl>`;
}

function evidenceSection(view: ApprovalView): SafeHtml {
  const lines = view.evidence.map((item) => html`<li><strong>${item.collector}</strong> (${item.status}): ${item.summary}</li>`);
  return html`<h2>Evidence</h2>
${view.analysis ? html`<p>${view.analysis}</p>` : ""}
${lines.length > 0 ? html`<ul>${lines}</ul>` : html`<p>No evidence was collected.</p>`}`;
}

function form(view: ApprovalView): SafeHtml {
  if (!view.open || !view.csrf) return html``;
  const who = view.signedInAs
    ? html`<p>You decide as <strong>${view.signedInAs}</strong>.</p>`
    : html`<label for="name">Your name or email</label><input id="name" name="name" type="text" required maxlength="100" autocomplete="email">`;
  return html`<form method="post">
<input type="hidden" name="csrf" value="${view.csrf}">
${who}
<label for="comment">Comment (optional)</label>
<textarea id="comment" name="comment" rows="3" maxlength="1000"></textarea>
<p><button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button></p>
</form>`;
}

/** The approval page: the incident, the evidence, the exact action, and the decision form while open. */
export function approvalPage(view: ApprovalView): HttpResponseInit {
  const { record } = view;
  const approvers = record.approvers.length > 0 ? record.approvers.join(", ") : "anyone with this link";
  const body = html`<h1>Approve: ${record.description}</h1>
<p>${stateLine(record)}</p>
${incidentSection(view.incident, record)}
${evidenceSection(view)}
<h2>Action</h2>
<dl>
<dt>Tool</dt><dd><code>${record.tool}</code></dd>
<dt>Why</dt><dd>${record.rationale}</dd>
<dt>Requested</dt><dd>${record.requestedAt} (handler ${record.handlerName})</dd>
<dt>Approvers</dt><dd>${approvers}</dd>
</dl>
<pre>${JSON.stringify(record.arguments, null, 2)}</pre>
${form(view)}`;
  return document(200, `Approve: ${record.description}`, body);
}

/** The page after a decision was recorded. */
export function decisionPage(record: ApprovalRecord): HttpResponseInit {
  const next = record.state === "approved" ? "The agent runs the action now and reports in the incident's thread." : "The agent will not run this action.";
  const body = html`<h1>${record.state === "approved" ? "Approved" : "Denied"}: ${record.description}</h1>
<p>${stateLine(record)}</p>
<p>${next}</p>
<p><a href="${safeHref(threadPath(record.incidentKey))}">Open the incident's thread</a></p>`;
  return document(200, record.state === "approved" ? "Approved" : "Denied", body);
}

/** A refusal: forged, expired, reused or closed links, and bad forms. */
export function problemPage(status: number, title: string, message: string, record?: ApprovalRecord): HttpResponseInit {
  const body = html`<div class="problem"><h1>${title}</h1><p>${message}</p></div>
${record ? html`<p>Action: ${record.description}. ${stateLine(record)}</p><p><a href="${safeHref(threadPath(record.incidentKey))}">Open the incident's thread</a></p>` : ""}`;
  return document(status, title, body);
}
