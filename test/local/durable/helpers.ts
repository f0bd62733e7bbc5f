import type { Logger } from "../../../src/app/logger";
import type { TableStore } from "../../../src/storage/tables";
import type { WorkflowRegistry } from "../../../src/workflow/registry";
import { LocalDurableRuntime } from "../../../src/local/durable";
import { testTables } from "../../support/storage";

/** A logger that keeps every line, so tests can check what the runtime logged. */
export interface MemoryLogger extends Logger {
  lines: string[];
}

export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const write = (...args: unknown[]) => {
    lines.push(args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
  };
  return { lines, log: write, warn: write, error: write };
}

export interface TestRuntime {
  runtime: LocalDurableRuntime;
  tables: TableStore;
  logger: MemoryLogger;
}

/** Starts a runtime on fresh tables; `stopAll` stops every runtime made this way. */
const started: LocalDurableRuntime[] = [];

export function createRuntime(registry: WorkflowRegistry, tables: TableStore = testTables("dur"), options: { maxConcurrency?: number } = {}): TestRuntime {
  const logger = memoryLogger();
  const runtime = new LocalDurableRuntime({ registry, tables, logger, pollIntervalMs: 100, maxConcurrency: options.maxConcurrency ?? 8 });
  started.push(runtime);
  return { runtime, tables, logger };
}

export async function stopAll(): Promise<void> {
  await Promise.all(started.splice(0).map((runtime) => runtime.stop({ graceMs: 2000 })));
}

/** Polls `check` until it returns a value other than undefined or false; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise with its resolve function, for activities that a test releases. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
