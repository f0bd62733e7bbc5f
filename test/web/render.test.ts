import type { ThreadMessage } from "../../src/storage/threads";
import { renderRows } from "../../src/web/incidentList";
import { renderTimeline, type TimelineContext } from "../../src/web/timeline";
import type { ApprovalRecord } from "../../src/storage/approvals";
import { metricChartInputs, renderMetricChart } from "../../src/web/chart";
import { formatElapsed } from "../../src/web/format";
import { renderPage, contentSecurityPolicy } from "../../src/web/layout";
import { html } from "../../src/web/escape";
import { sampleIncident, sampleSeries, sampleThread, XSS_DESCRIPTION, XSS_TITLE } from "./fixtures";

const NOW = new Date("2026-03-02T10:05:00.000Z");

function context(overrides: Partial<TimelineContext> = {}): TimelineContext {
  return { approvals: new Map(), now: NOW, ...overrides };
}

function approvalRecord(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    incidentKey: "azure-monitor-x",
    approvalId: "a1",
    eventName: "ApprovalDecision-a1",
    tool: "appService.restart",
    arguments: { resourceId: "/subscriptions/0001/.../sites/checkout" },
    argumentsHash: "h",
    rationale: "A restart clears the hot loop.",
    description: "Restart <checkout>",
    handlerName: "quickstart",
    approvers: [],
    state: "pending",
    nonce: "n1",
    requestedAt: "2026-03-02T10:01:00.000Z",
    expiresAt: "2026-03-02T10:31:00.000Z",
    ...overrides,
  };
}

function asMessages(): ThreadMessage[] {
  return sampleThread().map((message, index) => ({
    seq: index + 1,
    at: new Date(Date.UTC(2026, 2, 2, 10, 0, index + 3)).toISOString(),
    data: message.data ?? null,
    ...message,
  }));
}

describe("incident list rows", () => {
  test("show times to acknowledge and to analysis", () => {
    const out = renderRows([sampleIncident()]).value;

    expect(out).toContain(">3 s<");
    expect(out).toContain(">45 s<");
    expect(out).toContain('href="/api/ui/incidents/azure-monitor-6f1c2d3e-0000-4000-8000-000000000001"');
  });

  test("escape an alert's title", () => {
    const out = renderRows([sampleIncident({ title: XSS_TITLE, handlerName: `"><script>x</script>` })]).value;

    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;img src=x onerror=&quot;");
  });

  test("say so when nothing matches", () => {
    expect(renderRows([]).value).toContain("No incidents match these filters.");
  });
});

describe("thread timeline", () => {
  test("collapses evidence with what it attempted", () => {
    const out = renderTimeline(asMessages(), context()).value;

    expect(out).toMatch(/<details class="evidence" id="evidence-logs-1">/);
    expect(out).not.toMatch(/<details class="evidence"[^>]* open/);
    expect(out).toContain("AppRequests | where Success == false");
  });

  test("draws the metric chart with its threshold", () => {
    const out = renderTimeline(asMessages(), context({ firedAt: "2026-03-02T10:00:00.000Z" })).value;

    expect(out).toContain('<svg class="chart"');
    expect(out).toContain('class="threshold"');
    expect(out).toContain('class="fired"');
  });

  test("escapes log rows and links cited evidence", () => {
    const out = renderTimeline(asMessages(), context()).value;

    expect(out).toContain("&lt;b&gt;503&lt;/b&gt;");
    expect(out).toContain('href="#evidence-metrics-1"');
  });

  test("escapes message text and data", () => {
    const message: ThreadMessage = { seq: 1, id: "n", at: "2026-03-02T10:00:00Z", author: "agent", kind: "notice", text: XSS_DESCRIPTION, data: { note: XSS_TITLE } };

    const out = renderTimeline([message], context()).value;

    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<svg onload");
    expect(out).not.toContain("<img");
  });

  const request: ThreadMessage = {
    seq: 1,
    id: "approval-requested-a1",
    at: "2026-03-02T10:01:00Z",
    author: "agent",
    kind: "approval-requested",
    text: "Approval requested: Restart checkout.",
    data: { approvalId: "a1", link: "http://agent.example.com/api/approvals/tok", tool: "appService.restart", arguments: {}, expiresAt: "2026-03-02T10:31:00.000Z" },
  };

  test("pending approval gets a decision form", () => {
    const out = renderTimeline([request], context({ approvals: new Map([["a1", approvalRecord()]]), approvalCsrf: () => "csrf-1" })).value;

    expect(out).toContain('<form class="decision" method="post" action="/api/approvals/tok"');
    expect(out).toContain('name="csrf" value="csrf-1"');
    expect(out).toContain('aria-label="Approve appService.restart"');
    expect(out).toContain('id="approval-a1-name"');
    expect(out).toContain("Restart &lt;checkout&gt;");
  });

  test("signed-in person decides without a name field", () => {
    const out = renderTimeline([request], context({ approvals: new Map([["a1", approvalRecord()]]), approvalCsrf: () => "c", signedInAs: "ada@example.com" })).value;

    expect(out).toContain("You decide as <strong>ada@example.com</strong>");
    expect(out).not.toContain('name="name"');
  });

  test("without approvals configured only the link is shown", () => {
    const out = renderTimeline([request], context({ approvals: new Map([["a1", approvalRecord()]]) })).value;

    expect(out).not.toContain("<form");
    expect(out).toContain('href="http://agent.example.com/api/approvals/tok"');
  });

  test.each([
    ["decided", approvalRecord({ state: "approved", decidedBy: "ada", decidedAt: "2026-03-02T10:02:00.000Z" }), NOW],
    ["expired by time", approvalRecord(), new Date("2026-03-02T11:00:00.000Z")],
    ["superseded", approvalRecord({ state: "superseded", reason: "a person took the incident over" }), NOW],
  ])("%s approval has no form", (_name, record, now) => {
    const out = renderTimeline([request], context({ approvals: new Map([["a1", record]]), approvalCsrf: () => "c", now })).value;

    expect(out).not.toContain("<form");
    expect(out).not.toContain("/api/approvals/tok");
  });

  test("drops an approval link that is not http", () => {
    const hostile = { ...request, data: { approvalId: "a1", link: "javascript:alert(1)" } };

    expect(renderTimeline([hostile], context({ approvals: new Map([["a1", approvalRecord()]]), approvalCsrf: () => "c" })).value).not.toContain("javascript:");
  });

  test("action shows its result status", () => {
    const action: ThreadMessage = {
      seq: 2,
      id: "action-a1",
      at: "2026-03-02T10:03:00Z",
      author: "agent",
      kind: "action",
      text: "Restarted checkout.",
      data: { tool: "appService.restart", approvedBy: "ada", result: { tool: "appService.restart", status: "success", summary: "Restarted.", attempted: { resource: "/subscriptions/0001/x" } } },
    };

    const out = renderTimeline([action], context()).value;

    expect(out).toContain('<span class="badge tone-ok">success</span>');
    expect(out).toContain("approved by ada");
    expect(out).toContain("/subscriptions/0001/x");
  });

  test("verification shows whether the resource recovered", () => {
    const verification: ThreadMessage = { seq: 3, id: "verification", at: "2026-03-02T10:04:00Z", author: "agent", kind: "verification", text: "Not recovered.", data: { recovered: false } };

    expect(renderTimeline([verification], context()).value).toContain('<span class="badge tone-bad">not recovered</span>');
  });
});

