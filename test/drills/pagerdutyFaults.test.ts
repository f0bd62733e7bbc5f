import type { RecordedRequest } from "../fakes/https";
import { startFakePagerDuty, type FakePagerDuty } from "../fakes/pagerduty";
import { startTestApp, type TestApp } from "../support/app";
import { safeKey } from "../../src/storage/keys";
import { pagerDutyIncidentId, triggeredWebhook } from "./support/alerts";
import { startFaultyProxy, type Fault, type FaultyProxy } from "./support/faultyProxy";

const SECRET = "pagerduty-faults-drill-secret";

const rateLimited = (resetSeconds: number): Fault => ({
  status: 429,
  headers: { "ratelimit-reset": String(resetSeconds) },
  body: { error: { message: "Rate Limit Exceeded", code: 2020 } },
});
const serverError = (status = 500): Fault => ({ status, body: { error: { message: "Internal Server Error", code: 2000 } } });

/**
 * PagerDuty's REST API behind a proxy that responds to each of the agent's requests first with a 429
 * carrying `ratelimit-reset`, then with 5xx, before letting it through. The agent's acknowledgement
 * and notes must still arrive exactly once each, in order, within the client's attempts.
 */
describe("PagerDuty rate limits and server errors", () => {
  let pagerDuty: FakePagerDuty;
  let proxy: FaultyProxy;
  let app: TestApp;
  /** Faults per request of the current test; requests for other incidents pass. */
  let faults: (request: RecordedRequest) => Fault[] = () => [];

  beforeAll(async () => {
    pagerDuty = await startFakePagerDuty();
    proxy = await startFaultyProxy(pagerDuty.url, (request) => faults(request));
    app = await startTestApp({
      env: {
        PAGERDUTY_API_KEY: pagerDuty.apiKey,
        PAGERDUTY_FROM_EMAIL: pagerDuty.fromEmail,
        PAGERDUTY_API_URL: proxy.url,
        PAGERDUTY_WEBHOOK_SECRET: SECRET,
        PAGERDUTY_AGENT_USER_ID: "PAGENT1",
      },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await proxy?.close();
    await pagerDuty?.close();
  });

  /** Sends `incident.triggered` for a new incident and waits until its orchestration has nothing left to do. */
  async function trigger(incidentId: string) {
    pagerDuty.addIncident({ id: incidentId, title: `Drill ${incidentId}` });
    const webhook = triggeredWebhook(incidentId, SECRET);
    const answer = await app.post("/api/alerts/pagerduty", webhook.body, webhook.headers);
    expect(answer).toMatchObject({ status: 202, json: { outcome: "created" } });

    const key = `pagerduty-${incidentId}`.toLowerCase();
    await app.waitForThread(key, (messages) => messages.some((message) => message.kind === "analysis"), 60_000);
    await app.runtime.whenIdle(safeKey(key));
    return { key, thread: await app.services.threads.list(key) };
  }

  const writesFor = (incidentId: string) => pagerDuty.writes().filter((request) => request.path.startsWith(`/incidents/${incidentId}`));
  const exchangesFor = (incidentId: string) => proxy.exchanges.filter((exchange) => exchange.request.path.startsWith(`/incidents/${incidentId}`));

  test("acknowledge and notes arrive once, in order", async () => {
    const incidentId = pagerDutyIncidentId("QRL");
    faults = (request) => {
      if (!request.path.startsWith(`/incidents/${incidentId}`)) return [];
      if (request.method === "GET") return [rateLimited(1)];
      return [rateLimited(1), serverError(500), serverError(503)];
    };

    const { thread } = await trigger(incidentId);

    const incident = pagerDuty.incidents.get(incidentId)!;
    expect(incident.changes).toEqual(["acknowledged"]);
    const markers = incident.notes.map((note) => /^\[sre-agent [^\]]+\]/.exec(note.content)?.[0]);
    expect(markers.length).toBeGreaterThan(0);
    expect(new Set(markers).size).toBe(markers.length);

    const writes = writesFor(incidentId);
    expect(writes[0]).toMatchObject({ method: "PUT" });
    expect(JSON.parse(writes[0].body)).toMatchObject({ incident: { status: "acknowledged" } });
    expect(writes.slice(1).every((request) => request.method === "POST" && request.path.endsWith("/notes"))).toBe(true);
    expect(incident.notes[0].content).toContain("is investigating");

    for (const write of writes) {
      const attempts = exchangesFor(incidentId).filter((exchange) => exchange.request.method === write.method && exchange.request.body === write.body);
      expect(attempts.map((attempt) => attempt.status)).toEqual([429, 500, 503, 200]);
      // The retry after a 429 waits for ratelimit-reset (1 s) at least.
      expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
    }

    const failed = thread.filter((message) => message.kind === "notice" && /did not succeed|not posted/.test(message.text));
    expect(failed).toEqual([]);
  }, 90_000);

  test("many incidents under rate limiting each get one acknowledge", async () => {
    const incidentIds = [pagerDutyIncidentId("QRM"), pagerDutyIncidentId("QRM"), pagerDutyIncidentId("QRM"), pagerDutyIncidentId("QRM")];
    faults = (request) => (request.method === "PUT" && incidentIds.some((id) => request.path === `/incidents/${id}`) ? [rateLimited(1), serverError(502)] : []);

    await Promise.all(incidentIds.map((incidentId) => trigger(incidentId)));

    for (const incidentId of incidentIds) {
      const incident = pagerDuty.incidents.get(incidentId)!;
      expect({ incidentId, changes: incident.changes }).toEqual({ incidentId, changes: ["acknowledged"] });
      const contents = incident.notes.map((note) => note.content);
      expect(new Set(contents).size).toBe(contents.length);
    }
  }, 90_000);

  // TODO: the client retries a 5xx on POST /notes without checking whether PagerDuty applied the
  // first attempt, so a response lost after PagerDuty stored the note posts it twice. Marked as
  // failing until addNote looks for its marker again before each retry; then make it a plain test.
  test("note whose response was lost is not posted twice", async () => {
    const incidentId = pagerDutyIncidentId("QLOST");
    faults = (request) =>
      request.method === "POST" && request.path === `/incidents/${incidentId}/notes` ? [{ ...serverError(502), afterForward: true }] : [];

    await trigger(incidentId);

    const contents = pagerDuty.incidents.get(incidentId)!.notes.map((note) => note.content);
    expect(contents.length).toBeGreaterThan(0);
    expect(new Set(contents).size).toBe(contents.length);
  }, 90_000);
});
