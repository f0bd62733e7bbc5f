import { startTestApp, type TestApp } from "../support/app";
import { corpusBytes } from "../intake/helpers";

/** Two handlers over the real host: a P5 alert goes to the autonomous one, a P1 alert to the reader one. */
describe("routing through the local host", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  async function put(name: string, body: unknown): Promise<number> {
    const response = await fetch(`${app.url}/api/handlers/${name}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  test("each incident explains its handler", async () => {
    expect(await put("p5-autonomous", { order: 10, autonomy: "autonomous", match: { priorities: ["P4", "P5"] }, tools: [] })).toBe(201);
    expect(await put("p1-reader", { order: 20, autonomy: "reader", match: { priorities: ["P1"] }, tools: [] })).toBe(201);

    const low = await app.post("/api/alerts/azure-monitor", corpusBytes("az-cs-activitylog-administrative.json"));
    const high = await app.post("/api/alerts/azure-monitor", corpusBytes("az-cs-metric-dynamic-sev0-multitarget-fired.json"));
    expect(low.status).toBe(202);
    expect(high.status).toBe(202);

    const lowThread = await app.waitForThread(low.json.incidentKey, (messages) => messages.some((message) => message.kind === "routing"));
    const highThread = await app.waitForThread(high.json.incidentKey, (messages) => messages.some((message) => message.kind === "routing"));
    const lowRouting = lowThread.find((message) => message.kind === "routing")!;
    const highRouting = highThread.find((message) => message.kind === "routing")!;

    expect(lowRouting.text).toContain("Handler p5-autonomous takes this incident (autonomous mode).");
    expect(lowRouting.text).toContain("p5-autonomous (order 10): matched");
    expect(lowRouting.text).toContain("p1-reader (order 20): not evaluated");
    expect(highRouting.text).toContain("Handler p1-reader takes this incident (reader mode).");
    expect(highRouting.text).toContain("p5-autonomous (order 10): not matched, priority P1 not in [P4, P5]");
    expect(highRouting.text).toContain("p1-reader (order 20): matched");

    const lowIncident = await app.get(`/api/incidents/${encodeURIComponent(low.json.incidentKey)}`);
    expect(lowIncident.json.handlerName).toBe("p5-autonomous");
    expect(lowIncident.json.handlerSnapshot.autonomy).toBe("autonomous");
  });

  test("an incident no handler matches is not handled", async () => {
    expect(await put("quickstart", { enabled: false, autonomy: "reader" })).toBe(200);

    const alert = await app.post("/api/alerts/azure-monitor", corpusBytes("az-cs-metric-webtest-availability-fired.json"));

    const thread = await app.waitForThread(alert.json.incidentKey, (messages) => messages.some((message) => message.kind === "not-handled"));
    expect(thread.map((message) => message.kind)).not.toContain("acknowledged");
    const incident = await app.get(`/api/incidents/${encodeURIComponent(alert.json.incidentKey)}`);
    expect(incident.json.status).toBe("not-handled");
  });
});
