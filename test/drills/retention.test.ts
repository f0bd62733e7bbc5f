import { randomUUID } from "node:crypto";
import { applyRetention, retentionParticipants } from "../../src/app/retention";
import { silentLogger } from "../../src/app/logger";
import { intakeStores } from "../../src/intake/stores";
import { safeKey } from "../../src/storage/keys";
import { startFake, type RunningFake } from "../fakes/https";
import { startTestApp, type TestApp } from "../support/app";
import { azureKey, metricAlert } from "./support/alerts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention on a running app, with the participants the timer-triggered cleanup uses. Incidents
 * created before the cutoff lose their record, thread, orchestration history and stored payloads.
 * Incidents created after it keep everything, and so does an old incident whose orchestration
 * still runs. The cutoff lies between two batches of real alerts: `now` is the boundary plus
 * RETENTION_DAYS.
 */
describe("retention cleanup", () => {
  let app: TestApp;
  let probe: RunningFake;
  let probeHangs = true;
  const hanging: Array<() => void> = [];

  beforeAll(async () => {
    // Sends no response until the test ends, so the incident that probes it keeps running.
    probe = await startFake((_request, response) => {
      if (probeHangs) return void hanging.push(() => response.destroy());
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
    }, { tls: false });
    app = await startTestApp({ env: { RETENTION_DAYS: "30", COLLECTOR_TIMEOUT_SECONDS: "120" } });
  });

  afterAll(async () => {
    probeHangs = false;
    hanging.forEach((release) => release());
    await app?.stop();
    await probe?.close();
  });

  async function fire(alert: unknown): Promise<string> {
    const answer = await app.post("/api/alerts/azure-monitor", alert);
    expect(answer).toMatchObject({ status: 202, json: { outcome: "created" } });
    return answer.json.incidentKey as string;
  }

  async function finished(keys: string[]): Promise<void> {
    for (const key of keys) expect((await app.runtime.whenFinished(safeKey(key), 45_000)).runtimeStatus).toBe("Completed");
  }

  async function reject(marker: string): Promise<void> {
    const answer = await app.post("/api/alerts/azure-monitor", `{"schemaId": "${marker}", truncated`);
    expect(answer.status).toBe(400);
  }

  async function rejectedMarkers(): Promise<string[]> {
    const records = await intakeStores(app.services).rejected.list({ limit: 500 });
    return records.map((record) => /"schemaId": "([^"]+)"/.exec(record.body ?? "")?.[1]).filter((marker): marker is string => marker !== undefined);
  }

  test("removes what is older than the cutoff and keeps the rest", async () => {
    const old = [await fire(metricAlert(randomUUID())), await fire(metricAlert(randomUUID())), await fire(metricAlert(randomUUID()))];
    const runningGuid = randomUUID();
    const runningAlert = metricAlert(runningGuid);
    runningAlert.data.customProperties = { healthProbeUrl: `${probe.url}/health` };
    const running = await fire(runningAlert);
    await reject("old-rejected");
    await finished(old);
    const probed = Date.now() + 30_000;
    while (probe.requests.length === 0 && Date.now() < probed) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(probe.requests.length).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, 50));
    const boundary = new Date();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const recent = [await fire(metricAlert(randomUUID())), await fire(metricAlert(randomUUID()))];
    await reject("new-rejected");
    await finished(recent);

    const now = new Date(boundary.getTime() + 30 * DAY_MS);
    const report = await applyRetention(app.services, app.runtime, retentionParticipants(app.services), silentLogger, now);

    expect(report.cutoff).toBe(boundary.toISOString());
    expect(report.incidents).toBe(old.length);
    expect(report.histories).toBe(old.length);
    const payloads = intakeStores(app.services).payloads;
    for (const key of old) {
      expect(await app.services.incidents.get(key)).toBeUndefined();
      expect(await app.services.threads.list(key)).toEqual([]);
      expect(await app.runtime.status(safeKey(key))).toBeUndefined();
      expect(await payloads.listIds(key)).toEqual([]);
    }
    for (const key of recent) {
      expect(await app.services.incidents.get(key)).toBeDefined();
      expect((await app.services.threads.list(key)).some((message) => message.kind === "analysis")).toBe(true);
      expect((await app.runtime.status(safeKey(key)))?.runtimeStatus).toBe("Completed");
      expect((await payloads.listIds(key)).map((payload) => payload.id)).toEqual(["fired"]);
    }

    expect(running).toBe(azureKey(runningGuid));
    expect(await app.services.incidents.get(running)).toBeDefined();
    expect((await app.services.threads.list(running)).length).toBeGreaterThan(0);
    expect((await app.runtime.status(safeKey(running)))?.runtimeStatus).toBe("Running");

    const markers = await rejectedMarkers();
    expect(markers).toContain("new-rejected");
    expect(markers).not.toContain("old-rejected");
  }, 120_000);

  test("cutoff before every incident removes none", async () => {
    const key = await fire(metricAlert(randomUUID()));
    await finished([key]);

    const report = await applyRetention(app.services, app.runtime, retentionParticipants(app.services), silentLogger, new Date());

    expect(report.incidents).toBe(0);
    expect(await app.services.incidents.get(key)).toBeDefined();
  }, 60_000);
});
