import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

/** A local host running in a child process, so its memory can be read apart from the load generator's. */
export interface HostProcess {
  url: string;
  pid: number;
  /** Error lines the host wrote so far (the first few are kept in `firstErrors`). */
  errorCount(): number;
  firstErrors(): string[];
  /** Peak and current resident set size of the host process in MiB, from /proc (Linux only). */
  memory(): { peakRssMiB: number; rssMiB: number } | undefined;
  /** Stops the host with SIGTERM; SIGKILL after 10 s. */
  stop(): Promise<void>;
}

export interface HostProcessOptions {
  env: Record<string, string>;
  /** Write a V8 CPU profile of the host into this folder (`node --cpu-prof`). */
  cpuProfileDir?: string;
}

/** Reads VmHWM (peak) and VmRSS (current) of `pid` in MiB; undefined where /proc is not available. */
export function processMemory(pid: number): { peakRssMiB: number; rssMiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
    return { peakRssMiB: field("VmHWM"), rssMiB: field("VmRSS") };
  } catch {
    return undefined;
  }
}

/** Starts `dist/bench/host.js` with `env` as its settings and waits until it listens. */
export async function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const script = path.join(__dirname, "..", "host.js");
  const nodeArgs = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, BENCH_HOST_ENV: JSON.stringify(options.env) },
    stdio: ["ignore", "pipe", "pipe"],
  });

  let errors = 0;
  const first: string[] = [];
  let stderrTail = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
    for (const line of chunk.split("\n")) {
      if (!line.startsWith("error: ")) continue;
      errors++;
      if (first.length < 5) first.push(line.slice(7, 400));
    }
  });

  const url = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`The benchmark host did not start within 60 s. stderr: ${stderrTail}`)), 60_000);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      const match = /listening (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The benchmark host exited with code ${code} before it listened. stderr: ${stderrTail}`));
    });
  });

  return {
    url,
    pid: child.pid!,
    errorCount: () => errors,
    firstErrors: () => [...first],
    memory: () => processMemory(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        child.once("exit", () => {
          clearTimeout(killer);
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}
