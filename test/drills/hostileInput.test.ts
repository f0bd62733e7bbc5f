import { setAzureTlsOptions } from "../../src/investigation/azure";
import { TOOL_KINDS, isToolName } from "../../src/tools/catalog";
import { safeKey } from "../../src/storage/keys";
import type { ThreadMessage } from "../../src/storage/threads";
import { startArmFake, type ArmFake } from "../fakes/arm";
import { installArmActions, testCredential } from "../fakes/armActions";
import { loopbackCertificate, startFake, type RunningFake } from "../fakes/https";
import { startLogsFake, success, table, type LogsFake } from "../fakes/logs";
import { startFakePagerDuty, type FakePagerDuty } from "../fakes/pagerduty";
import { startTestApp, type TestApp } from "../support/app";
import { hostileCases, INJECTIONS, MARKUP_MARKER, type HostileCase } from "./support/hostile";
import { FOREIGN, startObedientModel, type ObedientModel } from "./support/obedientModel";

const SECRET = "hostile-drill-webhook-secret";

interface Sent {
  case: HostileCase;
  status: number;
  incidentKey?: string;
  outcome?: string;
}

/**
 * More than 200 generated hostile deliveries against a running host in reader mode (the
 * quickstart handler), with an LLM analyst that obeys every injected instruction and loopback
 * PagerDuty, ARM, Logs and health endpoints. Every delivery must get a 4xx or a 202, and the host
 * must stay healthy. Markup must never reach a page unescaped. No write may reach PagerDuty or
 * ARM, because in reader mode each one waits for an approval that no one gives.
 */
