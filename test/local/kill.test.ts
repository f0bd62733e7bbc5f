import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../src/local/azurite";
import { ThreadStore } from "../../src/storage/threads";
import { IncidentStore } from "../../src/storage/incidents";
import { startFake, type RunningFake } from "../fakes/https";
import { childHostEnvironment, testTables } from "../support/storage";

/**
 * Kills the real local host (`dist/src/local/main.js`, built by `npm test`) with SIGKILL while an
 * incident waits on its health probe, starts it again on the same storage, and checks that the
 * incident completes without repeating the steps that had finished.
 */
describe("local host killed mid-incident", () => {
  let probe: RunningFake;
  let probeHangs = true;
  const pending: Array<() => void> = [];
  let host: ChildProcess | undefined;

  beforeAll(async () => {
    probe = await startFake(
      (_request, response) => {
        if (!probeHangs) {
          response.writeHead(200, { "content-type": "text/plain" });
          response.end("ok");
          return;
        }
        pending.push(() => response.destroy());
      },
      { tls: false },
    );
  });

  afterAll(async () => {
    host?.kill("SIGKILL");
    pending.forEach((release) => release());
    await probe.close();
  });

  function startHost(env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [path.resolve("dist/src/local/main.js")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.resume();
    child.stderr?.resume();
    return child;
  }

  async function waitForHealth(url: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`${url}/api/health`).then((response) => response.ok).catch(() => false);
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Host at ${url} did not become healthy.`);
  }

  test("resumes and finishes with one acknowledgement", async () => {
    const tables = testTables("kill");
    const threads = new ThreadStore(tables);
    const incidents = new IncidentStore(tables);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = childHostEnvironment(tables, port, { COLLECTOR_TIMEOUT_SECONDS: "120" });

    host = startHost(env);
    await waitForHealth(url);
    const alert = JSON.parse(readFileSync(path.resolve(process.cwd(), "../shared/corpus/az-cs-metric-static-fired.json"), "utf8"));
    alert.data.customProperties = { healthProbeUrl: `${probe.url}/health` };
    const accepted = await fetch(`${url}/api/alerts/azure-monitor`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alert),
    }).then((response) => response.json() as Promise<{ incidentKey: string }>);
    const key = accepted.incidentKey;

    const probed = Date.now() + 20_000;
    while (probe.requests.length === 0 && Date.now() < probed) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(probe.requests.length).toBeGreaterThan(0);
    const before = await threads.list(key);
    expect(before.map((message) => message.kind)).toContain("acknowledged");
    expect(before.map((message) => message.kind)).not.toContain("analysis");

    host.kill("SIGKILL");
    await new Promise((resolve) => host!.once("exit", resolve));
    pending.forEach((release) => release());
    probeHangs = false;

    host = startHost(env);
    await waitForHealth(url);
    const deadline = Date.now() + 30_000;
    let after = await threads.list(key);
    while (!after.some((message) => message.kind === "analysis") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await threads.list(key);
    }

    expect(after.map((message) => message.kind)).toContain("analysis");
    expect(after.filter((message) => message.kind === "acknowledged")).toHaveLength(1);
    expect(after.filter((message) => message.kind === "routing")).toHaveLength(1);
    const probeEvidence = after.find((message) => message.kind === "evidence" && (message.data as { collector?: string }).collector === "probe");
    expect((probeEvidence?.data as { status?: string }).status).toBe("success");
    const stored = await incidents.get(key);
    expect(stored?.incident.analyzedAt).toBeDefined();

    host.kill("SIGTERM");
    await new Promise((resolve) => host!.once("exit", resolve));
    host = undefined;
  }, 90_000);
});
