import { approvalStore } from "../../src/storage/approvals";
import { recordTakeover } from "../../src/intake/lifecycle";
import { approvalLink, countKind, finished, has, startActHarness, type ActHarness, type Scenario } from "./support";

/** Reader mode end to end: every write waits for a person through the approval link. */
describe("reader mode", () => {
  let harness: ActHarness;

  beforeAll(async () => {
    harness = await startActHarness();
  });

  afterAll(async () => {
    await harness?.stop();
  });

  async function readerScenario(name: string, approval: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<Scenario> {
    const scenario = harness.scenario(name, "after-restart");
    await harness.putHandler(`reader-${name}`, {
      order: 10,
      match: { alertRules: [scenario.rule] },
      autonomy: "reader",
      tools: ["probe.http", "azureMonitor.acknowledgeAlert", "azureMonitor.closeAlert", "appService.restart"],
      approval: { timeoutMinutes: 1, onTimeout: "escalate", ...approval },
      verifyAfterMinutes: 0.01,
      ...extra,
    });
    return scenario;
  }

  async function status(scenario: Scenario): Promise<string | undefined> {
    return (await harness.app.services.incidents.get(scenario.incidentKey))?.incident.status;
  }

  test("approve → restart once → verify → close", async () => {
    const scenario = await readerScenario("approve");
    await harness.sendAlert(scenario);

    const waiting = await harness.waitFor(scenario, has("approval-requested"));
    expect(await status(scenario)).toBe("awaiting-approval");
    expect(harness.actions.alerts.get(scenario.alertId.toLowerCase())!.state).toBe("Acknowledged");
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    const decided = await harness.decide(approvalLink(waiting), "approve");
    expect(decided.status).toBe(200);

    // Closing the alert is a write too, so it waits for its own approval.
    const closing = await harness.waitFor(scenario, has("approval-requested", 2));
    expect(countKind(closing, "verification")).toBe(1);
    expect((await harness.decide(approvalLink(closing, 2), "approve")).status).toBe(200);

    const messages = await harness.waitFor(scenario, finished);
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(1);
    expect(harness.actions.alerts.get(scenario.alertId.toLowerCase())!.state).toBe("Closed");
    expect(messages.find((message) => message.kind === "verification")!.text).toContain("Recovered");
    expect(messages.find((message) => message.id === "close-resolved")).toBeDefined();
    expect(countKind(messages, "approval-decided")).toBe(2);
    const action = messages.find((message) => message.kind === "action" && (message.data as { tool?: string }).tool === "appService.restart")!;
    expect(action.text).toContain("Approved by Ada Lovelace");
    expect(await status(scenario)).toBe("resolved");
  });

  test("deny → no restart, escalated", async () => {
    const scenario = await readerScenario("deny");
    await harness.sendAlert(scenario);

    const waiting = await harness.waitFor(scenario, has("approval-requested"));
    expect((await harness.decide(approvalLink(waiting), "deny", "Grace Hopper")).status).toBe(200);

    const messages = await harness.waitFor(scenario, finished);
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    expect(messages.find((message) => message.kind === "approval-decided")!.text).toContain("Denied by Grace Hopper");
    expect(messages.find((message) => message.id === "close-escalated")!.text).toContain("denied");
    expect(await status(scenario)).toBe("escalated");
  });

  test("timeout → escalate", async () => {
    const scenario = await readerScenario("timeout", { timeoutMinutes: 0.03 });
    await harness.sendAlert(scenario);

    const messages = await harness.waitFor(scenario, finished);

    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    expect(messages.find((message) => message.kind === "approval-decided")!.text).toContain("The request expired");
    expect(messages.find((message) => message.id === "close-escalated")!.text).toContain("No decision within 0.03 minutes");
    const [record] = await approvalStore(harness.app.services).list(scenario.incidentKey);
    expect(record.state).toBe("expired");
    const late = await harness.decide((messages.find((message) => message.kind === "approval-requested")!.data as { link: string }).link, "approve");
    expect(late.status).toBe(410);
  });

  test("timeout with deny → no restart", async () => {
    const scenario = await readerScenario("timeout-deny", { timeoutMinutes: 0.03, onTimeout: "deny" });
    await harness.sendAlert(scenario);

    const messages = await harness.waitFor(scenario, finished);

    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    expect(messages.find((message) => message.kind === "approval-decided")!.text).toContain("treats it as denied");
    expect(await status(scenario)).toBe("escalated");
  });

  test("decision before the wait still wins", async () => {
    const scenario = await readerScenario("early", {}, { notify: { webhookUrl: `${harness.chat.url}/hook` } });
    // The chat webhook is called inside the approval request, before the orchestration waits.
    harness.onChat = async (text) => {
      const link = /(http:\/\/\S+\/api\/approvals\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
      if (link && text.includes("restart")) {
        harness.onChat = undefined;
        const decided = await harness.decide(link, "approve", "Early Bird");
        if (decided.status !== 200) throw new Error(`Early decision answered ${decided.status}`);
      }
    };
    await harness.sendAlert(scenario);

    const closing = await harness.waitFor(scenario, has("approval-requested", 2));
    const decidedAt = closing.find((message) => message.kind === "approval-decided")!;
    expect(decidedAt.text).toContain("Approved by Early Bird");
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(1);
    expect(harness.chatMessages().some((text) => text.includes(approvalLink(closing, 1)))).toBe(true);
  });

  test("alert resolved while waiting supersedes", async () => {
    const scenario = await readerScenario("resolved");
    await harness.sendAlert(scenario);
    const waiting = await harness.waitFor(scenario, has("approval-requested"));

    await harness.sendAlert(scenario, "Resolved");

    const messages = await harness.waitFor(scenario, finished);
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    expect(messages.find((message) => message.id === "approvals-superseded-alert-resolved")!.text).toContain("Superseded 1 pending approval");
    const [record] = await approvalStore(harness.app.services).list(scenario.incidentKey);
    expect(record.state).toBe("superseded");
    const late = await harness.decide(approvalLink(waiting), "approve");
    expect(late.status).toBe(409);
    expect(await status(scenario)).toBe("resolved");
  });

  test("takeover while waiting supersedes", async () => {
    const scenario = await readerScenario("takeover");
    await harness.sendAlert(scenario);
    await harness.waitFor(scenario, has("approval-requested"));

    await recordTakeover(harness.app.services, harness.app.runtime, scenario.incidentKey, { by: "Grace Hopper", text: "Grace Hopper took over.", eventData: { by: "Grace Hopper" } });

    const messages = await harness.waitFor(scenario, finished);
    expect(harness.actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(0);
    expect(messages.find((message) => message.id === "approvals-superseded-takeover")!.text).toContain("a person took the incident over");
    const [record] = await approvalStore(harness.app.services).list(scenario.incidentKey);
    expect(record.state).toBe("superseded");
    expect(harness.actions.alerts.get(scenario.alertId.toLowerCase())!.state).toBe("Acknowledged");
    expect(await status(scenario)).toBe("escalated");
  });
});
