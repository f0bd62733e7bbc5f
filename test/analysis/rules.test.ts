import type { Handler } from "../../src/handlers/handler";
import type { Incident } from "../../src/intake/incident";
import type { Evidence } from "../../src/investigation/evidence";
import { assessmentProblems } from "../../src/analysis/assessmentSchema";
import { assessWithRules } from "../../src/analysis/rules";
import { ALERT_ID, handler, incident, SITE, VM } from "../investigation/support";
import { alertQuery, changes, errors, health, metric, notConfigured, probe } from "./fixtures";

interface Case {
  name: string;
  incident?: Partial<Incident>;
  handler?: Partial<Handler>;
  evidence: Evidence[];
  verdict: "actionable" | "false_positive" | "inconclusive";
  tools: string[];
  cause?: RegExp;
}

const CASES: Case[] = [
  { name: "no evidence", evidence: [], verdict: "inconclusive", tools: [] },
  { name: "only unconfigured collectors", evidence: [notConfigured("metrics-x", "metrics"), notConfigured("probe", "probe")], verdict: "inconclusive", tools: [] },
  { name: "alert already resolved", incident: { status: "resolved", resolvedAt: "2024-05-01T10:05:00Z" }, evidence: [], verdict: "false_positive", tools: ["azureMonitor.closeAlert"] },
  { name: "resolved with healthy probe", incident: { resolvedAt: "2024-05-01T10:05:00Z" }, evidence: [probe(true)], verdict: "false_positive", tools: ["azureMonitor.closeAlert"] },
  { name: "metric recovered and probe healthy", evidence: [metric("recovered"), probe(true)], verdict: "false_positive", tools: ["azureMonitor.closeAlert"], cause: /transient/i },
  { name: "metric recovered and resource available", evidence: [metric("recovered"), health("Available")], verdict: "false_positive", tools: ["azureMonitor.closeAlert"] },
  { name: "metric recovered without confirmation", evidence: [metric("recovered")], verdict: "inconclusive", tools: [] },
  { name: "log condition cleared and probe healthy", evidence: [alertQuery(false), probe(true)], verdict: "false_positive", tools: ["azureMonitor.closeAlert"] },
  { name: "failing probe", evidence: [probe(false)], verdict: "actionable", tools: ["appService.restart"], cause: /health probe fails/ },
  { name: "cpu still breaching", evidence: [metric("breaching", "CpuPercentage")], verdict: "actionable", tools: ["appService.scaleOut"], cause: /pressure/ },
  { name: "memory still breaching", evidence: [metric("breaching", "MemoryPercentage")], verdict: "actionable", tools: ["appService.scaleOut"] },
  { name: "5xx still breaching", evidence: [metric("breaching", "Http5xx")], verdict: "actionable", tools: ["appService.restart"] },
  { name: "resource unavailable", evidence: [health("Unavailable")], verdict: "actionable", tools: ["appService.restart"], cause: /Unavailable/ },
  { name: "resource degraded", evidence: [health("Degraded"), probe(true)], verdict: "actionable", tools: ["appService.restart"] },
  { name: "log condition still holds", evidence: [alertQuery(true)], verdict: "actionable", tools: ["appService.restart"] },
  { name: "error spike", evidence: [errors(40, 5), probe(true)], verdict: "actionable", tools: ["appService.restart"], cause: /error spike/ },
  { name: "few errors are no spike", evidence: [errors(2, 1), probe(true)], verdict: "inconclusive", tools: [] },
  { name: "flapping metric", evidence: [metric("flapping")], verdict: "inconclusive", tools: [] },
  {
    name: "deployment before the alert is the cause",
    evidence: [probe(false), changes([{ operation: "Microsoft.Resources/deployments/write", minutesBeforeFire: 12, isDeployment: true }, { operation: "Microsoft.Web/sites/config/write", minutesBeforeFire: 5 }])],
    verdict: "actionable",
    tools: ["appService.restart"],
    cause: /deployment .*deployments\/write/,
  },
  {
    name: "change after the alert is no cause",
    evidence: [probe(false), changes([{ operation: "Microsoft.Web/sites/restart/action", minutesBeforeFire: -3 }])],
    verdict: "actionable",
    tools: ["appService.restart"],
    cause: /health probe fails/,
  },
  { name: "resolved but still failing", incident: { resolvedAt: "2024-05-01T10:05:00Z" }, evidence: [probe(false)], verdict: "actionable", tools: ["appService.restart"] },
  { name: "virtual machine restart", incident: { targets: [VM] }, evidence: [health("Unavailable", VM)], verdict: "actionable", tools: ["vm.restart"] },
  {
    name: "PagerDuty false positive resolves",
    incident: { source: "pagerduty", sourceId: "Q1ABCDEFGHIJKL", targets: [] },
    evidence: [alertQuery(false), probe(true)],
    verdict: "false_positive",
    tools: ["pagerduty.resolve"],
  },
  { name: "handler runbook", handler: { runbooks: { "restart-workers": "https://example.webhook/abc" } }, evidence: [probe(false)], verdict: "actionable", tools: ["appService.restart", "runbook.invokeWebhook"] },
  { name: "tools the handler lacks are not proposed", handler: { tools: ["probe.http"] }, evidence: [probe(false)], verdict: "actionable", tools: [] },
  { name: "max instances bounds nothing below two", handler: { maxInstances: 1 }, evidence: [metric("breaching")], verdict: "actionable", tools: ["appService.restart"] },
];

describe("rule-based analyst", () => {
  test.each(CASES)("$name", (entry) => {
    const assessment = assessWithRules(incident(entry.incident), handler(entry.handler), entry.evidence);

    expect(assessment.verdict).toBe(entry.verdict);
    expect(assessment.recommendedActions.map((action) => action.tool)).toEqual(entry.tools);
    if (entry.cause) expect(assessment.likelyCause).toMatch(entry.cause);
    expect(assessmentProblems(assessment)).toEqual([]);
    expect(assessment.analyst).toBe("rules");
  });

  test("restart targets the incident's resource", () => {
    const assessment = assessWithRules(incident(), handler(), [probe(false)]);

    expect(assessment.recommendedActions[0].arguments).toEqual({ resourceId: SITE });
    expect(assessment.citedEvidence).toEqual(["probe"]);
  });

  test("scale out uses the handler's maximum", () => {
    const assessment = assessWithRules(incident(), handler({ maxInstances: 6 }), [metric("breaching")]);

    expect(assessment.recommendedActions[0].arguments).toEqual({ resourceId: SITE, instanceCount: 6 });
  });

  test("close names this alert", () => {
    const assessment = assessWithRules(incident(), handler(), [metric("recovered"), probe(true)]);

    expect(assessment.recommendedActions[0].arguments.alertId).toBe(ALERT_ID);
  });

  test("more problems raise confidence", () => {
    const one = assessWithRules(incident(), handler(), [probe(false)]);
    const three = assessWithRules(incident(), handler(), [probe(false), health("Unavailable"), metric("breaching", "Http5xx")]);

    expect(three.confidence).toBeGreaterThan(one.confidence);
  });

  test("partial evidence is mentioned", () => {
    const partial = { ...errors(1, 0), status: "partial" as const };

    const assessment = assessWithRules(incident(), handler(), [partial, probe(true)]);

    expect(assessment.summary).toContain("incomplete");
  });
});
