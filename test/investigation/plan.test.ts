import { MAX_TARGETS, planCollectors, runCollector } from "../../src/investigation/collect";
import { COMPONENT, handler, incident, SITE, SUBSCRIPTION, VM, silent, testServices, WORKSPACE_ID } from "./support";

describe("planCollectors", () => {
  test("metric alert on an app", () => {
    const plan = planCollectors(
      incident({ targets: [SITE], condition: { kind: "metric", metricName: "CpuPercentage", operator: "GreaterThan", threshold: 80 } }),
      handler(),
    );

    expect(plan.map((request) => request.collector).sort()).toEqual(["changes", "logs", "metrics", "probe", "resourceHealth"]);
    expect(plan.find((request) => request.collector === "logs")?.variant).toBe("errors");
    expect(new Set(plan.map((request) => request.evidenceId)).size).toBe(plan.length);
  });

  test("log alert re-runs its query", () => {
    const plan = planCollectors(incident({ targets: [VM], condition: { kind: "log", query: "Heartbeat", workspaceId: WORKSPACE_ID } }), handler());

    expect(plan.filter((request) => request.collector === "logs")).toEqual([{ collector: "logs", variant: "alert-query", evidenceId: "logs-alert", target: VM }]);
    expect(plan.some((request) => request.collector === "metrics")).toBe(false);
  });

  test("component gets error queries", () => {
    const plan = planCollectors(incident({ targets: [COMPONENT] }), handler());

    expect(plan.some((request) => request.collector === "logs" && request.target === COMPONENT)).toBe(true);
  });

  test("disallowed read tools are not planned", () => {
    const plan = planCollectors(
      incident({ condition: { kind: "metric", metricName: "CpuPercentage" } }),
      handler({ tools: ["probe.http", "metrics.read"] }),
    );

    expect(plan.map((request) => request.collector).sort()).toEqual(["metrics", "probe"]);
  });

  test("analysis-only handler plans nothing", () => {
    expect(planCollectors(incident(), handler({ tools: [] }))).toEqual([]);
  });

  test("targets are capped", () => {
    const targets = Array.from({ length: 12 }, (_, index) => `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm${index}`);

    const plan = planCollectors(incident({ targets }), handler({ tools: ["resourceHealth.read"] }));

    expect(plan).toHaveLength(MAX_TARGETS);
  });

  test("each criterion of a multi-criteria alert", () => {
    const plan = planCollectors(
      incident({
        condition: {
          kind: "metric",
          metricName: "CpuPercentage",
          criteria: [
            { metricName: "CpuPercentage", operator: "GreaterThan", threshold: 80 },
            { metricName: "MemoryPercentage", operator: "GreaterThan", threshold: 90 },
          ],
        },
      }),
      handler({ tools: ["metrics.read"] }),
    );

    expect(plan.map((request) => request.criterion)).toEqual([0, 1]);
    expect(new Set(plan.map((request) => request.evidenceId)).size).toBe(2);
  });

  test("related resources are investigated, not metered", () => {
    const plan = planCollectors(
      incident({ targets: [VM], relatedResources: [SITE], condition: { kind: "metric", metricName: "Percentage CPU" } }),
      handler({ tools: ["metrics.read", "resourceHealth.read", "logs.query"] }),
    );

    expect(plan.filter((request) => request.collector === "metrics").map((request) => request.target)).toEqual([VM]);
    expect(plan.filter((request) => request.collector === "resourceHealth").map((request) => request.target)).toEqual([VM, SITE]);
    expect(plan.some((request) => request.collector === "logs" && request.target === SITE)).toBe(true);
  });

  test("incident without targets gets the probe only", () => {
    const plan = planCollectors(incident({ source: "pagerduty", targets: [] }), handler());

    expect(plan.map((request) => request.collector)).toEqual(["probe"]);
  });
});

describe("runCollector", () => {
  test("evidence names its collector and timing", async () => {
    const evidence = await runCollector(testServices({}), incident(), handler(), { collector: "probe", evidenceId: "probe" }, silent);

    expect(evidence).toMatchObject({ id: "probe", collector: "probe", status: "not_configured" });
    expect(Date.parse(evidence.startedAt)).not.toBeNaN();
    expect(evidence.durationMs).toBeGreaterThanOrEqual(0);
  });
});
