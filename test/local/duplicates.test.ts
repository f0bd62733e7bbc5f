import { startTestApp, type TestApp } from "../support/app";
import { AGENT_USER_ID, PRIMARY_SECRET, corpusBytes, signatures } from "../intake/helpers";
import { safeKey } from "../../src/storage/keys";

/** Concurrent repeats of one delivery over real HTTP: one incident, one orchestration, every answer 202. */
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