describe("metric chart", () => {
  test("reads a flat series with a threshold", () => {
    const inputs = metricChartInputs({ series: sampleSeries(), threshold: 80 }, "m1");

    expect(inputs).toHaveLength(1);
    expect(inputs[0].series).toHaveLength(31);
    expect(inputs[0].threshold).toBe(80);
  });

  test("reads the metrics collector's series with dimensions", () => {
    const inputs = metricChartInputs(
      { metricName: "Http5xx", threshold: 5, series: [{ dimensions: { Instance: "rd01" }, points: sampleSeries() }, { dimensions: {}, points: [] }] },
      "m2",
    );

    expect(inputs).toHaveLength(1);
    expect(inputs[0].dimensions).toBe("Instance=rd01");
  });

  test.each([[undefined], [{}], [{ series: [] }], [{ series: [{ time: "nope", value: 1 }, { time: "2026-01-01T00:00:00Z", value: Number.NaN }] }]])(
    "draws nothing for %p",
    (findings) => {
      expect(metricChartInputs(findings, "m3")).toEqual([]);
    },
  );

  test("draws the threshold between the series' low and high", () => {
    const [input] = metricChartInputs({ series: sampleSeries(), threshold: 80 }, "m4");

    const out = renderMetricChart(input).value;
    const threshold = Number(/class="threshold"[^>]*y1="([\d.]+)"/.exec(out)?.[1]);
    const ys = /points="([^"]+)"/.exec(out)![1].split(" ").map((point) => Number(point.split(",")[1]));

    // SVG y grows downwards: the series' high values have the smaller y.
    expect(threshold).toBeGreaterThan(Math.min(...ys));
    expect(threshold).toBeLessThan(Math.max(...ys));
  });

  test("escapes the metric name", () => {
    const out = renderMetricChart({ id: "x", series: sampleSeries(), metricName: "<script>x</script>" }).value;

    expect(out).not.toContain("<script>");
  });

  test("draws one point as a dot", () => {
    const out = renderMetricChart({ id: "x", series: [{ time: "2026-01-01T00:00:00Z", value: 3 }] }).value;

    expect(out).toContain("<circle");
  });
});

describe("page layout", () => {
  test("carries the nonce on its style and script", () => {
    const page = renderPage({ title: "<T>", body: html`<p>x</p>`, script: "1;" }, "abc123");

    expect(page).toContain('<style nonce="abc123">');
    expect(page).toContain('<script nonce="abc123">1;</script>');
    expect(page).toContain("<title>&lt;T&gt; · SRE incident agent</title>");
  });

  test("policy allows no inline script without the nonce", () => {
    const policy = contentSecurityPolicy("n1");

    expect(policy).toContain("script-src 'nonce-n1'");
    expect(policy).not.toContain("unsafe-inline");
    expect(policy).toContain("default-src 'none'");
  });
});

describe("formatElapsed", () => {
  test.each([
    ["2026-01-01T00:00:00Z", "2026-01-01T00:00:45Z", "45 s"],
    ["2026-01-01T00:00:00Z", "2026-01-01T00:03:20Z", "3 min 20 s"],
    ["2026-01-01T00:00:00Z", "2026-01-01T02:05:00Z", "2 h 5 min"],
    ["2026-01-01T00:00:00Z", undefined, ""],
  ])("%s to %s is %p", (start, end, expected) => {
    expect(formatElapsed(start, end)).toBe(expected);
  });
});
