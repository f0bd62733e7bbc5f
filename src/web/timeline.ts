import type { ThreadMessage } from "../storage/threads";
import type { ApprovalRecord } from "../storage/approvals";
import { html, safeHref, type SafeHtml } from "./escape";
import { formatConfidence, formatDuration, formatJson, formatTime } from "./format";
import { resultBadge, verdictBadge } from "./badges";
import { MAX_CHARTS, metricChartInputs, renderMetricChart } from "./chart";

/** Context of the timeline besides its messages. */
export interface TimelineContext {
  /** When the alert fired; metric charts mark it. */
  firedAt?: string;
  /** The incident's approval records by approval id: their state is current, the thread's is as requested. */
  approvals: Map<string, ApprovalRecord>;
  /**
   * Returns the approval form's CSRF token for a pending record, or undefined when approvals are
   * off. Without a token the thread shows only a link to the approval page.
   */
  approvalCsrf?: (record: ApprovalRecord) => string | undefined;
  /** The signed-in person (App Service authentication); without one the decision forms ask for a name. */
  signedInAs?: string;
  /** The current time, for hiding the form of a request whose time is up. */
  now: Date;
}

const KIND_LABELS: Record<string, string> = {
  routing: "Routing",
  "not-handled": "Not handled",
  acknowledged: "Acknowledged",
  evidence: "Evidence",
  analysis: "Initial analysis",
  "action-dropped": "Action dropped",
  "approval-requested": "Approval requested",
  "approval-decided": "Approval decided",
  action: "Action",
  verification: "Verification",
  escalated: "Escalated",
  "platform-update": "Platform update",
  "human-note": "Note",
  takeover: "Taken over",
  resolved: "Resolved",
  notice: "Notice",
};

/** Renders the thread as an ordered timeline, one item per message. */
export function renderTimeline(messages: ThreadMessage[], context: TimelineContext): SafeHtml {
  if (messages.length === 0) return html`<li class="muted">The thread has no messages yet.</li>`;
  return html`${messages.map((message) => renderMessage(message, context))}`;
}

function renderMessage(message: ThreadMessage, context: TimelineContext): SafeHtml {
  const label = KIND_LABELS[message.kind] ?? message.kind;
  return html`<li class="msg kind-${message.kind}" id="msg-${message.seq}">
<div class="meta"><span class="kind">${label}</span><span>${message.author}</span><time datetime="${message.at}">${formatTime(message.at)}</time></div>
${renderBody(message, context)}
</li>`;
}

function renderBody(message: ThreadMessage, context: TimelineContext): SafeHtml {
  const data = asRecord(message.data);
  switch (message.kind) {
    case "evidence":
      return data && typeof data.collector === "string" ? renderEvidence(message, data, context) : renderGeneric(message, data);
    case "analysis":
      return data && typeof data.verdict === "string" ? renderAnalysis(data) : renderGeneric(message, data);
    case "approval-requested":
      return renderApprovalRequest(message, data, context);
    case "approval-decided":
    case "action":
    case "verification":
    case "action-dropped":
      return renderOutcome(message, data);
    case "takeover":
      return html`<p class="text">${message.text}</p>`;
    default:
      return renderGeneric(message, data);
  }
}

/** Text and, when the message has structured data, that data as JSON under a collapsed "Details". */
function renderGeneric(message: ThreadMessage, data: Record<string, unknown> | undefined): SafeHtml {
  return html`<p class="text">${message.text}</p>${data ? renderDataDetails(data) : ""}`;
}

function renderDataDetails(data: unknown, summary = "Details"): SafeHtml {
  return html`<details><summary>${summary}</summary><pre>${formatJson(data)}</pre></details>`;
}

function renderEvidence(message: ThreadMessage, evidence: Record<string, unknown>, context: TimelineContext): SafeHtml {
  const id = text(evidence.id) ?? String(message.seq);
  const status = text(evidence.status) ?? "unknown";
  const collector = text(evidence.collector) ?? "collector";
  const charts = metricChartInputs(evidence.findings, id, context.firedAt);
  const hidden = charts.length - MAX_CHARTS;
  const duration = typeof evidence.durationMs === "number" ? html`<p class="small muted">Took ${formatDuration(evidence.durationMs)}.</p>` : "";

  return html`<details class="evidence" id="evidence-${id}">
<summary>${resultBadge(status)} <strong>${collector}</strong>: ${text(evidence.summary) ?? message.text}</summary>
${charts.slice(0, MAX_CHARTS).map(renderMetricChart)}${hidden > 0 ? html`<p class="small muted">${hidden} more series are in the findings below.</p>` : ""}
${renderAttempt(evidence.attempted)}
${renderResponse(evidence.response)}
${renderLogQueries(evidence.findings)}
${evidence.findings === undefined ? "" : renderDataDetails(evidence.findings, "Findings (JSON)")}
${duration}
</details>`;
}

