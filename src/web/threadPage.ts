import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getServices, type Services } from "../app/services";
import { isTransientStorageError } from "../storage/tables";
import { approvalStore, type ApprovalRecord } from "../storage/approvals";
import { csrfToken as approvalCsrfToken } from "../approvals/token";
import type { ThreadMessage } from "../storage/threads";
import type { Incident } from "../intake/incident";
import { html, safeHref, type SafeHtml } from "./escape";
import { fragmentResponse, messagePage, pageResponse } from "./layout";
import { formatConfidence, formatElapsed, formatTime } from "./format";
import { priorityBadge, statusBadge, verdictBadge } from "./badges";
import { csrfTokenFor, CSRF_FIELD } from "./csrf";
import { signedInUser } from "./identity";
import { INCIDENT_LIST_PATH, takeoverPath } from "./paths";
import { renderTimeline } from "./timeline";
import { THREAD_SCRIPT } from "./scripts";

const POLL_MILLISECONDS = 4000;

interface ThreadData {
  incident: Incident;
  messages: ThreadMessage[];
  approvals: Map<string, ApprovalRecord>;
  signingKey?: string;
  signedInAs?: string;
}

/**
 * `GET /api/ui/incidents/{incidentKey}`: the incident's summary, links and take-over form, and its
 * thread as a timeline. With `view=live` it returns only the summary and the timeline, which the
 * page's script polls.
 */
export async function threadPage(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const key = request.params.incidentKey;
  let data: ThreadData | undefined;
  try {
    data = await loadThread(getServices(), key, signedInUser(request));
  } catch (error) {
    context.error("Failed to read the incident for the thread page.", { incidentKey: key, error: (error as Error).message });
    const message = isTransientStorageError(error) ? "Storage is unavailable; reload in a moment." : "The incident could not be read; the app log has the error.";
    return messagePage(503, "Incident unavailable", message, { href: INCIDENT_LIST_PATH, label: "Back to the incidents" });
  }
  if (!data) return messagePage(404, "Incident not found", `No incident has the key "${key}".`, { href: INCIDENT_LIST_PATH, label: "Back to the incidents" });

  const live = renderLiveRegions(data);
  if (request.query.get("view") === "live") return fragmentResponse(html`${live.summary}${live.timeline}`);

  const csrf = csrfTokenFor(request);
  const body = html`<p class="small"><a href="${INCIDENT_LIST_PATH}">← All incidents</a></p>
<h1>${priorityBadge(data.incident.priority)} ${data.incident.title || data.incident.key}</h1>
<div class="incident-head">
<div>${live.summary}</div>
<aside>${renderTakeover(data.incident, request, csrf.token)}</aside>
</div>
<h2 id="thread-heading">Thread</h2>
<p class="status-line muted small"><span id="thread-checked"></span> <span id="thread-status" role="status"></span></p>
${live.timeline}`;

  return pageResponse({
    title: data.incident.title || data.incident.key,
    body,
    script: THREAD_SCRIPT,
    headers: csrf.setCookie ? { "set-cookie": csrf.setCookie } : {},
  });
}

async function loadThread(services: Services, key: string, signedInAs: string | undefined): Promise<ThreadData | undefined> {
  const stored = await services.incidents.get(key);
  if (!stored) return undefined;
  const [messages, records] = await Promise.all([services.threads.list(key), approvalStore(services).list(key)]);
  return {
    incident: stored.incident,
    messages,
    approvals: new Map(records.map((record) => [record.approvalId, record])),
    signingKey: services.settings.approvals.signingKey,
    signedInAs,
  };
}

/** Renders the parts of the page that change while the agent works, the same way for the page and for polling. */
function renderLiveRegions(data: ThreadData): { summary: SafeHtml; timeline: SafeHtml } {
  const summary = html`<section id="incident-summary" class="panel" aria-label="Incident summary">${renderSummary(data.incident)}</section>`;
  const timeline = html`<ol id="timeline" class="timeline" aria-labelledby="thread-heading" data-poll-ms="${POLL_MILLISECONDS}">${renderTimeline(data.messages, {
    firedAt: data.incident.firedAt,
    approvals: data.approvals,
    approvalCsrf: data.signingKey ? (record) => approvalCsrfToken(data.signingKey!, record.approvalId, record.nonce) : undefined,
    signedInAs: data.signedInAs,
    now: new Date(),
  })}</ol>`;
  return { summary, timeline };
}

