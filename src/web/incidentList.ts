import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getServices } from "../app/services";
import { isTransientStorageError } from "../storage/tables";
import { INCIDENT_STATUSES, PRIORITIES, type Incident, type IncidentStatus, type Priority } from "../intake/incident";
import { html, type SafeHtml } from "./escape";
import { fragmentResponse, messagePage, pageResponse } from "./layout";
import { formatConfidence, formatElapsed, formatTime } from "./format";
import { priorityBadge, statusBadge, verdictBadge } from "./badges";
import { INCIDENT_LIST_PATH, threadPath } from "./paths";
import { INCIDENT_LIST_SCRIPT } from "./scripts";

export const STATUSES: readonly IncidentStatus[] = INCIDENT_STATUSES;

/** Rows the page shows at most; older incidents stay reachable through the JSON API. */
const MAX_ROWS = 200;

const POLL_MILLISECONDS = 5000;

export interface ListFilters {
  status?: IncidentStatus;
  priority?: Priority;
}

/** Reads the filters from the query; an empty value means no filter. Returns an error message for a value that is not allowed. */
export function readFilters(request: HttpRequest): ListFilters | { error: string } {
  const status = request.query.get("status") || undefined;
  const priority = request.query.get("priority") || undefined;
  if (status !== undefined && !STATUSES.includes(status as IncidentStatus)) {
    return { error: `Status filter "${status}" is not a known status. Use one of: ${STATUSES.join(", ")}.` };
  }
  if (priority !== undefined && !PRIORITIES.includes(priority as Priority)) {
    return { error: `Priority filter "${priority}" is not a priority. Use one of: ${PRIORITIES.join(", ")}.` };
  }
  return { status: status as IncidentStatus | undefined, priority: priority as Priority | undefined };
}

/**
 * `GET /api/ui/incidents`: the incident list, newest first, with filters by status and priority.
 * With `view=rows` it returns only the table rows, which the page's script polls.
 */
export async function incidentListPage(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const filters = readFilters(request);
  if ("error" in filters) return messagePage(400, "Invalid filter", filters.error, { href: INCIDENT_LIST_PATH, label: "Show all incidents" });

  let incidents: Incident[];
  try {
    incidents = await getServices().incidents.list({
      status: filters.status ? [filters.status] : undefined,
      priority: filters.priority ? [filters.priority] : undefined,
      limit: MAX_ROWS,
    });
  } catch (error) {
    context.error("Failed to list incidents for the incident list page.", { error: (error as Error).message });
    const message = isTransientStorageError(error) ? "Storage is unavailable; reload in a moment." : "The incidents could not be read; the app log has the error.";
    return messagePage(503, "Incidents unavailable", message);
  }

  const rows = renderRows(incidents);
  if (request.query.get("view") === "rows") return fragmentResponse(rows);

  return pageResponse({
    title: "Incidents",
    body: renderListBody(filters, incidents.length, rows),
    script: INCIDENT_LIST_SCRIPT,
  });
}

function renderListBody(filters: ListFilters, count: number, rows: SafeHtml): SafeHtml {
  const limited = count >= MAX_ROWS ? html` Showing the newest ${MAX_ROWS}.` : "";
  return html`<h1>Incidents</h1>
${renderFilterForm(filters)}
<p class="status-line muted small"><span id="list-checked">Newest first.${limited}</span> <span id="list-status" role="status"></span></p>
<div class="table-scroll">
<table class="incidents">
<caption class="sr-only">Incidents, newest first</caption>
<thead><tr>
<th scope="col">Priority</th><th scope="col">Title</th><th scope="col">Source</th><th scope="col">Handler</th>
<th scope="col">Status</th><th scope="col">Verdict</th><th scope="col">Time to acknowledge</th><th scope="col">Time to analysis</th><th scope="col">Created</th>
</tr></thead>
<tbody id="incident-rows" data-poll-ms="${POLL_MILLISECONDS}">${rows}</tbody>
</table>
</div>`;
}

function renderFilterForm(filters: ListFilters): SafeHtml {
  const option = (value: string, selected: string | undefined) => html`<option value="${value}"${value === selected ? html` selected` : ""}>${value}</option>`;
  return html`<form class="filters" method="get" action="${INCIDENT_LIST_PATH}" aria-label="Filter incidents">
<div><label for="filter-status">Status</label>
<select id="filter-status" name="status"><option value="">Any status</option>${STATUSES.map((status) => option(status, filters.status))}</select></div>
<div><label for="filter-priority">Priority</label>
<select id="filter-priority" name="priority"><option value="">Any priority</option>${PRIORITIES.map((priority) => option(priority, filters.priority))}</select></div>
<button type="submit">Apply filters</button>
<a class="button" href="${INCIDENT_LIST_PATH}">Clear</a>
</form>`;
}

/** Renders the table rows; the page and its polling share this. */
export function renderRows(incidents: Incident[]): SafeHtml {
  if (incidents.length === 0) return html`<tr><td class="empty" colspan="9">No incidents match these filters.</td></tr>`;
  return html`${incidents.map(renderRow)}`;
}

function renderRow(incident: Incident): SafeHtml {
  const takenOver = incident.takenOverBy ? html`<br><span class="small muted">taken over by ${incident.takenOverBy}</span>` : "";
  const verdict = incident.verdict
    ? html`${verdictBadge(incident.verdict)} <span class="small muted">${formatConfidence(incident.confidence)}</span>`
    : html`<span class="muted">pending</span>`;
  return html`<tr data-key="${incident.key}">
${cell("Priority", priorityBadge(incident.priority))}
${cell("Title", html`<a href="${threadPath(incident.key)}">${incident.title || incident.key}</a>${incident.service ? html`<br><span class="small muted">${incident.service}</span>` : ""}`, "title")}
${cell("Source", incident.source, "nowrap")}
${cell("Handler", incident.handlerName ?? html`<span class="muted">none yet</span>`)}
${cell("Status", html`${statusBadge(incident.status)}${takenOver}`)}
${cell("Verdict", verdict)}
${cell("Time to acknowledge", formatElapsed(incident.createdAt, incident.acknowledgedAt) || html`<span class="muted">–</span>`, "num")}
${cell("Time to analysis", formatElapsed(incident.createdAt, incident.analyzedAt) || html`<span class="muted">–</span>`, "num")}
${cell("Created", html`<time datetime="${incident.createdAt}">${formatTime(incident.createdAt)}</time>`, "time")}
</tr>`;
}

/** Renders one cell. `data-label` names the column in the narrow-screen card layout, and the `div` keeps the content in one flex item. */
function cell(label: string, content: SafeHtml | string, className?: string): SafeHtml {
  return html`<td${className ? html` class="${className}"` : ""} data-label="${label}"><div>${content}</div></td>`;
}
