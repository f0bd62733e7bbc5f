import { readFileSync } from "node:fs";
import path from "node:path";
import { startTestApp, hasKinds, type TestApp } from "../support/app";

const corpus = path.resolve(process.cwd(), "../shared/corpus");

describe("local host", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  test("health answers ok once ready", async () => {
    const response = await app.get("/api/health");

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: "ok" });
  });

  test("metric alert runs the loop to an analysis", async () => {
    const body = readFileSync(path.join(corpus, "az-cs-metric-static-fired.json"));

    const accepted = await app.post("/api/alerts/azure-monitor", body);

    expect(accepted.status).toBe(202);
    expect(accepted.json.outcome).toBe("created");
    const key = accepted.json.incidentKey as string;
    const messages = await app.waitForThread(key, hasKinds("acknowledged", "evidence", "analysis"), 10_000);
    expect(messages.filter((message) => message.kind === "acknowledged")).toHaveLength(1);

    const thread = await app.get(`/api/incidents/${encodeURIComponent(key)}/thread`);
    expect(thread.status).toBe(200);
    expect(thread.json.incidentKey).toBe(key);
    expect(thread.json.messages.map((message: { kind: string }) => message.kind)).toEqual(expect.arrayContaining(["routing", "acknowledged", "evidence", "analysis"]));
    for (const message of thread.json.messages) {
      expect(Object.keys(message).sort()).toEqual(["at", "author", "data", "kind", "seq", "text"]);
    }
  });

  test("incident API lists newest first and reads one", async () => {
    const first = await app.post("/api/alerts/azure-monitor", readFileSync(path.join(corpus, "az-cs-logv2-fired.json")));
    const second = await app.post("/api/alerts/azure-monitor", readFileSync(path.join(corpus, "az-cs-prometheus-fired.json")));

    const list = await app.get("/api/incidents");
    const keys = list.json.incidents.map((incident: { incidentKey: string }) => incident.incidentKey);
    expect(keys.indexOf(second.json.incidentKey)).toBeLessThan(keys.indexOf(first.json.incidentKey));

    const one = await app.get(`/api/incidents/${encodeURIComponent(first.json.incidentKey)}`);
    expect(one.status).toBe(200);
    expect(one.json.key).toBe(first.json.incidentKey);
    expect(one.json.priority).toMatch(/^P[1-5]$/);
  });

  test("unknown incident and bad filter are 4xx", async () => {
    expect((await app.get("/api/incidents/azure-monitor-nope")).status).toBe(404);
    expect((await app.get("/api/incidents?priority=P9")).status).toBe(400);
    expect((await app.get("/api/nothing-here")).status).toBe(404);
  });
});

describe("local host HTTP edges", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  test("malformed escape in a path is 400", async () => {
    const response = await app.get("/api/incidents/%ZZ/thread");

    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain("percent-encoding");
  });

  test("wrong method is 405 with Allow", async () => {
    const response = await fetch(`${app.url}/api/health`, { method: "DELETE" });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  test("HEAD of health is 200 without a body", async () => {
    const response = await fetch(`${app.url}/api/health`, { method: "HEAD" });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
  });

  test("declared oversized body is 413 at once", async () => {
    const { request } = await import("node:http");
    const url = new URL(app.url);

    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = request(
        { host: url.hostname, port: url.port, path: "/api/alerts/azure-monitor", method: "POST", headers: { "content-type": "application/json", "content-length": "1000000000" } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on("error", reject);
      outgoing.write("{}");
    });

    expect(status).toBe(413);
  });
});

describe("intake field checks over HTTP", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });

  afterAll(async () => {
    await app.stop();
  });

  test.each([
    ["severity", "Sev9"],
    ["monitorCondition", "Exploded"],
    ["firedDateTime", "yesterday"],
  ])("invalid %s is 400 naming it", async (field, value) => {
    const alert = JSON.parse(readFileSync(path.join(corpus, "az-cs-metric-static-fired.json"), "utf8"));
    alert.data.essentials[field] = value;
    alert.data.essentials.alertId = alert.data.essentials.alertId.replace(/[^/]+$/, `bad-${field}`);

    const answer = await app.post("/api/alerts/azure-monitor", alert);

    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toContain(field);
  });
});
