import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** The machine, software and command behind a benchmark report. */
export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  packages: Record<string, string>;
  gitCommit: string;
  /** True when the working tree had uncommitted changes, so the commit alone does not reproduce the run. */
  gitDirty: boolean;
  command: string;
}

const PACKAGES = ["durable-functions", "azurite", "@azure/data-tables", "@azure/functions", "typescript"];

function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(process.cwd(), "node_modules", name, "package.json"), "utf8")) as { version?: string };
    return manifest.version ?? "unknown";
  } catch {
    return "not installed";
  }
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** Reads the facts of this machine and checkout; `command` is how the benchmarks were started. */
export function machineFacts(command: string): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    gitCommit: git(["rev-parse", "HEAD"]) ?? "unknown",
    gitDirty: (git(["status", "--porcelain", "--untracked-files=no"]) ?? "") !== "",
    command,
  };
}