/** Renders what the collector tried: the query, URL, resource and window first, then any other detail. */
function renderAttempt(attempted: unknown): SafeHtml | "" {
  const attempt = asRecord(attempted);
  if (!attempt) return "";
  const rows: SafeHtml[] = [];
  const order = ["query", "url", "resource", "window"];
  const keys = [...order.filter((key) => key in attempt), ...Object.keys(attempt).filter((key) => !order.includes(key))];
  for (const key of keys) {
    const value = attempt[key];
    if (value === undefined || value === null || value === "") continue;
    if (key === "query") rows.push(html`<dt>Query</dt><dd><pre><code>${String(value)}</code></pre></dd>`);
    else if (typeof value === "string") rows.push(html`<dt>${capitalize(key)}</dt><dd><code>${value}</code></dd>`);
    else rows.push(html`<dt>${capitalize(key)}</dt><dd><code>${formatJson(value)}</code></dd>`);
  }
  if (rows.length === 0) return "";
  return html`<h3 class="small">Attempted</h3><dl class="summary-grid small">${rows}</dl>`;
}

function renderResponse(response: unknown): SafeHtml | "" {
  const serviceResponse = asRecord(response);
  if (!serviceResponse) return "";
  const parts: SafeHtml[] = [];
  if (serviceResponse.status !== undefined) parts.push(html`<dt>Status</dt><dd>${String(serviceResponse.status)}</dd>`);
  if (serviceResponse.code !== undefined) parts.push(html`<dt>Code</dt><dd><code>${String(serviceResponse.code)}</code></dd>`);
  if (serviceResponse.message !== undefined) parts.push(html`<dt>Message</dt><dd class="text">${String(serviceResponse.message)}</dd>`);
  if (serviceResponse.excerpt !== undefined) parts.push(html`<dt>Excerpt</dt><dd><pre>${String(serviceResponse.excerpt)}</pre></dd>`);
  if (parts.length === 0) return "";
  return html`<h3 class="small">Response</h3><dl class="summary-grid small">${parts}</dl>`;
}

/** Log query results as small tables, so a person reads the rows without opening the JSON. */
function renderLogQueries(findings: unknown): SafeHtml | "" {
  const queries = asRecord(findings)?.queries;
  if (!Array.isArray(queries)) return "";
  return html`${queries.map((entry) => {
    const query = asRecord(entry);
    if (!query || !Array.isArray(query.columns) || !Array.isArray(query.rows)) return "";
    const rows = (query.rows as unknown[]).slice(0, 20).filter(Array.isArray) as unknown[][];
    const count = typeof query.rowCount === "number" ? query.rowCount : rows.length;
    return html`<details><summary>${text(query.name) ?? "query"}: ${count} ${count === 1 ? "row" : "rows"}${query.status ? html` ${resultBadge(String(query.status))}` : ""}</summary>
<div class="table-scroll"><table class="rows small"><thead><tr>${(query.columns as unknown[]).map((column) => html`<th scope="col">${String(column)}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell === null || typeof cell !== "object" ? String(cell) : formatJson(cell)}</td>`)}</tr>`)}</tbody></table></div>
</details>`;
  })}`;
}

function renderAnalysis(assessment: Record<string, unknown>): SafeHtml {
  const cited = Array.isArray(assessment.citedEvidence) ? assessment.citedEvidence.filter((id): id is string => typeof id === "string") : [];
  const actions = Array.isArray(assessment.recommendedActions) ? assessment.recommendedActions.map(asRecord).filter((action) => action !== undefined) : [];
  return html`<p>${verdictBadge(String(assessment.verdict))} <span>confidence ${formatConfidence(assessment.confidence)}</span>${
    assessment.analyst ? html` <span class="small muted">analyst ${String(assessment.analyst)}</span>` : ""
  }</p>
