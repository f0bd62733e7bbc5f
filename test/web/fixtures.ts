import type { Incident } from "../../src/intake/incident";
import type { NewThreadMessage } from "../../src/storage/threads";
import type { IncidentStore } from "../../src/storage/incidents";
import type { ThreadStore } from "../../src/storage/threads";

/** Payloads that run script if a page ever inserts them unescaped; each one sets `window.__xss`. */
export const XSS_TITLE = `<img src=x onerror="window.__xss='title'"><script>window.__xss='title-script'</script>`;
export const XSS_DESCRIPTION = `</p><script>window.__xss='description'</script><svg onload="window.__xss='svg'"></svg>" onmouseover="window.__xss='attr'`;

const FIRED_AT = "2026-03-02T10:00:00.000Z";

/** Builds an incident with every field the pages show; `overrides` replaces any of them. */
export function sampleIncident(overrides: Partial<Incident> = {}): Incident {
  const target = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-shop/providers/microsoft.web/sites/checkout";
  return {
    key: "azure-monitor-6f1c2d3e-0000-4000-8000-000000000001",
    source: "azure-monitor",
    sourceId: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.AlertsManagement/alerts/6f1c2d3e-0000-4000-8000-000000000001",
    title: "CPU above 80% on checkout",
    description: "Average CPU percentage was 93 over the last 5 minutes.",
    severity: "Sev2",
    priority: "P3",
    status: "investigating",
    service: "Platform",
    alertRule: "cpu-high",
    targets: [target],
    subscriptions: ["00000000-0000-0000-0000-000000000001"],
    resourceGroups: ["rg-shop"],
    resourceTypes: ["microsoft.web/sites"],
    tags: {},
    customProperties: {},
    condition: { kind: "metric", metricName: "CpuPercentage", operator: "GreaterThan", threshold: 80, observedValue: 93 },
    firedAt: FIRED_AT,
    createdAt: "2026-03-02T10:00:02.000Z",
    updatedAt: "2026-03-02T10:01:00.000Z",
    acknowledgedAt: "2026-03-02T10:00:05.000Z",
    analyzedAt: "2026-03-02T10:00:47.000Z",
    handlerName: "quickstart",
    verdict: "actionable",
    confidence: 0.82,
    links: [
      { label: "checkout in the Azure portal", url: `https://portal.azure.com/#resource${target}` },
      { label: "Bad link", url: "javascript:window.__xss='link'" },
    ],
    ...overrides,
  };
}

/** Builds a metric series of 31 one-minute points that crosses the threshold at the fire time. */
export function sampleSeries(): Array<{ time: string; value: number }> {
  const start = Date.parse(FIRED_AT) - 10 * 60_000;
  return Array.from({ length: 31 }, (_, minute) => ({
    time: new Date(start + minute * 60_000).toISOString(),
    value: minute < 10 ? 40 + minute * 2 : 85 + (minute % 4) * 3,
  }));
}

/** Builds a thread with one message of each kind that the pages draw specially. */
export function sampleThread(): NewThreadMessage[] {
  return [
    {
      id: "routing",
      author: "agent",
      kind: "routing",
      text: "Handler quickstart takes this incident (reader mode).\nquickstart (order 1000): matched",
      data: { handler: "quickstart", autonomy: "reader", evaluations: [] },
    },
    { id: "acknowledged", author: "agent", kind: "acknowledged", text: "The agent acknowledged the incident and is investigating (handler quickstart).", data: { handler: "quickstart" } },
    {
      id: "evidence-metrics-1",
      author: "agent",
      kind: "evidence",
      text: "metrics: success. CpuPercentage is breaching.",
      data: {
        id: "metrics-1",
        collector: "metrics",
        status: "success",
        summary: "CpuPercentage (Average) is breaching against GreaterThan 80; latest 94 over 1 series.",
        attempted: { resource: "/subscriptions/0001/resourcegroups/rg-shop/providers/microsoft.web/sites/checkout", window: "2026-03-02T09:50:00Z/2026-03-02T10:20:00Z", metric: "CpuPercentage" },
        response: { status: 200 },
        findings: { metricName: "CpuPercentage", aggregation: "Average", threshold: 80, state: "breaching", series: [{ dimensions: {}, state: "breaching", lastValue: 94, points: sampleSeries() }] },
        startedAt: "2026-03-02T10:00:10.000Z",
        durationMs: 830,
      },
    },
    {
      id: "evidence-logs-1",
      author: "agent",
      kind: "evidence",
      text: "logs: success. 12 failed requests.",
      data: {
        id: "logs-1",
        collector: "logs",
        status: "success",
        summary: "12 failed requests in the alert window.",
        attempted: { query: "AppRequests | where Success == false | summarize count() by ResultCode", window: "PT15M" },
        findings: { queries: [{ name: "failed-requests", status: "success", rowCount: 2, columns: ["ResultCode", "count_"], rows: [["500", 9], ["<b>503</b>", 3]] }] },
        startedAt: "2026-03-02T10:00:11.000Z",
        durationMs: 1200,
      },
    },
    {
      id: "analysis",
      author: "agent",
      kind: "analysis",
      text: "Verdict: actionable (confidence 82%, analyst rules).",
      data: {
        verdict: "actionable",
        confidence: 0.82,
        summary: "CPU is still above the threshold and requests fail.",
        likelyCause: "A hot loop after the last deployment.",
        citedEvidence: ["metrics-1", "logs-1"],
        recommendedActions: [{ tool: "appService.restart", arguments: { resourceId: "/subscriptions/0001/.../sites/checkout" }, rationale: "A restart clears the hot loop." }],
        analyst: "rules",
      },
    },
  ];
}

/** Stores `incident` and appends `messages` to its thread, one second apart so their order is fixed. */
export async function seedIncident(incidents: IncidentStore, threads: ThreadStore, incident: Incident, messages: NewThreadMessage[]): Promise<void> {
  await incidents.create(incident);
  const start = Date.parse(incident.createdAt);
  for (const [index, message] of messages.entries()) {
    await threads.append(incident.key, message, new Date(start + (index + 1) * 1000));
  }
}
