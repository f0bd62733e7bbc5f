import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { odata } from "@azure/data-tables";
import { HistoryEventType } from "../../../src/local/durable/library";
import { testConnectionString, testTables } from "../../support/storage";
import { crashRegistry, SIDE_EFFECTS_TABLE } from "./fixtures/workflows";
import { createRuntime, sleep, stopAll } from "./helpers";
import type { TableStore } from "../../../src/storage/tables";

afterEach(stopAll);

const projectRoot = path.resolve(__dirname, "../../..");
const crashHost = path.join(__dirname, "fixtures", "crashHost.ts");

/** Starts the crash host on `tables` and resolves once it prints `line`. */
async function startChild(tables: TableStore, orchestration: string, instanceId: string, line: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["-r", "ts-node/register", crashHost, orchestration, instanceId], {
    cwd: projectRoot,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", TEST_STORAGE_CONNECTION_STRING: testConnectionString(), DURABLE_TEST_PREFIX: tables.prefix },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let errors = "";
  child.stderr!.on("data", (chunk) => (errors += chunk));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The crash host did not print "${line}" within 45 s. stdout: ${output} stderr: ${errors}`)), 45_000);
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.split("\n").includes(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The crash host exited with code ${code} before printing "${line}". stderr: ${errors}`));
    });
  });
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, "exit");
  child.kill("SIGKILL");
  await exited;
}

/** Counts the side-effect rows of an instance by step. */
async function runsByStep(tables: TableStore, instanceId: string): Promise<Record<string, number>> {
  const table = await tables.table(SIDE_EFFECTS_TABLE);
  const counts: Record<string, number> = {};
  for await (const row of table.listEntities<{ step: string }>({ queryOptions: { filter: odata`PartitionKey eq ${instanceId}` } })) {
    counts[row.step] = (counts[row.step] ?? 0) + 1;
  }
  return counts;
}

describe("LocalDurableRuntime after SIGKILL", () => {
  test("resumes a killed activity and runs finished ones once", async () => {
    const tables = testTables("crash");
    const child = await startChild(tables, "crashDuringActivity", "crash-activity", "hanging");
    await kill(child);

    expect(await runsByStep(tables, "crash-activity")).toEqual({ one: 1, two: 1 });

    const { runtime } = createRuntime(crashRegistry(tables, { hang: false }), tables);
    expect(await runtime.resume()).toBe(1);
    const status = await runtime.whenFinished("crash-activity", 20_000);

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toBe("done");
    // Step two was running when the process died, so it runs again (at least once); step one does not.
    expect(await runsByStep(tables, "crash-activity")).toEqual({ one: 1, two: 2, three: 1 });

    const history = (await runtime.history("crash-activity"))!;
    const results = history.filter((item) => item.EventType === HistoryEventType.TaskCompleted).map((item) => item.TaskScheduledId);
    expect(results).toEqual([...new Set(results)]);
    expect(results).toHaveLength(3);
  }, 60_000);

  test("fires a timer that came due while the process was down", async () => {
    const tables = testTables("crash");
    const child = await startChild(tables, "crashDuringTimer", "crash-timer", "timer-pending");
    await kill(child);

    const { runtime } = createRuntime(crashRegistry(tables, { hang: false }), tables);
    const before = (await runtime.history("crash-timer"))!;
    const created = before.find((item) => item.EventType === HistoryEventType.TimerCreated)!;
    expect(before.some((item) => item.EventType === HistoryEventType.TimerFired)).toBe(false);
    // Wait until the timer is due while no process runs the instance.
    await sleep(Math.max(0, Date.parse(created.FireAt!) - Date.now() + 50));

    expect(await runtime.resume()).toBe(1);
    const status = await runtime.whenFinished("crash-timer", 20_000);

    expect(status.runtimeStatus).toBe("Completed");
    expect(await runsByStep(tables, "crash-timer")).toEqual({ a: 1, b: 1 });
    const history = (await runtime.history("crash-timer"))!;
    const fired = history.find((item) => item.EventType === HistoryEventType.TimerFired)!;
    expect(fired.TimerId).toBe(created.EventId);
  }, 60_000);
});
