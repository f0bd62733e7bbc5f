import { assessRecovery } from "../../src/workflow/activities/verify";
import type { Evidence } from "../../src/investigation/evidence";

function evidence(collector: Evidence["collector"], status: Evidence["status"], findings?: Record<string, unknown>): Evidence {
  return { id: `verify-${collector}`, collector, status, summary: `${collector} ${status}`, attempted: {}, findings, startedAt: "", durationMs: 0 };
}

describe("assessRecovery", () => {
  test("healthy probe and recovered metric", () => {
    const result = assessRecovery([evidence("probe", "success", { healthy: true }), evidence("metrics", "success", { state: "recovered" })]);

    expect(result.recovered).toBe(true);
  });

  test("one unhealthy reading wins", () => {
    const result = assessRecovery([evidence("probe", "success", { healthy: true }), evidence("metrics", "success", { state: "breaching" })]);

    expect(result.recovered).toBe(false);
    expect(result.summary).toContain("Not recovered");
  });

  test("unreadable evidence proves nothing", () => {
    expect(assessRecovery([evidence("probe", "not_configured"), evidence("metrics", "success", { state: "unknown" })]).recovered).toBe(false);
    expect(assessRecovery([]).recovered).toBe(false);
  });

  test("flapping metric is not recovered", () => {
    expect(assessRecovery([evidence("metrics", "success", { state: "flapping" })]).recovered).toBe(false);
  });
});