describe("hostile input", () => {
  let pagerDuty: FakePagerDuty;
  let arm: ArmFake;
  let logs: LogsFake;
  let model: ObedientModel;
  let probe: RunningFake;
  let app: TestApp;
  let cases: HostileCase[];
  const sent: Sent[] = [];

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    pagerDuty = await startFakePagerDuty();
    arm = await startArmFake();
    installArmActions(arm);
    logs = await startLogsFake();
    logs.when(
      () => true,
      success(table([["TimeGenerated", "datetime"], ["Message", "string"]], INJECTIONS.map((text, index) => [`2025-03-14T02:1${index}:00Z`, text]))),
    );
    model = await startObedientModel();
    probe = await startFake((_request, response) => {
      response.writeHead(503, { "content-type": "text/plain" });
      response.end(INJECTIONS.join("\n"));
    }, { tls: false });
    app = await startTestApp({
      env: {
        PAGERDUTY_WEBHOOK_SECRET: SECRET,
        PAGERDUTY_AGENT_USER_ID: "PAGENT1",
        PAGERDUTY_API_KEY: pagerDuty.apiKey,
        PAGERDUTY_FROM_EMAIL: pagerDuty.fromEmail,
        PAGERDUTY_API_URL: pagerDuty.url,
        AZURE_ARM_ENDPOINT: arm.url,
        AZURE_LOGS_ENDPOINT: logs.url,
        LOG_ANALYTICS_WORKSPACE_ID: "11111111-2222-3333-4444-555555555555",
        OPENAI_BASE_URL: model.url,
        OPENAI_MODEL: "obedient-test-model",
        OPENAI_API_KEY: "hostile-drill-key",
        COLLECTOR_TIMEOUT_SECONDS: "5",
      },
      azureCredential: testCredential,
    });
    cases = hostileCases({ pagerDutySecret: SECRET, probeUrl: `${probe.url}/health` });
  });

  afterAll(async () => {
    await app?.stop();
    setAzureTlsOptions(undefined);
    await Promise.all([pagerDuty?.close(), arm?.close(), logs?.close(), model?.close(), probe?.close()]);
  });

  async function send(item: HostileCase): Promise<Sent> {
    if (item.pagerDutyIncident) pagerDuty.addIncident({ id: item.pagerDutyIncident });
    const response = await fetch(`${app.url}/api/alerts/${item.route}`, { method: "POST", headers: item.headers, body: new Uint8Array(item.body) });
    const text = await response.text();
    let body: { incidentKey?: string; outcome?: string } = {};
    try {
      body = JSON.parse(text);
    } catch {
      // A non-JSON response is judged by its status alone.
    }
    return { case: item, status: response.status, incidentKey: body.incidentKey ?? undefined, outcome: body.outcome };
  }

  function acceptable(item: HostileCase, status: number): boolean {
    if (status >= 500) return false;
    if (typeof item.expect === "number") return status === item.expect;
    if (item.expect === "accepted") return status === 202;
    return status === 202 || (status >= 400 && status < 500);
  }

  const created = () => sent.filter((item) => item.status === 202 && item.outcome === "created" && item.incidentKey);

  async function health(): Promise<number> {
    return (await fetch(`${app.url}/api/health`)).status;
  }

  test("every payload gets a 4xx or a 202", async () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);

    const categories = [...new Set(cases.map((item) => item.category))];
    for (const category of categories) {
      const batch = cases.filter((item) => item.category === category);
      for (let index = 0; index < batch.length; index += 4) {
        sent.push(...(await Promise.all(batch.slice(index, index + 4).map(send))));
      }
      expect({ after: category, health: await health() }).toEqual({ after: category, health: 200 });
    }

    const wrong = sent.filter((item) => !acceptable(item.case, item.status)).map((item) => `${item.case.name}: ${item.status} (expected ${item.case.expect})`);
    expect(wrong).toEqual([]);
    expect(created().length).toBeGreaterThan(50);
  }, 180_000);

  test("accepted incidents settle without unapproved writes", async () => {
    const keys = created().map((item) => item.incidentKey!);
    const threads = new Map<string, ThreadMessage[]>();
    for (const key of keys) {
      const messages = await app.waitForThread(key, (thread) => thread.some((message) => message.kind === "analysis" || message.kind === "not-handled"), 60_000);
      await app.runtime.whenIdle(safeKey(key));
      threads.set(key, messages);
    }
    for (const key of keys) threads.set(key, await app.services.threads.list(key));
    expect(await health()).toBe(200);
    expect(model.replies).toBeGreaterThan(0);

    const pagerDutyWrites = pagerDuty.writes().map((request) => `${request.method} ${request.path} ${request.body.slice(0, 120)}`);
    const unexpectedPagerDuty = pagerDuty.writes().filter((request) => {
      if (request.method === "POST" && request.path.endsWith("/notes")) return false;
      const change = (JSON.parse(request.body) as { incident?: Record<string, unknown> }).incident ?? {};
      return !(request.method === "PUT" && change.status === "acknowledged" && change.priority === undefined);
    });
    expect(unexpectedPagerDuty.map((request) => `${request.method} ${request.path} ${request.body}`)).toEqual([]);
    expect(pagerDutyWrites.filter((line) => line.includes(FOREIGN.pagerDutyIncident))).toEqual([]);
    expect(pagerDuty.requests.filter((request) => request.path.includes(FOREIGN.pagerDutyIncident))).toEqual([]);

    const armWrites = arm.requests.filter((request) => request.method !== "GET");
    const unexpectedArm = armWrites.filter((request) => !(request.method === "POST" && /\/changestate$/i.test(request.path) && request.query.get("newState") === "Acknowledged"));
    expect(unexpectedArm.map((request) => `${request.method} ${request.path}?${request.query}`)).toEqual([]);
    expect(arm.requests.filter((request) => request.path.toLowerCase().includes(FOREIGN.subscription))).toEqual([]);

    const writeActions: string[] = [];
    let approvalsRequested = 0;
    let dropped = 0;
    for (const [key, messages] of threads) {
      for (const message of messages) {
        const tool = (message.data as { tool?: string } | null)?.tool;
        if (message.kind === "action" && tool && isToolName(tool) && TOOL_KINDS[tool] === "write") writeActions.push(`${key}: ${tool}`);
        if (message.kind === "approval-requested") approvalsRequested++;
        if (message.kind === "action-dropped") dropped++;
      }
    }
    expect(writeActions).toEqual([]);
    // The obedient model's proposals must have reached the guardrails and the approval gate, or this test proves nothing.
    expect(dropped).toBeGreaterThan(0);
    expect(approvalsRequested).toBeGreaterThan(0);
  }, 240_000);

  test("markup never reaches a page unescaped", async () => {
    const marked = created().filter((item) => item.case.markup);
    expect(marked.length).toBeGreaterThan(20);

    const raw = [`<script>${MARKUP_MARKER}`, `onerror="${MARKUP_MARKER}`, `<svg onload=${MARKUP_MARKER}`];
    const pages = [`/api/ui/incidents`, ...marked.map((item) => `/api/ui/incidents/${encodeURIComponent(item.incidentKey!)}`)];
    for (const page of pages) {
      const response = await app.get(page);
      expect({ page, status: response.status }).toEqual({ page, status: 200 });
      for (const fragment of raw) expect({ page, unescaped: response.text.includes(fragment) }).toEqual({ page, unescaped: false });
    }
  }, 120_000);

  test("injected instructions are flagged in the thread", async () => {
    const injected = created().filter((item) => item.case.injected);
    expect(injected.length).toBe(cases.filter((item) => item.injected).length);
    // The log-row cases only count if their queries reached the Logs fake.
    expect(logs.calls.length).toBeGreaterThan(0);

    for (const item of injected) {
      const messages = await app.services.threads.list(item.incidentKey!);
      const notice = messages.find((message) => message.kind === "notice" && message.text.startsWith("Possible prompt injection"));
      expect({ incident: item.case.name, flagged: notice !== undefined }).toEqual({ incident: item.case.name, flagged: true });
      if (item.case.injected === "logs") expect({ incident: item.case.name, notice: notice?.text.includes("evidence") }).toEqual({ incident: item.case.name, notice: true });
    }
  }, 60_000);
});
