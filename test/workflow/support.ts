import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { setAzureTlsOptions } from "../../src/investigation/azure";
import type { ThreadMessage } from "../../src/storage/threads";
import { loopbackCertificate, startFake, sendJson, type RecordedRequest, type RunningFake } from "../fakes/https";
import { startFakePagerDuty, type FakePagerDuty } from "../fakes/pagerduty";
import { startArmFake, type ArmFake } from "../fakes/arm";
import { installArmActions, testCredential, type ArmActions } from "../fakes/armActions";
import { startTestApp, type TestApp } from "../support/app";

/**
 * The act step end to end. The harness runs the local host with the real durable runtime and
 * Azurite, a PagerDuty fake, one ARM fake for metrics and write actions, a health endpoint whose
 * status follows the web app's restarts, and a chat webhook. Each scenario uses its own alert rule, handler, web app
 * and alert, so scenarios share one host.
 */

export const SUBSCRIPTION_ID = "00000000-0000-0000-0000-0000000000e2";

/** When a scenario's health endpoint is healthy: only after a restart, never, or always. */
export type ProbeMode = "after-restart" | "never" | "always";

export interface Scenario {
  rule: string;
  siteId: string;
  planId: string;
  alertId: string;
  incidentKey: string;
}

export interface ActHarness {
  app: TestApp;
  pagerDuty: FakePagerDuty;
  arm: ArmFake;
  actions: ArmActions;
  chat: RunningFake;
  /** Chat messages received, as `{text}` bodies. */
  chatMessages(): string[];
  /** Runs for every chat message before the webhook responds. */
  onChat?: (text: string) => Promise<void>;
  /** Creates a scenario: web app, plan, alert in the ARM fake, and the probe behaviour. */
  scenario(name: string, probe: ProbeMode): Scenario;
  putHandler(name: string, config: Record<string, unknown>): Promise<void>;
  /** Posts the scenario's metric alert (`Fired` or `Resolved`) to intake. */
  sendAlert(scenario: Scenario, condition?: "Fired" | "Resolved"): Promise<void>;
  waitFor(scenario: Scenario, done: (messages: ThreadMessage[]) => boolean, timeoutMs?: number): Promise<ThreadMessage[]>;
  /** Opens an approval link and posts a decision with the page's CSRF token. */
  decide(link: string, decision: "approve" | "deny", name?: string): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

const PROBE_MODES = new Map<string, ProbeMode>();

/** Starts the health endpoint `/health/{app name}`; its status follows the scenario's probe mode. */
export function startProbeFake(actions: ArmActions): Promise<RunningFake> {
  return startFake((request: RecordedRequest, response: ServerResponse) => {
    const name = request.path.split("/").pop() ?? "";
    const mode = PROBE_MODES.get(name) ?? "never";
    const site = [...actions.sites.entries()].find(([id]) => id.endsWith(`/sites/${name}`))?.[1];
    const healthy = mode === "always" || (mode === "after-restart" && (site?.restarts ?? 0) > 0);
    response.writeHead(healthy ? 200 : 503, { "content-type": "text/plain" });
    response.end(healthy ? "ok" : "unavailable");
  }, { tls: false });
}

/** Creates a scenario: web app, plan and alert in the ARM fake, and the probe's behaviour. */
export function createScenario(actions: ArmActions, name: string, mode: ProbeMode): Scenario {
  const group = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/rg-${name}`;
  const siteId = `${group}/providers/Microsoft.Web/sites/app-${name}`;
  const planId = `${group}/providers/Microsoft.Web/serverfarms/plan-${name}`;
  const guid = randomUUID();
  const alertId = `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.AlertsManagement/alerts/${guid}`;
  actions.addSite(siteId, planId, 2);
  actions.addAlert(alertId);
  PROBE_MODES.set(`app-${name}`, mode);
  return { rule: `rule-${name}`, siteId, planId, alertId, incidentKey: `azure-monitor-${guid}` };
}

/** Returns the scenario's health endpoint URL on the probe fake. */
export function probeUrl(probe: RunningFake, scenario: Scenario): string {
  return `${probe.url}/health/${scenario.siteId.split("/").pop()}`;
}

export async function startActHarness(): Promise<ActHarness> {
  setAzureTlsOptions({ ca: loopbackCertificate });
  const pagerDuty = await startFakePagerDuty();
  const arm = await startArmFake();
  const actions = installArmActions(arm);
  const chatTexts: string[] = [];
  const probe = await startProbeFake(actions);

  const harness: Partial<ActHarness> = {};
  const chat = await startFake(async (request, response) => {
    const text = (JSON.parse(request.body) as { text: string }).text;
    chatTexts.push(text);
    if (harness.onChat) await harness.onChat(text);
    sendJson(response, 200, { ok: true });
  }, { tls: false });

  const env = {
    PAGERDUTY_API_KEY: pagerDuty.apiKey,
    PAGERDUTY_FROM_EMAIL: pagerDuty.fromEmail,
    PAGERDUTY_API_URL: pagerDuty.url,
    PAGERDUTY_ALLOW_UNSIGNED: "true",
    AZURE_ARM_ENDPOINT: arm.url,
    COLLECTOR_TIMEOUT_SECONDS: "10",
  };
  const app = await startTestApp({ env, azureCredential: testCredential });

  Object.assign(harness, {
    get app() {
      return app;
    },
    pagerDuty,
    arm,
    actions,
    chat,
    chatMessages: () => [...chatTexts],

    scenario(name: string, mode: ProbeMode): Scenario {
      return createScenario(actions, name, mode);
    },

    async putHandler(name: string, config: Record<string, unknown>) {
      const response = await fetch(`${app.url}/api/handlers/${name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(config) });
      if (response.status >= 300) throw new Error(`PUT handler ${name} answered ${response.status}: ${await response.text()}`);
    },

    async sendAlert(scenario: Scenario, condition: "Fired" | "Resolved" = "Fired") {
      const response = await app.post("/api/alerts/azure-monitor", metricAlert(scenario, probeUrl(probe, scenario), condition));
      if (response.status !== 202) throw new Error(`Alert intake answered ${response.status}: ${JSON.stringify(response.json)}`);
    },

    waitFor(scenario: Scenario, done: (messages: ThreadMessage[]) => boolean, timeoutMs = 30_000) {
      return app.waitForThread(scenario.incidentKey, done, timeoutMs);
    },

    async decide(original: string, decision: "approve" | "deny", name = "Ada Lovelace") {
      const link = `${app.url}${new URL(original).pathname}`;
      const page = await (await fetch(link)).text();
      const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
      const response = await fetch(link, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ decision, csrf, name }).toString(),
      });
      return { status: response.status, text: await response.text() };
    },

    async stop() {
      await app.stop();
      setAzureTlsOptions(undefined);
      await Promise.all([pagerDuty.close(), arm.close(), probe.close(), chat.close()]);
    },
  });
  return harness as ActHarness;
}