${assessment.summary ? html`<p class="text">${String(assessment.summary)}</p>` : ""}
${assessment.likelyCause ? html`<p class="text"><strong>Likely cause:</strong> ${String(assessment.likelyCause)}</p>` : ""}
${cited.length > 0 ? html`<p class="small">Evidence: ${cited.map((id, index) => html`${index > 0 ? ", " : ""}<a href="#evidence-${id}">${id}</a>`)}</p>` : ""}
${
  actions.length > 0
    ? html`<h3 class="small">Recommended actions</h3><ul>${actions.map(
        (action) => html`<li><code>${String(action.tool)}</code>${action.rationale ? html`: ${String(action.rationale)}` : ""}${
          action.arguments && Object.keys(action.arguments as object).length > 0 ? html`<pre>${formatJson(action.arguments)}</pre>` : ""
        }</li>`,
      )}</ul>`
    : ""
}`;
}

function renderApprovalRequest(message: ThreadMessage, data: Record<string, unknown> | undefined, context: TimelineContext): SafeHtml {
  const approvalId = text(data?.approvalId);
  const record = approvalId ? context.approvals.get(approvalId) : undefined;
  const state = record?.state ?? text(data?.state) ?? "pending";
  const tool = record?.tool ?? text(data?.tool);
  const args = record?.arguments ?? data?.arguments;
  const link = safeHref(data?.link ?? data?.url);
  const expiresAt = record?.expiresAt ?? text(data?.expiresAt);
  const open = state === "pending" && (!expiresAt || Date.parse(expiresAt) > context.now.getTime());

  const decided = record?.decidedBy
    ? html`<p class="small">Decided by ${record.decidedBy}${record.decidedAt ? html` at ${formatTime(record.decidedAt)}` : ""}${
        record.comment ? html`: “${record.comment}”` : ""
      }</p>`
    : record?.reason
      ? html`<p class="small muted">${record.reason}</p>`
      : "";

  return html`<p>${resultBadge(state === "pending" && !open ? "expired" : state)}${tool ? html` <code>${tool}</code>` : ""}${
    expiresAt && open ? html` <span class="small muted">open until ${formatTime(expiresAt)}</span>` : ""
  }</p>
${record ? html`<p class="text"><strong>${record.description}</strong>. ${record.rationale}</p>` : html`<p class="text">${message.text}</p>`}
${args !== undefined ? html`<pre>${formatJson(args)}</pre>` : ""}
${decided}
${open && link ? renderDecisionForm(link, record, tool ?? "the action", context) : ""}`;
}

/**
 * Renders the decision form for a pending approval. It posts to the approval link, the same endpoint and
 * fields as the approval page's own form, so the approvals module checks the token, the CSRF
 * token and the approver list as it does there. Without a CSRF token (approvals off, or no
 * record) only the link to the approval page is shown.
 */
function renderDecisionForm(link: string, record: ApprovalRecord | undefined, tool: string, context: TimelineContext): SafeHtml {
  const page = html`<a href="${link}">Open the approval page</a>`;
  const csrf = record ? context.approvalCsrf?.(record) : undefined;
  const action = record && csrf ? pathOf(link) : undefined;
  if (!record || !csrf || !action) return html`<p class="small">${page} to approve or deny.</p>`;

  const id = `approval-${record.approvalId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const identityField = context.signedInAs
    ? html`<p class="small">You decide as <strong>${context.signedInAs}</strong>.</p>`
    : html`<label for="${id}-name">Your name or email</label><input type="text" id="${id}-name" name="name" required maxlength="100" autocomplete="email">`;
  return html`<form class="decision" method="post" action="${action}" aria-label="Decide on ${tool}">
<input type="hidden" name="csrf" value="${csrf}">
${identityField}
<label for="${id}-comment">Comment (optional)</label>
<textarea id="${id}-comment" name="comment" rows="2" maxlength="1000"></textarea>
<div class="actions-row">
<button type="submit" class="primary" name="decision" value="approve" aria-label="Approve ${tool}">Approve</button>
<button type="submit" class="danger" name="decision" value="deny" aria-label="Deny ${tool}">Deny</button>
</div>
<p class="small">${page} for the full request.</p>
</form>`;
}

/** Returns the path of an approval link, so the form posts to this site whatever `PUBLIC_BASE_URL` is set to. */
function pathOf(link: string): string | undefined {
  try {
    const path = new URL(link, "http://localhost").pathname;
    return path.startsWith("/api/approvals/") ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Decisions, actions and verifications: a status badge, the text, what was attempted, and the raw data. */
function renderOutcome(message: ThreadMessage, data: Record<string, unknown> | undefined): SafeHtml {
  const result = asRecord(data?.result);
  const status =
    message.kind === "verification" && typeof data?.recovered === "boolean"
      ? data.recovered
        ? "recovered"
        : "not recovered"
      : text(data?.state) ?? text(result?.status) ?? text(data?.status);
  const tool = text(data?.tool) ?? text(result?.tool);
  const approvedBy = text(data?.approvedBy);
  return html`${status || tool ? html`<p>${status ? resultBadge(status) : ""}${tool ? html` <code>${tool}</code>` : ""}${
    approvedBy ? html` <span class="small muted">approved by ${approvedBy}</span>` : ""
  }</p>` : ""}
<p class="text">${message.text}</p>
${result ? renderAttempt(result.attempted) : ""}
${result ? renderResponse(result.response) : ""}
${data ? renderDataDetails(data) : ""}`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
