import { PagerDutyClient, PagerDutyError, noteMarker } from "../../src/platforms/pagerduty";
import { startFakePagerDuty, type FakePagerDuty } from "../fakes/pagerduty";

describe("PagerDutyClient", () => {
  let fake: FakePagerDuty;
  let waits: number[];
  let client: PagerDutyClient;

  beforeEach(async () => {
    fake = await startFakePagerDuty();
    waits = [];
    client = new PagerDutyClient({
      apiUrl: fake.url,
      apiKey: fake.apiKey,
      fromEmail: fake.fromEmail,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  });

  afterEach(() => fake.close());

  test("sends the REST v2 headers", async () => {
    fake.addIncident({ id: "PINC1" });

    await client.acknowledge("PINC1");

    const put = fake.writes()[0];
    expect(put.method).toBe("PUT");
    expect(put.headers.authorization).toBe(`Token token=${fake.apiKey}`);
    expect(put.headers.accept).toBe("application/vnd.pagerduty+json;version=2");
    expect(put.headers.from).toBe(fake.fromEmail);
    expect(put.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(put.body)).toEqual({ incident: { type: "incident_reference", status: "acknowledged" } });
  });

  test("429 waits for ratelimit-reset, then 5xx backs off", async () => {
    const incident = fake.addIncident({ id: "PINC2" });
    fake.script(
      { status: 429, headers: { "ratelimit-reset": "7" }, body: { error: { message: "Rate Limit Exceeded", code: 2020 } } },
      { status: 500, body: { error: { message: "Internal Server Error", code: 2000 } } },
      { status: 503 },
    );

    const found = await client.getIncident(incident.id);

    expect(found.id).toBe("PINC2");
    expect(fake.requests).toHaveLength(4);
    expect(waits[0]).toBe(7000);
    expect(waits.slice(1)).toEqual([1000, 2000]);
  });

  test("429 without headers falls back to backoff", async () => {
    fake.addIncident({ id: "PINC3" });
    fake.script({ status: 429 });

    await client.getIncident("PINC3");

    expect(waits).toEqual([500]);
  });

  test("retries stop after the last attempt", async () => {
    fake.addIncident({ id: "PINC4" });
    fake.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });

    const failure = client.getIncident("PINC4");

    await expect(failure).rejects.toThrow(/returned HTTP 500 after 4 attempts/);
    expect(fake.requests).toHaveLength(4);
  });

  test("4xx is an error with PagerDuty's code and message", async () => {
    const error = await client.getIncident("PMISSING").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(PagerDutyError);
    expect((error as PagerDutyError).status).toBe(404);
    expect((error as PagerDutyError).code).toBe(5001);
    expect((error as PagerDutyError).message).toContain("Incident Not Found (code 5001)");
    expect(fake.requests).toHaveLength(1);
  });

  test("bad From is reported, not retried", async () => {
    fake.addIncident({ id: "PINC5" });
    const wrong = new PagerDutyClient({ apiUrl: fake.url, apiKey: fake.apiKey, fromEmail: "nobody@example.com", sleep: async () => undefined });

    const error = await wrong.acknowledge("PINC5").catch((caught: unknown) => caught);

    expect((error as PagerDutyError).code).toBe(1008);
    expect(fake.writes()).toHaveLength(1);
  });

  test("acknowledge never reopens a resolved incident", async () => {
    const incident = fake.addIncident({ id: "PINC6", status: "resolved" });

    const outcome = await client.acknowledge("PINC6");

    expect(outcome).toBe("already-resolved");
    expect(fake.writes()).toHaveLength(0);
    expect(incident.changes).not.toContain("reopened");
  });

  test("acknowledge of an acknowledged incident writes nothing", async () => {
    fake.addIncident({ id: "PINC7", status: "acknowledged" });

    expect(await client.acknowledge("PINC7")).toBe("already-acknowledged");
    expect(fake.writes()).toHaveLength(0);
  });

  test("resolve twice resolves once", async () => {
    const incident = fake.addIncident({ id: "PINC8", status: "acknowledged" });

    const first = await client.resolve("PINC8", "Restarted the app; the probe is healthy again.");
    const second = await client.resolve("PINC8");

    expect(first).toBe("resolved");
    expect(second).toBe("already-resolved");
    expect(incident.changes).toEqual(["resolved"]);
    expect(incident.resolution).toBe("Restarted the app; the probe is healthy again.");
  });

  test("resolve treats error 1001 as success", async () => {
    const strict = await startFakePagerDuty({ resolveResolved: "error-1001" });
    try {
      strict.addIncident({ id: "PINC9" });
      const racing = new PagerDutyClient({ apiUrl: strict.url, apiKey: strict.apiKey, fromEmail: strict.fromEmail, sleep: async () => undefined });
      // Another writer resolves the incident between the client's read and its write.
      strict.script(
        { status: 200, body: { incident: { id: "PINC9", status: "triggered" } } },
        { status: 400, body: { error: { message: "Incident Already Resolved", code: 1001 } } },
      );

      expect(await racing.resolve("PINC9")).toBe("already-resolved");
    } finally {
      await strict.close();
    }
  });

  test("addNote posts once per marker", async () => {
    const incident = fake.addIncident({ id: "PINC10" });
    const marker = noteMarker("pagerduty-pinc10", "acknowledged");

    const first = await client.addNote("PINC10", marker, "The agent is investigating.");
    const second = await client.addNote("PINC10", marker, "The agent is investigating.");

    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.note.id).toBe(first.note.id);
    expect(incident.notes).toHaveLength(1);
    expect(incident.notes[0].content).toBe("[sre-agent pagerduty-pinc10 acknowledged] The agent is investigating.");
  });

  test("setPriority looks the id up by name", async () => {
    const incident = fake.addIncident({ id: "PINC11" });

    const priority = await client.setPriority("PINC11", "p2");
    await client.setPriority("PINC11", "P2");

    expect(priority.id).toBe("PRIO2");
    expect(incident.priority?.name).toBe("P2");
    expect(incident.changes).toEqual(["priority:P2"]);
    expect(fake.requests.filter((request) => request.path === "/priorities")).toHaveLength(1);
  });

  test("setPriority rejects an unknown name", async () => {
    fake.addIncident({ id: "PINC12" });

    await expect(client.setPriority("PINC12", "SEV-1")).rejects.toThrow(/no priority named "SEV-1".*P1, P2/);
  });

  test("lists alerts and finds users", async () => {
    fake.addIncident({ id: "PINC13", alerts: [{ id: "PALERT1", status: "triggered", summary: "CPU high" }] });

    const alerts = await client.listIncidentAlerts("PINC13");
    const userId = await client.findUserIdByEmail("AGENT@example.com");
    const missing = await client.findUserIdByEmail("nobody@example.com");

    expect(alerts.map((alert) => alert.id)).toEqual(["PALERT1"]);
    expect(userId).toBe("PAGENT1");
    expect(missing).toBeUndefined();
  });
});