/** Builds a common-schema metric alert (HTTP 5xx above 10) on the scenario's web app. */
export function metricAlert(scenario: Scenario, healthProbeUrl: string, condition: "Fired" | "Resolved") {
  const fired = new Date(Date.now() - 5 * 60_000);
  return {
    schemaId: "azureMonitorCommonAlertSchema",
    data: {
      essentials: {
        alertId: scenario.alertId,
        alertRule: scenario.rule,
        severity: "Sev2",
        signalType: "Metric",
        monitorCondition: condition,
        monitoringService: "Platform",
        alertTargetIDs: [scenario.siteId.toLowerCase()],
        configurationItems: [scenario.siteId.split("/").pop()],
        originAlertId: `${SUBSCRIPTION_ID}_${scenario.rule}`,
        firedDateTime: fired.toISOString(),
        ...(condition === "Resolved" ? { resolvedDateTime: new Date().toISOString() } : {}),
        description: "HTTP 5xx responses above 10 in 5 minutes.",
        essentialsVersion: "1.0",
        alertContextVersion: "1.0",
      },
      alertContext: {
        properties: null,
        conditionType: "SingleResourceMultipleMetricCriteria",
        condition: {
          windowSize: "PT5M",
          allOf: [{ metricName: "Http5xx", metricNamespace: "Microsoft.Web/sites", operator: "GreaterThan", threshold: "10", timeAggregation: "Total", dimensions: [], metricValue: 42 }],
          windowStartTime: new Date(fired.getTime() - 5 * 60_000).toISOString(),
          windowEndTime: fired.toISOString(),
        },
      },
      customProperties: { healthProbeUrl },
    },
  };
}

/** Returns the link of the n-th approval request in the thread (1-based). */
export function approvalLink(messages: ThreadMessage[], index = 1): string {
  const requests = messages.filter((message) => message.kind === "approval-requested");
  const link = (requests[index - 1]?.data as { link?: string } | undefined)?.link;
  if (!link) throw new Error(`No approval request ${index} in the thread.`);
  return link;
}

export function countKind(messages: ThreadMessage[], kind: string): number {
  return messages.filter((message) => message.kind === kind).length;
}

export function has(kind: string, count = 1) {
  return (messages: ThreadMessage[]) => countKind(messages, kind) >= count;
}

/** True once the agent wrote its closing message (`resolved` or `escalated`, or a closing notice). */
export function finished(messages: ThreadMessage[]): boolean {
  return messages.some((message) => message.id.startsWith("close-"));
}
