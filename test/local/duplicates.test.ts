import { startTestApp, type TestApp } from "../support/app";
import { AGENT_USER_ID, PRIMARY_SECRET, corpusBytes, signatures } from "../intake/helpers";
import { safeKey } from "../../src/storage/keys";

/** Concurrent repeats of one delivery over real HTTP: one incident, one orchestration, every status 202. */
describe("concurrent duplicate deliveries", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { PAGERDUTY_WEBHOOK_SECRET: PRIMARY_SECRET, PAGERDUTY_AGENT_USER_ID: AGENT_USER_ID } });
  });

  afterAll(async () => {
    await app.stop();
  });

  test("Azure Monitor alert five times at once", async () => {
    const body = corpusBytes("az-cs-metric-dynamic-sev0-multitarget-fired.json");

    const answers = await Promise.all(Array.from({ length: 5 }, () => app.post("/api/alerts/azure-monitor", body)));

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.filter((answer) => answer.json.outcome === "created")).toHaveLength(1);
    expect(answers.filter((answer) => answer.json.outcome === "duplicate")).toHaveLength(4);
    const key = answers[0].json.incidentKey as string;
    const history = await app.runtime.history(safeKey(key));
    expect(history?.filter((event) => event.EventType === 0)).toHaveLength(1);
  });

  test("PagerDuty webhook ten times at once", async () => {
    const headers = signatures.files["pd-incident-triggered.json"].headers;
    const body = corpusBytes("pd-incident-triggered.json");

    const answers = await Promise.all(Array.from({ length: 10 }, () => app.post("/api/alerts/pagerduty", body, headers)));

    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    expect(answers.filter((answer) => answer.json.outcome === "created")).toHaveLength(1);
    expect(answers.filter((answer) => answer.json.outcome === "duplicate")).toHaveLength(9);
  });
});

describe("PagerDuty events out of order", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ env: { PAGERDUTY_ALLOW_UNSIGNED: "true", PAGERDUTY_AGENT_USER_ID: AGENT_USER_ID } });
  });

  afterAll(async () => {
    await app.stop();
  });

  test("resolved before triggered opens nothing", async () => {
    const resolved = JSON.parse(corpusBytes("pd-incident-resolved.json").toString("utf8"));
    const triggered = JSON.parse(corpusBytes("pd-incident-triggered.json").toString("utf8"));

    const first = await app.post("/api/alerts/pagerduty", resolved, { "x-webhook-id": "order-1" });
    const second = await app.post("/api/alerts/pagerduty", triggered, { "x-webhook-id": "order-2" });

    expect(first.status).toBe(202);
    expect(first.json.outcome).toBe("ignored");
    expect(second.status).toBe(202);
    expect(second.json.outcome).toBe("ignored");
    const incident = await app.get(`/api/incidents/${encodeURIComponent(first.json.incidentKey)}`);
    expect(incident.json.status).toBe("resolved");
    expect(await app.runtime.status(safeKey(first.json.incidentKey))).toBeUndefined();
  });
});
