import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { freePort } from "../../src/local/azurite";
import { ThreadStore } from "../../src/storage/threads";
import { IncidentStore } from "../../src/storage/incidents";
import { setAzureTlsOptions } from "../../src/investigation/azure";
import type { ThreadMessage } from "../../src/storage/threads";
import { loopbackCertificate, type RunningFake } from "../fakes/https";
import { startArmFake, type ArmFake } from "../fakes/arm";
import { installArmActions, type ArmActions } from "../fakes/armActions";
import { childHostEnvironment, testTables } from "../support/storage";
import { approvalLink, countKind, createScenario, finished, has, metricAlert, probeUrl, startProbeFake } from "./support";

const projectRoot = path.resolve(__dirname, "../..");
const hostScript = path.join(__dirname, "fixtures", "actHost.ts");

/**
 * Kills the host process with SIGKILL while an incident waits for approval, then starts a new host
 * on the same storage and port. The wait must resume: the old link still decides, the restart runs
 * once, and no finished step repeats.
 */
describe("host killed during an approval wait", () => {
  let arm: ArmFake;
  let actions: ArmActions;
  let probe: RunningFake;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    arm = await startArmFake();
    actions = installArmActions(arm);
    probe = await startProbeFake(actions);
  });

  afterAll(async () => {
    child?.kill("SIGKILL");
    setAzureTlsOptions(undefined);
    await Promise.all([arm.close(), probe.close()]);
  });

  async function startHost(env: Record<string, string>): Promise<ChildProcess> {
    const started = spawn(process.execPath, ["-r", "ts-node/register", hostScript], {
      cwd: projectRoot,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ACT_HOST_ENV: JSON.stringify(env) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    started.stderr!.on("data", (chunk) => (errors += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The host did not start within 45 s. stdout: ${output} stderr: ${errors}`)), 45_000);
      started.stdout!.on("data", (chunk) => {
        output += chunk;
        if (output.includes("listening ")) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`The host exited with code ${code} before it served. stderr: ${errors}`));
      });
    });
    return started;
  }

  async function waitForThread(threads: ThreadStore, key: string, done: (messages: ThreadMessage[]) => boolean): Promise<ThreadMessage[]> {
    const deadline = Date.now() + 30_000;
    let messages: ThreadMessage[] = [];
    while (Date.now() < deadline) {
      messages = await threads.list(key);
      if (done(messages)) return messages;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Thread of ${key} did not reach the expected state. Kinds: ${messages.map((message) => message.kind).join(", ")}`);
  }

  async function decide(link: string, decision: "approve" | "deny"): Promise<number> {
    const page = await (await fetch(link)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const response = await fetch(link, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ decision, csrf, name: "Ada Lovelace" }).toString(),
    });
    return response.status;
  }

  test("wait resumes after SIGKILL", async () => {
    const tables = testTables("actkill");
    const threads = new ThreadStore(tables);
    const incidents = new IncidentStore(tables);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = childHostEnvironment(tables, port, { AZURE_ARM_ENDPOINT: arm.url, COLLECTOR_TIMEOUT_SECONDS: "10" });
    const scenario = createScenario(actions, "kill", "after-restart");

    child = await startHost(env);
    const handler = await fetch(`${url}/api/handlers/reader-kill`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        order: 10,
        match: { alertRules: [scenario.rule] },
        autonomy: "reader",
        tools: ["probe.http", "azureMonitor.acknowledgeAlert", "azureMonitor.closeAlert", "appService.restart"],
        approval: { timeoutMinutes: 2, onTimeout: "escalate" },
        verifyAfterMinutes: 0.01,
      }),
    });
    expect(handler.status).toBeLessThan(300);
    const accepted = await fetch(`${url}/api/alerts/azure-monitor`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(metricAlert(scenario, probeUrl(probe, scenario), "Fired")),
    });
    expect(accepted.status).toBe(202);
    const waiting = await waitForThread(threads, scenario.incidentKey, has("approval-requested"));

    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
    child = await startHost(env);

    expect(await decide(approvalLink(waiting), "approve")).toBe(200);
    const closing = await waitForThread(threads, scenario.incidentKey, has("approval-requested", 2));
    expect(await decide(approvalLink(closing, 2), "approve")).toBe(200);
    const messages = await waitForThread(threads, scenario.incidentKey, finished);

    expect(actions.sites.get(scenario.siteId.toLowerCase())!.restarts).toBe(1);
    expect(actions.alerts.get(scenario.alertId.toLowerCase())!.state).toBe("Closed");
    expect(countKind(messages, "acknowledged")).toBe(1);
    expect(countKind(messages, "analysis")).toBe(1);
    expect(countKind(messages, "approval-requested")).toBe(2);
    expect((await incidents.get(scenario.incidentKey))?.incident.status).toBe("resolved");

    const stopped = once(child, "exit");
    child.kill("SIGTERM");
    await stopped;
    child = undefined;
  }, 120_000);
});
