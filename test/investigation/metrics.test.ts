import { setAzureTlsOptions } from "../../src/investigation/azure";
import { runCollector } from "../../src/investigation/collect";
import type { MetricFindings } from "../../src/investigation/evidence";
import { breaches, metricState } from "../../src/investigation/metricState";
import { startArmFake, type ArmFake } from "../fakes/arm";
import { loopbackCertificate } from "../fakes/https";
import { fakeCredential, handler, incident, SITE, silent, testServices } from "./support";

function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

function points(values: number[]): Array<{ time: string; value: number }> {
  return values.map((value, index) => ({ time: minutesAgo(values.length - index), value }));
}

describe("metrics collector", () => {
  let arm: ArmFake;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    arm = await startArmFake();
  });
  afterAll(async () => {
    setAzureTlsOptions(undefined);
    await arm.close();
  });

  const cpuAlert = incident({
    firedAt: minutesAgo(6),
    condition: { kind: "metric", metricName: "CpuPercentage", operator: "GreaterThan", threshold: 80, timeAggregation: "Average", windowSize: "PT5M" },
  });
  const request = { collector: "metrics" as const, target: SITE, evidenceId: "metrics-site" };

  function services() {
    return testServices({ AZURE_ARM_ENDPOINT: arm.url }, fakeCredential());
  }

  test("still breaching after fire", async () => {
    arm.setMetric(SITE, { name: "CpuPercentage", series: [{ points: points([85, 90, 92, 95, 91, 93]) }] });

    const evidence = await runCollector(services(), cpuAlert, handler(), request, silent);

    expect(evidence.status).toBe("success");
    expect((evidence.findings as unknown as MetricFindings).state).toBe("breaching");
    expect(evidence.attempted.metric).toBe("CpuPercentage");
    expect(evidence.attempted.window).toMatch(/Z\/.*Z$/);
    const sent = arm.requests.at(-1)!;
    expect(sent.path.toLowerCase()).toBe(`${SITE}/providers/microsoft.insights/metrics`);
    expect(sent.query.get("api-version")).toBe("2024-02-01");
    expect(sent.query.get("metricnames")).toBe("CpuPercentage");
    expect(sent.query.get("aggregation")).toBe("Average");
    expect(sent.headers.authorization).toBe("Bearer test-token");
  });

  test("recovered when last points inside", async () => {
    arm.setMetric(SITE, { name: "CpuPercentage", series: [{ points: points([95, 91, 60, 40, 35, 30]) }] });

    const evidence = await runCollector(services(), cpuAlert, handler(), request, silent);

    expect((evidence.findings as unknown as MetricFindings).state).toBe("recovered");
  });

  test("flapping when last points mixed", async () => {
    arm.setMetric(SITE, { name: "CpuPercentage", series: [{ points: points([95, 40, 91, 30, 85, 20]) }] });

    const evidence = await runCollector(services(), cpuAlert, handler(), request, silent);

    expect((evidence.findings as unknown as MetricFindings).state).toBe("flapping");
  });

  test("dimension filter and worst series", async () => {
    arm.setMetric(SITE, {
      name: "Http5xx",
      unit: "Count",
      series: [
        { dimensions: { Instance: "rd01" }, points: points([0, 0, 0]) },
        { dimensions: { Instance: "rd02" }, points: points([12, 15, 20]) },
      ],
    });
    const alert = incident({
      firedAt: minutesAgo(4),
      condition: { kind: "metric", metricName: "Http5xx", operator: "GreaterThanOrEqual", threshold: 10, timeAggregation: "Total", dimensions: [{ name: "Instance", value: "*" }] },
    });

    const evidence = await runCollector(services(), alert, handler(), request, silent);

    const findings = evidence.findings as unknown as MetricFindings;
    expect(findings.state).toBe("breaching");
    expect(findings.series.map((series) => series.dimensions.Instance)).toEqual(["rd01", "rd02"]);
    expect(arm.requests.at(-1)!.query.get("$filter")).toBe("Instance eq '*'");
    expect(arm.requests.at(-1)!.query.get("aggregation")).toBe("Total");
  });

  test("one criterion of a multi-criteria alert", async () => {
    arm.setMetric(SITE, { name: "MemoryPercentage", series: [{ points: points([95, 96, 97]) }] });
    const alert = incident({
      firedAt: minutesAgo(4),
      condition: {
        kind: "metric",
        metricName: "CpuPercentage",
        operator: "GreaterThan",
        threshold: 80,
        criteria: [
          { metricName: "CpuPercentage", operator: "GreaterThan", threshold: 80 },
          { metricName: "MemoryPercentage", operator: "GreaterThan", threshold: 90, timeAggregation: "Maximum" },
        ],
      },
    });

    const evidence = await runCollector(services(), alert, handler(), { ...request, criterion: 1 }, silent);

    expect((evidence.findings as unknown as MetricFindings).metricName).toBe("MemoryPercentage");
    expect((evidence.findings as unknown as MetricFindings).state).toBe("breaching");
    expect(arm.requests.at(-1)!.query.get("aggregation")).toBe("Maximum");
  });

  test("unknown metric is an error with the service's message", async () => {
    const alert = incident({ condition: { kind: "metric", metricName: "NoSuchMetric", operator: "GreaterThan", threshold: 1 } });

    const evidence = await runCollector(services(), alert, handler(), request, silent);

    expect(evidence.status).toBe("error");
    expect(evidence.response?.status).toBe(400);
    expect(evidence.summary).toContain("Failed to find metric configuration");
  });

  test("empty series is no_data", async () => {
    arm.setMetric(SITE, { name: "MemoryPercentage", series: [{ points: [{ time: minutesAgo(1), value: null as unknown as number }] }] });
    const alert = incident({ condition: { kind: "metric", metricName: "MemoryPercentage", operator: "GreaterThan", threshold: 90 } });

    const evidence = await runCollector(services(), alert, handler(), request, silent);

    expect(evidence.status).toBe("no_data");
  });

  test("no credential is not_configured without a request", async () => {
    const before = arm.requests.length;

    const evidence = await runCollector(testServices({ AZURE_ARM_ENDPOINT: arm.url }), cpuAlert, handler(), request, silent);

    expect(evidence.status).toBe("not_configured");
    expect(arm.requests.length).toBe(before);
  });

  test("slow service is a timeout", async () => {
    arm.setDelay(3000);
    try {
      const slow = testServices({ AZURE_ARM_ENDPOINT: arm.url, COLLECTOR_TIMEOUT_SECONDS: "0.5" }, fakeCredential());

      const evidence = await runCollector(slow, cpuAlert, handler(), request, silent);

      expect(evidence.status).toBe("timeout");
      expect(evidence.attempted.metric).toBe("CpuPercentage");
    } finally {
      arm.setDelay(0);
    }
  });
});

describe("metric state", () => {
  test.each([
    ["GreaterThan", 81, 80, true],
    ["GreaterThan", 80, 80, false],
    ["GreaterThanOrEqual", 80, 80, true],
    ["LessThan", 5, 10, true],
    ["LessThanOrEqual", 10, 10, true],
    ["Equals", 3, 3, true],
    ["NotEquals", 3, 3, false],
  ])("%s %d vs %d", (operator, value, threshold, expected) => {
    expect(breaches(value, operator, threshold)).toBe(expected);
  });

  test("dynamic operator is unknown", () => {
    expect(metricState([1, 2, 3], "GreaterOrLessThan", 2)).toBe("unknown");
  });
});
