import { startTestApp, type TestApp } from "../support/app";
import { AGENT_USER_ID, PRIMARY_SECRET, corpusBytes, expected } from "../intake/helpers";

/**
 * Sends every corpus file, in the order of expected.json, over real HTTP to the local host with the
 * local durable runtime behind it, and checks the status and outcome each file expects.
 */
describe("corpus through the local host", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { PAGERDUTY_WEBHOOK_SECRET: PRIMARY_SECRET, PAGERDUTY_AGENT_USER_ID: AGENT_USER_ID } });
  });

  afterAll(async () => {
    await app.stop();
  });

  test.each(expected.files.map((entry) => [entry.file, entry] as const))("%s", async (_file, entry) => {
    const path = entry.request.replace(/^POST /, "");

    const answer = await app.post(path, corpusBytes(entry.file), entry.headers);

    expect(answer.status).toBe(entry.expect_status);
    if (entry.outcome === "rejected") {
      expect(typeof answer.json.error?.message).toBe("string");
    } else {
      expect(answer.json.outcome).toBe(entry.outcome);
    }
    if (entry.incident_key_source && entry.outcome !== "rejected") {
      expect(answer.json.incidentKey).toContain(entry.incident_key_source.toLowerCase());
    }
  });

  test("every rejected file is kept for inspection", async () => {
    const rejectedFiles = expected.files.filter((entry) => entry.outcome === "rejected");

    const listed = await app.get("/api/rejected?limit=500");

    expect(listed.status).toBe(200);
    const records = (listed.json.rejected ?? listed.json.items ?? listed.json) as unknown[];
    expect(Array.isArray(records)).toBe(true);
    expect(records.length).toBeGreaterThanOrEqual(rejectedFiles.length);
  });

  test("created incidents reach an analysis on the real runtime", async () => {
    const created = await app.get("/api/incidents?limit=1000");
    const keys = (created.json.incidents as Array<{ incidentKey: string; status: string }>)
      .filter((incident) => incident.incidentKey.startsWith("azure-monitor-") && incident.status !== "resolved")
      .map((incident) => incident.incidentKey);
    expect(keys.length).toBeGreaterThan(5);

    for (const key of keys) {
      await app.waitForThread(key, (messages) => messages.some((message) => message.kind === "analysis"), 30_000);
    }
  });
});