function renderSummary(incident: Incident): SafeHtml {
  const rows: SafeHtml[] = [
    html`<dt>Status</dt><dd>${statusBadge(incident.status)}${incident.takenOverBy ? html` <span class="small">taken over by ${incident.takenOverBy}</span>` : ""}</dd>`,
    html`<dt>Source</dt><dd>${incident.source}</dd>`,
  ];
  if (incident.service) rows.push(html`<dt>Service</dt><dd>${incident.service}</dd>`);
  if (incident.alertRule) rows.push(html`<dt>Alert rule</dt><dd>${incident.alertRule}</dd>`);
  if (incident.severity) rows.push(html`<dt>Severity</dt><dd>${incident.severity}</dd>`);
  rows.push(html`<dt>Handler</dt><dd>${incident.handlerName ?? html`<span class="muted">not routed yet</span>`}</dd>`);
  rows.push(
    html`<dt>Verdict</dt><dd>${
      incident.verdict ? html`${verdictBadge(incident.verdict)} ${formatConfidence(incident.confidence)}` : html`<span class="muted">pending</span>`
    }</dd>`,
  );
  rows.push(html`<dt>Fired</dt><dd><time datetime="${incident.firedAt}">${formatTime(incident.firedAt)}</time></dd>`);
  rows.push(html`<dt>Created</dt><dd><time datetime="${incident.createdAt}">${formatTime(incident.createdAt)}</time></dd>`);
  const acknowledged = formatElapsed(incident.createdAt, incident.acknowledgedAt);
  if (acknowledged) rows.push(html`<dt>Time to acknowledge</dt><dd>${acknowledged}</dd>`);
  const analyzed = formatElapsed(incident.createdAt, incident.analyzedAt);
  if (analyzed) rows.push(html`<dt>Time to analysis</dt><dd>${analyzed}</dd>`);
  if (incident.resolvedAt) rows.push(html`<dt>Resolved</dt><dd><time datetime="${incident.resolvedAt}">${formatTime(incident.resolvedAt)}</time></dd>`);
  if (incident.targets.length > 0) {
    rows.push(html`<dt>Targets</dt><dd>${incident.targets.map((target) => html`<code>${target}</code><br>`)}</dd>`);
  }
  rows.push(html`<dt>Key</dt><dd><code>${incident.key}</code></dd>`);

  return html`<dl class="summary-grid">${rows}</dl>
${incident.description ? html`<p class="text">${incident.description}</p>` : ""}
${renderLinks(incident)}`;
}

/** Links to the alert on its platform (PagerDuty incident, Azure portal); links that are not http(s) are left out. */
function renderLinks(incident: Incident): SafeHtml | "" {
  const links = (incident.links ?? [])
    .map((link) => ({ label: link.label, href: safeHref(link.url) }))
    .filter((link): link is { label: string; href: string } => link.href !== undefined);
  if (links.length === 0) return "";
  return html`<ul class="links" aria-label="Links to the alert">${links.map(
    (link) => html`<li><a href="${link.href}" target="_blank" rel="noopener noreferrer">${link.label || link.href}</a></li>`,
  )}</ul>`;
}

function renderTakeover(incident: Incident, request: HttpRequest, csrfToken: string): SafeHtml {
  if (incident.takenOverBy) {
    return html`<div class="panel takeover"><h2>Taken over</h2><p>${incident.takenOverBy} has taken this incident over; the agent makes no further changes to it.</p></div>`;
  }
  if (incident.status === "resolved") {
    return html`<div class="panel takeover"><h2>Resolved</h2><p>The incident is resolved; there is nothing to take over.</p></div>`;
  }
  const user = signedInUser(request);
  const identityField = user
    ? html`<p class="small">Signed in as <strong>${user}</strong>.</p>`
    : html`<label for="takeover-name">Your name</label><input type="text" id="takeover-name" name="name" required maxlength="100" autocomplete="name">`;
  return html`<div class="panel takeover"><h2>Take over</h2>
<form method="post" action="${takeoverPath(incident.key)}">
<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}">
<p class="small" id="takeover-help">The agent stops making changes to this incident, and its pending approvals are superseded.</p>
${identityField}
<button type="submit" class="warning" aria-describedby="takeover-help">Take over</button>
</form></div>`;
}
