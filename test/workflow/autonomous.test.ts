import { readFileSync } from "node:fs";
import path from "node:path";
import { approvalLink, countKind, finished, has, startActHarness, type ActHarness, type Scenario } from "./support";

const TOOLS = ["probe.http", "azureMonitor.acknowledgeAlert", "azureMonitor.closeAlert", "appService.restart"];

/** Autonomous remediation with verification, false positives, and PagerDuty sync, end to end. */
describe("autonomous mode and sync", () => {
  let harness: ActHarness;

  beforeAll(async () => {
    harness = await startActHarness();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function autonomousScenario(name: string, probe: "after-restart" | "never"): Promise<Scenario> {
    const scenario = harness.scenario(name, probe);
    await harness.putHandler(`auto-${name}`, { order: 10, match: { alertRules: [scenario.rule] }, autonomy: "autonomous", tools: TOOLS, verifyAfterMinutes: 0.01 });
    return scenario;
  }

  async function status(key: string): Promise<string | undefined> {
    return (await harness.app.services.incidents.get(key))?.incident.status;
  }

  test("fix verified → alert closed", async () => {
    const scenario = await autonomousScenario("verified", "after-restart");
    await harness.sendAlert(scenario);

    const messages = await harness.waitFor(scenario, finished);

    expect(countKind(messages, "approval-requested")).toBe(0);
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(1);
    const alert = harness.actions.alerts.get(scenario.alertId.toLowerCase())!;
    expect(alert.changes.map((change) => change.newState)).toEqual(["Acknowledged", "Closed"]);
    expect(alert.changes[1].comment).toContain("Cause:");
    expect(alert.changes[1].comment).toContain("Restart App Service app");
    expect(messages.find((message) => message.kind === "verification")!.text).toContain("Recovered");
    expect(messages.find((message) => message.id === "close-resolved")).toBeDefined();
    expect(await status(scenario.incidentKey)).toBe("resolved");
  });

  test("fix not verified → escalated, no retry", async () => {
    const scenario = await autonomousScenario("unverified", "never");
    await harness.sendAlert(scenario);

    const messages = await harness.waitFor(scenario, finished);

    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(1);
    expect(harness.actions.alerts.get(scenario.alertId.toLowerCase())!.state).toBe("Acknowledged");
    expect(messages.find((message) => message.kind === "verification")!.text).toContain("Not recovered");
    expect(messages.find((message) => message.id === "close-escalated")!.text).toContain("does not retry");
    expect(await status(scenario.incidentKey)).toBe("escalated");
  });

  test("false positive closed after approval", async () => {
    const scenario = harness.scenario("false-positive", "always");
    const fired = Date.now() - 5 * 60_000;
    harness.arm.setMetric(scenario.siteId.toLowerCase(), {
      name: "Http5xx",
      unit: "Count",
      series: [{ points: Array.from({ length: 6 }, (_, minute) => ({ time: new Date(fired + minute * 60_000).toISOString(), value: minute < 2 ? 40 : 1 })) }],
    });
    await harness.putHandler("reader-false-positive", {
      order: 10,
      match: { alertRules: [scenario.rule] },
      autonomy: "reader",
      tools: [...TOOLS, "metrics.read"],
      approval: { timeoutMinutes: 1, onTimeout: "escalate" },
    });
    await harness.sendAlert(scenario);

    const waiting = await harness.waitFor(scenario, has("approval-requested"));
    expect((waiting.find((message) => message.kind === "analysis")!.data as { verdict: string }).verdict).toBe("false_positive");
    expect((waiting.find((message) => message.kind === "approval-requested")!.data as { tool: string }).tool).toBe("azureMonitor.closeAlert");
    expect((await harness.decide(approvalLink(waiting), "approve")).status).toBe(200);

    const messages = await harness.waitFor(scenario, finished);
    expect(harness.actions.alerts.get(scenario.alertId.toLowerCase())!.state).toBe("Closed");
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    expect(messages.find((message) => message.id === "close-resolved")!.text).toContain("false positive");
  });

  test("PagerDuty: acknowledge, note, escalate", async () => {
    const incidentId = "Q1E2EPAGER0001";
    const incident = harness.pagerDuty.addIncident({ id: incidentId });
    await harness.putHandler("pd-escalate", {
      order: 10,
      match: { sources: ["pagerduty"], titleIncludes: ["e2e-escalate"] },
      autonomy: "reader",
      tools: ["pagerduty.acknowledge", "pagerduty.addNote", "pagerduty.resolve"],
    });
    const webhook = JSON.parse(readFileSync(path.resolve(process.cwd(), "../shared/corpus/pd-incident-triggered.json"), "utf8"));
    webhook.event.id = "01JPE2E0000000000000ESC001";
    webhook.event.occurred_at = new Date().toISOString();
    webhook.event.data.id = incidentId;
    webhook.event.data.self = `https://api.pagerduty.com/incidents/${incidentId}`;
    webhook.event.data.title = "e2e-escalate: checkout latency";
    const accepted = await harness.app.post("/api/alerts/pagerduty", webhook);
    expect(accepted.status).toBe(202);
    const key = accepted.json.incidentKey as string;

    const messages = await harness.app.waitForThread(key, finished, 30_000);

    expect(incident.changes).toEqual(["acknowledged"]);
    expect(incident.notes.map((note) => note.content)).toEqual([
      expect.stringMatching(new RegExp(`^\\[sre-agent ${key} acknowledge-pagerduty-addnote-[0-9a-f]{12}\\] The SRE agent is investigating`)),
      expect.stringMatching(new RegExp(`^\\[sre-agent ${key} escalate-pagerduty-addnote-[0-9a-f]{12}\\] The SRE agent hands this incident to the on-call team`)),
    ]);
    expect(incident.notes[1].content).toContain(`/api/ui/incidents/${key}`);
    expect(messages.find((message) => message.id === "close-escalated")).toBeDefined();
    expect(await status(key)).toBe("escalated");
  });
});
