import { readSettings } from "../../src/config/settings";
import { Services } from "../../src/app/services";
import { silentLogger } from "../../src/app/logger";
import { setAzureTlsOptions } from "../../src/investigation/azure";
import { runAction } from "../../src/tools/execute";
import { plannedAction } from "../../src/tools/plan";
import { ACTION_TOOLS } from "../../src/tools/registry";
import { TOOL_KINDS } from "../../src/tools/catalog";
import { outboxKey, outboxStore } from "../../src/storage/outbox";
import type { Incident } from "../../src/intake/incident";
import type { Handler } from "../../src/handlers/handler";
import type { PlannedAction } from "../../src/tools/types";
import { loopbackCertificate, startFake, sendJson, type RunningFake } from "../fakes/https";
import { startFakePagerDuty, type FakePagerDuty } from "../fakes/pagerduty";
import { startFakeArmActions, testCredential, type FakeArmActions } from "../fakes/armActions";
import { testTables } from "../support/storage";
import { azureIncident, handler as makeHandler, pagerDutyIncident, PLAN_ID, SITE_ID } from "../approvals/support";

describe("action tools", () => {
  let pagerDuty: FakePagerDuty;
  let arm: FakeArmActions;
  let automation: RunningFake;
  let services: Services;
  let counter = 0;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    pagerDuty = await startFakePagerDuty();
    arm = await startFakeArmActions();
    automation = await startFake((_request, response) => sendJson(response, 202, { JobIds: ["job-1"] }), { tls: false });
    const settings = readSettings({
      PAGERDUTY_API_KEY: pagerDuty.apiKey,
      PAGERDUTY_FROM_EMAIL: pagerDuty.fromEmail,
      PAGERDUTY_API_URL: pagerDuty.url,
      AZURE_ARM_ENDPOINT: arm.url,
    });
    services = new Services(settings, () => undefined as never, { tables: testTables("tools"), azureCredential: testCredential });
    arm.addSite(SITE_ID, PLAN_ID, 2);
  });

  afterAll(async () => {
    setAzureTlsOptions(undefined);
    await Promise.all([pagerDuty.close(), arm.close(), automation.close()]);
  });

  function context(incident: Incident, rule: Handler = makeHandler(), target: Services = services) {
    return { services: target, incident, handler: rule, logger: silentLogger };
  }

  function newPagerDutyIncident(): Incident {
    counter++;
    const id = `PEXEC${counter}`;
    pagerDuty.addIncident({ id });
    return pagerDutyIncident(id);
  }

  test("registry covers every bookkeeping and write tool", () => {
    const expected = Object.entries(TOOL_KINDS).filter(([, kind]) => kind !== "read").map(([name]) => name).sort();

    expect(Object.keys(ACTION_TOOLS).sort()).toEqual(expected);
    for (const tool of Object.values(ACTION_TOOLS)) {
      expect(tool.kind).toBe(TOOL_KINDS[tool.name]);
      expect(tool.schema.type).toBe("object");
      expect(tool.description.length).toBeGreaterThan(10);
    }
  });

  test("retried note posts once", async () => {
    const incident = newPagerDutyIncident();
    const action = plannedAction("act", "pagerduty.addNote", { incidentId: incident.sourceId, note: "Restarting checkout." }, "tell people");

    const first = await runAction(action, context(incident));
    const retried = await runAction(action, context(incident));
    // A crash after the note but before the outbox row: the marker on the note still stops a second post.
    await outboxStore(services).delete(incident.key, outboxKey(action.id, action.tool, action.argumentsHash));
    const afterCrash = await runAction(action, context(incident));

    expect([first.status, retried.status, afterCrash.status]).toEqual(["success", "success", "success"]);
    expect(pagerDuty.incidents.get(incident.sourceId)!.notes).toHaveLength(1);
    expect(pagerDuty.writes().filter((request) => request.path === `/incidents/${incident.sourceId}/notes`)).toHaveLength(1);
  });

  test("retried resolve resolves once", async () => {
    const incident = newPagerDutyIncident();
    const action = plannedAction("close", "pagerduty.resolve", { incidentId: incident.sourceId, resolution: "Recovered after restart." }, "end it");

    await runAction(action, context(incident));
    await outboxStore(services).delete(incident.key, outboxKey(action.id, action.tool, action.argumentsHash));
    const retried = await runAction(action, context(incident));

    expect(retried.status).toBe("success");
    expect(pagerDuty.incidents.get(incident.sourceId)!.changes).toEqual(["resolved"]);
    expect(pagerDuty.writes().filter((request) => request.method === "PUT" && request.path === `/incidents/${incident.sourceId}`)).toHaveLength(1);
  });

  test("note text is scrubbed of secrets", async () => {
    const incident = newPagerDutyIncident();
    const note = "Probe https://checkout.example.com/health?code=abcdef0123456789 failed; password=hunter2";

    await runAction(plannedAction("act", "pagerduty.addNote", { incidentId: incident.sourceId, note }, "tell people"), context(incident));

    const content = pagerDuty.incidents.get(incident.sourceId)!.notes[0].content;
    expect(content).not.toContain("abcdef0123456789");
    expect(content).not.toContain("hunter2");
  });

  test("another incident's id is refused", async () => {
    const incident = newPagerDutyIncident();
    const other = newPagerDutyIncident();
    const before = pagerDuty.requests.length;

    const result = await runAction(plannedAction("act", "pagerduty.resolve", { incidentId: other.sourceId }, "x"), context(incident));

    expect(result.status).toBe("error");
    expect(result.summary).toContain(`only on this incident's PagerDuty incident ${incident.sourceId}`);
    expect(pagerDuty.requests.length).toBe(before);
  });

  test("writes off turns the action into nothing", async () => {
    const incident = newPagerDutyIncident();
    const off = new Services(readSettings({ AGENT_WRITES_ENABLED: "false", PAGERDUTY_API_KEY: "k", PAGERDUTY_FROM_EMAIL: "a@example.com", PAGERDUTY_API_URL: pagerDuty.url }), () => undefined as never, {
      tables: testTables("off"),
    });
    const before = pagerDuty.requests.length;

    const result = await runAction(plannedAction("act", "pagerduty.resolve", { incidentId: incident.sourceId }, "x"), context(incident, makeHandler(), off));

    expect(result.status).toBe("not_configured");
    expect(result.summary).toContain("AGENT_WRITES_ENABLED=false");
    expect(pagerDuty.requests.length).toBe(before);
  });

  test("without a PagerDuty key writes are not configured", async () => {
    const bare = new Services(readSettings({}), () => undefined as never, { tables: testTables("bare") });
    const incident = pagerDutyIncident("PNOKEY");

    const result = await runAction(plannedAction("acknowledge", "pagerduty.acknowledge", { incidentId: "PNOKEY" }, "x"), context(incident, makeHandler(), bare));

    expect(result.status).toBe("not_configured");
    expect(result.summary).toContain("PAGERDUTY_API_KEY");
  });

  test("restart runs once per action", async () => {
    const incident = azureIncident({ key: "azure-monitor-exec-restart" });
    const action = plannedAction("act", "appService.restart", { resourceId: SITE_ID }, "503s");

    const first = await runAction(action, context(incident));
    const retried = await runAction(action, context(incident));

    expect(first.status).toBe("success");
    expect(retried).toEqual(first);
    expect(arm.sites.get(SITE_ID.toLowerCase())!.restarts).toBe(1);
  });

  test("scale out respects the handler bound", async () => {
    const incident = azureIncident({ key: "azure-monitor-exec-scale" });
    const writesBefore = arm.writes().length;

    const tooMany = await runAction(plannedAction("act", "appService.scaleOut", { resourceId: SITE_ID, instanceCount: 9 }, "x"), context(incident, makeHandler({ maxInstances: 4 })));
    const unbounded = await runAction(plannedAction("act", "appService.scaleOut", { resourceId: SITE_ID, instanceCount: 3 }, "x"), context(incident, makeHandler({ maxInstances: undefined })));
    const allowed = await runAction(plannedAction("act", "appService.scaleOut", { resourceId: SITE_ID, instanceCount: 4 }, "x"), context(incident, makeHandler({ maxInstances: 4 })));

    expect(tooMany.status).toBe("error");
    expect(unbounded.status).toBe("not_configured");
    expect(allowed.status).toBe("success");
    expect(arm.writes().length).toBe(writesBefore + 1);
    expect(arm.plans.get(PLAN_ID.toLowerCase())!.capacity).toBe(4);
  });

  test("runbook URL comes from the handler only", async () => {
    const incident = azureIncident({ key: "azure-monitor-exec-runbook" });
    const rule = makeHandler({ runbooks: { "clear-cache": `${automation.url}/webhooks?token=secret-token-value` } });

    const unknown = await runAction(plannedAction("act", "runbook.invokeWebhook", { runbook: "drop-tables" }, "x"), context(incident, rule));
    const known = await runAction(plannedAction("act", "runbook.invokeWebhook", { runbook: "clear-cache", resourceId: SITE_ID, parameters: { mode: "soft" } }, "x"), context(incident, rule));

    expect(unknown.status).toBe("not_configured");
    expect(known.status).toBe("success");
    expect(automation.requests).toHaveLength(1);
    expect(JSON.parse(automation.requests[0].body)).toEqual({ incidentKey: incident.key, runbook: "clear-cache", resourceId: SITE_ID, parameters: { mode: "soft" } });
    expect(JSON.stringify(known)).not.toContain("secret-token-value");
  });

  test("alert close acts on the incident's own alert", async () => {
    const incident = azureIncident({ key: "azure-monitor-exec-close" });
    const alert = arm.addAlert(incident.sourceId, "Acknowledged");
    const action: PlannedAction = plannedAction("close", "azureMonitor.closeAlert", { alertId: incident.sourceId, comment: "Recovered." }, "end it");

    const result = await runAction(action, context(incident));

    expect(result.status).toBe("success");
    expect(alert.state).toBe("Closed");
    expect(alert.changes[0].comment).toBe("Recovered.");
  });
});
