import { incidentKeyFor } from "../../src/intake/incident";
import { safeKey } from "../../src/storage/keys";
import { INCIDENT_ORCHESTRATOR } from "../../src/workflow/names";
import { expected, sendCorpusFile, setUpIntake, type IntakeSetup } from "./helpers";

/**
 * Every corpus file through the HTTP handlers, in expected.json order against one store: the order
 * puts each Fired before its Resolved and each PagerDuty `triggered` before the events that need it.
 */
describe("alert corpus", () => {
  let setup: IntakeSetup;
  let rejectedSoFar = 0;

  beforeAll(() => {
    setup = setUpIntake({}, "corpus");
  });

  test("expected.json lists every corpus payload", () => {
    expect(expected.files.length).toBe(42);
  });

  for (const entry of expected.files) {
    test(`${entry.file} → ${entry.expect_status} ${entry.outcome}`, async () => {
      const answer = await sendCorpusFile(entry.file);

      expect(answer.status).toBe(entry.expect_status);
      if (entry.outcome === "rejected") {
        expect(answer.body.error?.message).toEqual(expect.any(String));
        const rejected = await setup.stores.rejected.list({ limit: 500 });
        rejectedSoFar++;
        expect(rejected).toHaveLength(rejectedSoFar);
        // Newest first: this request's record is at the top, with the reason the sender got.
        expect(rejected[0].reason).toBe(answer.body.error!.message);
        expect(rejected[0].status).toBe(entry.expect_status);
        expect(rejected[0].route).toBe(entry.request.replace("POST /api/", ""));
      } else {
        expect(answer.body.outcome).toBe(entry.outcome);
      }

      if (entry.incident_key_source) {
        const source = entry.request.endsWith("/pagerduty") ? "pagerduty" : "azure-monitor";
        expect(answer.body.incidentKey).toBe(incidentKeyFor(source, entry.incident_key_source));
      }
      if (entry.outcome === "created") {
        const key = answer.body.incidentKey!;
        expect(setup.port.started).toContain(safeKey(key));
        expect(setup.port.instances.get(safeKey(key))?.name).toBe(INCIDENT_ORCHESTRATOR);
        expect(setup.port.instances.get(safeKey(key))?.input).toEqual({ incidentKey: key, verifyDelayMinutes: 5 });
      }
    });
  }

  test("each created incident started exactly one orchestration", () => {
    const created = expected.files.filter((entry) => entry.outcome === "created").length;
    expect(setup.port.started).toHaveLength(created);
    expect(new Set(setup.port.started).size).toBe(created);
  });

  test("nothing answered 5xx and every 4xx is kept", async () => {
    const rejected = await setup.stores.rejected.list({ limit: 500 });
    expect(rejected).toHaveLength(expected.files.filter((entry) => entry.outcome === "rejected").length);
    expect(rejected.every((record) => record.status < 500)).toBe(true);
  });
});
