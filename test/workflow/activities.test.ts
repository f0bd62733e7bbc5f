import { InvocationContext } from "@azure/functions";
import { readSettings } from "../../src/config/settings";
import { Services, setServices } from "../../src/app/services";
import { planActionsActivity } from "../../src/workflow/activities/plan";
import { acknowledgeIncidentActivity } from "../../src/workflow/activities/acknowledge";
import { executeActionActivity } from "../../src/workflow/activities/execute";
import { closeIncidentActivity } from "../../src/workflow/activities/close";
import { requestApprovalActivity } from "../../src/workflow/activities/approval";
import { plannedAction } from "../../src/tools/plan";
import type { Assessment } from "../../src/analysis/assessment";
import { startFakePagerDuty, type FakePagerDuty } from "../fakes/pagerduty";
import { sendJson, startFake } from "../fakes/https";
import { testTables } from "../support/storage";
import { azureIncident, handler as makeHandler, pagerDutyIncident, SITE_ID } from "../approvals/support";

const quiet = () => new InvocationContext({ logHandler: () => undefined });

const restartAssessment: Assessment = {
  verdict: "actionable",
  confidence: 0.8,
  summary: "The app answers 503.",
  likelyCause: "A stuck worker.",
  citedEvidence: [],
  recommendedActions: [{ tool: "appService.restart", arguments: { resourceId: SITE_ID }, rationale: "503s" }],
  analyst: "rules",
};

