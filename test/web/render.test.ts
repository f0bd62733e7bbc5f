import type { ThreadMessage } from "../../src/storage/threads";
import { renderRows } from "../../src/web/incidentList";
import { renderTimeline } from "../../src/web/timeline";
import { metricChartInputs, renderMetricChart } from "../../src/web/chart";
import { formatElapsed } from "../../src/web/format";
import { renderPage, contentSecurityPolicy } from "../../src/web/layout";
import { html } from "../../src/web/escape";
import { sampleIncident, sampleSeries, sampleThread, XSS_DESCRIPTION, XSS_TITLE } from "./fixtures";

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
    const out = renderTimeline(asMessages(), { approvals: new Map() }).value;

    expect(out).toMatch(/<details class="evidence" id="evidence-logs-1">/);
    expect(out).not.toMatch(/<details class="evidence"[^>]* open/);
    expect(out).toContain("AppRequests | where Success == false");
  });

  test("draws the metric chart with its threshold", () => {
    const out = renderTimeline(asMessages(), { approvals: new Map(), firedAt: "2026-03-02T10:00:00.000Z" }).value;

    expect(out).toContain('<svg class="chart"');
    expect(out).toContain('class="threshold"');
    expect(out).toContain('class="fired"');
  });

  test("escapes log rows and links cited evidence", () => {
    const out = renderTimeline(asMessages(), { approvals: new Map() }).value;

    expect(out).toContain("&lt;b&gt;503&lt;/b&gt;");
    expect(out).toContain('href="#evidence-metrics-1"');
  });

  test("escapes message text and data", () => {
    const message: ThreadMessage = { seq: 1, id: "n", at: "2026-03-02T10:00:00Z", author: "agent", kind: "notice", text: XSS_DESCRIPTION, data: { note: XSS_TITLE } };

    const out = renderTimeline([message], { approvals: new Map() }).value;

    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<svg onload");
    expect(out).not.toContain("<img");
  });

  test("shows approval buttons only while pending", () => {
    const request: ThreadMessage = {
      seq: 1,
      id: "approval-requested-a1",
      at: "2026-03-02T10:00:00Z",
      author: "agent",
      kind: "approval-requested",
      text: "Approve a restart of checkout?",
      data: { approvalId: "a1", url: "http://127.0.0.1:7071/api/approvals/tok", tool: "appService.restart", arguments: {}, state: "pending" },
    };

    const pending = renderTimeline([request], { approvals: new Map() }).value;
    const decided = renderTimeline([{ ...request, data: { ...(request.data as object), state: "approved" } }], { approvals: new Map() }).value;

    expect(pending).toContain("/api/approvals/tok");
    expect(pending).toContain('aria-label="Approve appService.restart');
    expect(decided).not.toContain("/api/approvals/tok");
  });

  test("drops an approval link that is not http", () => {
    const request: ThreadMessage = {
      seq: 1,
      id: "r",
      at: "2026-03-02T10:00:00Z",
      author: "agent",
      kind: "approval-requested",
      text: "x",
      data: { approvalId: "a1", url: "javascript:alert(1)", state: "pending" },
    };

    expect(renderTimeline([request], { approvals: new Map() }).value).not.toContain("javascript:");
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
