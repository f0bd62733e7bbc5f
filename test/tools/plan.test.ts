import { closingActions, hashArguments, planActions } from "../../src/tools/plan";
import type { Assessment, RecommendedAction } from "../../src/analysis/assessment";
import type { Evidence } from "../../src/investigation/evidence";
import { azureIncident, handler as makeHandler, pagerDutyIncident, SITE_ID, SUBSCRIPTION } from "../approvals/support";

function assessment(verdict: Assessment["verdict"], recommendedActions: RecommendedAction[]): Assessment {
  return { verdict, confidence: 0.8, summary: "The app answers 503.", likelyCause: "A stuck worker.", citedEvidence: [], recommendedActions, analyst: "rules" };
}

const OTHER_SITE = `${SUBSCRIPTION}/resourceGroups/rg-other/providers/Microsoft.Web/sites/billing`;

describe("planActions", () => {
  test("keeps allowed in-scope remediations", () => {
    const plan = planActions(azureIncident(), makeHandler(), assessment("actionable", [{ tool: "appService.restart", arguments: { resourceId: SITE_ID }, rationale: "503s" }]), []);

    expect(plan.remediations.map((action) => action.tool)).toEqual(["appService.restart"]);
    expect(plan.remediations[0].kind).toBe("write");
    expect(plan.remediations[0].id).toMatch(/^act-appservice-restart-[0-9a-f]{12}$/);
    expect(plan.dropped).toEqual([]);
  });

  test("drops tools the handler does not allow", () => {
    const plan = planActions(azureIncident(), makeHandler({ tools: ["appService.scaleOut"] }), assessment("actionable", [{ tool: "appService.restart", arguments: { resourceId: SITE_ID }, rationale: "x" }]), []);

    expect(plan.remediations).toEqual([]);
    expect(plan.dropped[0].reason).toContain("does not allow appService.restart");
  });

  test("autonomous scope is the targets only", () => {
    const evidence = [{ id: "logs", collector: "logs", status: "success", summary: "", attempted: {}, discoveredResources: [OTHER_SITE.toLowerCase()], startedAt: "", durationMs: 0 }] as Evidence[];
    const restartOther = assessment("actionable", [{ tool: "appService.restart", arguments: { resourceId: OTHER_SITE }, rationale: "x" }]);

    const autonomous = planActions(azureIncident(), makeHandler({ autonomy: "autonomous" }), restartOther, evidence);
    const reader = planActions(azureIncident(), makeHandler({ autonomy: "reader" }), restartOther, evidence);

    expect(autonomous.remediations).toEqual([]);
    expect(autonomous.dropped[0].reason).toContain("not among the incident's targets");
    expect(reader.remediations).toHaveLength(1);
  });

  test("drops another incident's id", () => {
    const plan = planActions(pagerDutyIncident("PMINE"), makeHandler(), assessment("false_positive", [{ tool: "pagerduty.resolve", arguments: { incidentId: "PTHEIRS" }, rationale: "x" }]), []);

    expect(plan.dropped[0].reason).toContain("PTHEIRS is not this incident's");
    expect(plan.closing.map((action) => action.arguments.incidentId)).toEqual(["PMINE"]);
  });

  test("resolve waits for verification when actionable", () => {
    const plan = planActions(pagerDutyIncident("PMINE"), makeHandler(), assessment("actionable", [{ tool: "pagerduty.resolve", arguments: { incidentId: "PMINE" }, rationale: "x" }]), []);

    expect(plan.closing).toEqual([]);
    expect(plan.dropped[0].reason).toContain("waits for a verified fix");
  });

  test("inconclusive runs no remediation", () => {
    const plan = planActions(azureIncident(), makeHandler(), assessment("inconclusive", [{ tool: "appService.restart", arguments: { resourceId: SITE_ID }, rationale: "x" }]), []);

    expect(plan.remediations).toEqual([]);
    expect(plan.dropped).toHaveLength(1);
  });

  test("duplicates collapse", () => {
    const restart = { tool: "appService.restart", arguments: { resourceId: SITE_ID }, rationale: "x" };

    const plan = planActions(azureIncident(), makeHandler(), assessment("actionable", [restart, { ...restart, rationale: "again" }]), []);

    expect(plan.remediations).toHaveLength(1);
  });

  test("argument hash ignores key order", () => {
    expect(hashArguments("t", { a: 1, b: { c: 2, d: 3 } })).toBe(hashArguments("t", { b: { d: 3, c: 2 }, a: 1 }));
    expect(hashArguments("t", { a: 1 })).not.toBe(hashArguments("u", { a: 1 }));
  });
});

describe("closingActions", () => {
  test("follow the source and the handler", () => {
    const pagerDuty = closingActions(pagerDutyIncident("PMINE"), makeHandler(), "close", "Recovered.");
    const azure = closingActions(azureIncident(), makeHandler(), "close", "Recovered.");
    const none = closingActions(azureIncident(), makeHandler({ tools: ["appService.restart"] }), "close", "Recovered.");

    expect(pagerDuty.map((action) => [action.tool, action.arguments])).toEqual([["pagerduty.resolve", { incidentId: "PMINE", resolution: "Recovered." }]]);
    expect(azure.map((action) => action.tool)).toEqual(["azureMonitor.closeAlert"]);
    expect(none).toEqual([]);
  });
});