describe("act activities", () => {
  let pagerDuty: FakePagerDuty;

  beforeAll(async () => {
    pagerDuty = await startFakePagerDuty();
  });

  afterAll(async () => {
    setServices(undefined);
    await pagerDuty.close();
  });

  function useServices(env: Record<string, string>): Services {
    const services = new Services(
      readSettings({ PAGERDUTY_API_KEY: pagerDuty.apiKey, PAGERDUTY_FROM_EMAIL: pagerDuty.fromEmail, PAGERDUTY_API_URL: pagerDuty.url, ...env }),
      () => undefined as never,
      { tables: testTables("acts") },
    );
    setServices(services);
    return services;
  }

  test("writes off: actions become recommendations", async () => {
    const services = useServices({ AGENT_WRITES_ENABLED: "false" });
    const incident = azureIncident();
    await services.incidents.create(incident);

    const plan = await planActionsActivity({ incidentKey: incident.key, handler: makeHandler(), assessment: restartAssessment }, quiet());

    expect(plan.stop?.outcome).toBe("escalated");
    expect(plan.remediations).toEqual([]);
    const messages = await services.threads.list(incident.key);
    expect(messages.map((message) => message.text)).toEqual([expect.stringContaining("Recommended (agent writes are off")]);
  });

  test("writes off: no platform acknowledgement", async () => {
    const services = useServices({ AGENT_WRITES_ENABLED: "false" });
    pagerDuty.addIncident({ id: "PACKOFF" });
    const incident = pagerDutyIncident("PACKOFF");
    await services.incidents.create(incident);
    const before = pagerDuty.requests.length;

    await acknowledgeIncidentActivity({ incidentKey: incident.key, handler: makeHandler() }, quiet());

    expect(pagerDuty.requests.length).toBe(before);
    const notice = (await services.threads.list(incident.key)).find((message) => message.id === "recommendation-acknowledge");
    expect(notice?.text).toContain("Acknowledge PagerDuty incident PACKOFF");
  });

  test("acknowledge leaves a resolved incident alone", async () => {
    const services = useServices({});
    const pd = pagerDuty.addIncident({ id: "PACKRES", status: "resolved" });
    const incident = pagerDutyIncident("PACKRES");
    await services.incidents.create(incident);

    await acknowledgeIncidentActivity({ incidentKey: incident.key, handler: makeHandler() }, quiet());

    expect(pd.changes).toEqual([]);
    const texts = (await services.threads.list(incident.key)).map((message) => message.text);
    expect(texts).toContainEqual(expect.stringContaining("did not acknowledge it, because that would reopen it"));
    expect(pd.notes).toHaveLength(1);
  });

  test("acknowledge without a PagerDuty key leaves a notice", async () => {
    const services = new Services(readSettings({}), () => undefined as never, { tables: testTables("ackoff") });
    setServices(services);
    const incident = pagerDutyIncident("PNOKEY");
    await services.incidents.create(incident);

    await acknowledgeIncidentActivity({ incidentKey: incident.key, handler: makeHandler() }, quiet());

    const notices = (await services.threads.list(incident.key)).filter((message) => message.kind === "notice");
    expect(notices.map((message) => message.text)).toContainEqual(expect.stringContaining("PagerDuty writes are off"));
  });

  test("retried resolve activity: one resolve, one message", async () => {
    const services = useServices({});
    const pd = pagerDuty.addIncident({ id: "PRETRY", status: "acknowledged" });
    const incident = pagerDutyIncident("PRETRY");
    await services.incidents.create(incident);
    const action = plannedAction("close", "pagerduty.resolve", { incidentId: "PRETRY", resolution: "Recovered." }, "end it");
    const input = { incidentKey: incident.key, handler: makeHandler(), action, approval: { approvalId: action.id, by: "Ada" } };

    const first = await executeActionActivity(input, quiet());
    const retried = await executeActionActivity(input, quiet());

    expect(first.result?.status).toBe("success");
    expect(retried.result).toEqual(first.result);
    expect(pd.changes).toEqual(["resolved"]);
    expect((await services.threads.list(incident.key)).filter((message) => message.kind === "action")).toHaveLength(1);
  });

  test("taken-over incident: action skipped", async () => {
    const services = useServices({});
    const incident = pagerDutyIncident("PTAKEN", { takenOverBy: "Grace" });
    pagerDuty.addIncident({ id: "PTAKEN" });
    await services.incidents.create(incident);
    const before = pagerDuty.requests.length;

    const run = await executeActionActivity(
      { incidentKey: incident.key, handler: makeHandler(), action: plannedAction("close", "pagerduty.resolve", { incidentId: "PTAKEN" }, "x") },
      quiet(),
    );

    expect(run.skipped).toBe("taken-over");
    expect(pagerDuty.requests.length).toBe(before);
  });

  test("retried escalation posts one note", async () => {
    const services = useServices({});
    const pd = pagerDuty.addIncident({ id: "PESC" });
    const incident = pagerDutyIncident("PESC");
    await services.incidents.create(incident);
    const input = { incidentKey: incident.key, outcome: "escalated" as const, reason: "No remediation.", handler: makeHandler() };

    await closeIncidentActivity(input, quiet());
    await closeIncidentActivity(input, quiet());

    expect(pd.notes).toHaveLength(1);
    expect(pd.notes[0].content).toContain("No remediation.");
    expect((await services.incidents.get(incident.key))?.incident.status).toBe("escalated");
  });

  test("approval link reaches PagerDuty and chat", async () => {
    const services = useServices({ APPROVAL_SIGNING_KEY: "activities-signing-key-0123456789", PUBLIC_BASE_URL: "https://agent.example.com" });
    const chat = await startFake((_request, response) => sendJson(response, 200, { ok: true }), { tls: false });
    try {
      const pd = pagerDuty.addIncident({ id: "PAPPROVE" });
      const incident = pagerDutyIncident("PAPPROVE");
      await services.incidents.create(incident);
      const rule = makeHandler({ notify: { webhookUrl: `${chat.url}/hook` } });
      const action = plannedAction("act", "pagerduty.setPriority", { incidentId: "PAPPROVE", priority: "P1" }, "Customers are affected.");

      const first = await requestApprovalActivity({ incidentKey: incident.key, handler: rule, action }, quiet());
      const retried = await requestApprovalActivity({ incidentKey: incident.key, handler: rule, action }, quiet());

      expect(first.status).toBe("requested");
      expect(retried.link).toBe(first.link);
      expect(first.link).toMatch(/^https:\/\/agent\.example\.com\/api\/approvals\/[A-Za-z0-9_-]+$/);
      expect(pd.notes).toHaveLength(1);
      expect(pd.notes[0].content).toContain(first.link!);
      expect(chat.requests).toHaveLength(1);
      expect((JSON.parse(chat.requests[0].body) as { text: string }).text).toContain(first.link!);
      const requested = (await services.threads.list(incident.key)).filter((message) => message.kind === "approval-requested");
      expect(requested).toHaveLength(1);
      expect(requested[0].text).toContain(first.link!);
      expect((await services.incidents.get(incident.key))?.incident.status).toBe("awaiting-approval");
    } finally {
      await chat.close();
    }
  });
});
