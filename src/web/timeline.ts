import type { ThreadMessage } from "../storage/threads";
import type { ApprovalRecord } from "../storage/approvals";
import { html, safeHref, type SafeHtml } from "./escape";
import { formatConfidence, formatDuration, formatJson, formatTime } from "./format";
import { resultBadge, verdictBadge } from "./badges";
import { MAX_CHARTS, metricChartInputs, renderMetricChart } from "./chart";

/** What the timeline needs besides the messages. */
export interface TimelineContext {
  /** When the alert fired; metric charts mark it. */
  firedAt?: string;
  /** The incident's approval records by approval id: their state is current, the thread's is as requested. */
  approvals: Map<string, ApprovalRecord>;
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

/** What the collector tried: the query, URL, resource and window first, then any other detail. */
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
  const answer = asRecord(response);
  if (!answer) return "";
  const parts: SafeHtml[] = [];
  if (answer.status !== undefined) parts.push(html`<dt>Status</dt><dd>${String(answer.status)}</dd>`);
  if (answer.code !== undefined) parts.push(html`<dt>Code</dt><dd><code>${String(answer.code)}</code></dd>`);
  if (answer.message !== undefined) parts.push(html`<dt>Message</dt><dd class="text">${String(answer.message)}</dd>`);
  if (answer.excerpt !== undefined) parts.push(html`<dt>Excerpt</dt><dd><pre>${String(answer.excerpt)}</pre></dd>`);
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
  const url = safeHref(data?.url);

  const decided = record?.decidedBy
    ? html`<p class="small">Decided by ${record.decidedBy}${record.decidedAt ? html` at ${formatTime(record.decidedAt)}` : ""}${
        record.comment ? html`: “${record.comment}”` : ""
      }</p>`
    : record?.reason
      ? html`<p class="small muted">${record.reason}</p>`
      : "";

  return html`<p>${resultBadge(state)}${tool ? html` <code>${tool}</code>` : ""}${
    record?.expiresAt && state === "pending" ? html` <span class="small muted">expires ${formatTime(record.expiresAt)}</span>` : ""
  }</p>
<p class="text">${message.text}</p>
${args !== undefined ? html`<pre>${formatJson(args)}</pre>` : ""}
${decided}
${state === "pending" && url ? renderApprovalButtons(url, tool ?? "the action") : ""}`;
}

/**
 * Approve and Deny lead to the approval page, which shows the full request and posts the decision
 * with its own CSRF token; the approval link itself only ever shows the page.
 */
function renderApprovalButtons(url: string, tool: string): SafeHtml {
  return html`<div class="actions-row">
<a class="button primary" href="${withDecision(url, "approve")}" aria-label="Approve ${tool} on the approval page">Approve…</a>
<a class="button danger" href="${withDecision(url, "deny")}" aria-label="Deny ${tool} on the approval page">Deny…</a>
</div>`;
}

function withDecision(url: string, decision: "approve" | "deny"): string {
  return `${url}${url.includes("?") ? "&" : "?"}decision=${decision}`;
}

/** Decisions, actions and verifications: a status badge, the text, the result and the raw data. */
function renderOutcome(message: ThreadMessage, data: Record<string, unknown> | undefined): SafeHtml {
  const status = text(data?.state) ?? text(data?.decision) ?? text(data?.status) ?? text(asRecord(data?.result)?.status);
  const tool = text(data?.tool);
  return html`${status || tool ? html`<p>${status ? resultBadge(status) : ""}${tool ? html` <code>${tool}</code>` : ""}</p>` : ""}
<p class="text">${message.text}</p>
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
