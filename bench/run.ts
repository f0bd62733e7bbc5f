import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runAcknowledge } from "./acknowledge";
import { runIngest } from "./ingest";
import { runPrompt } from "./prompt";
import { runStorm } from "./storm";
import { machineFacts } from "./support/machine";
import { checkGoals, renderMarkdown, type BenchReport } from "./support/report";

/**
 * `npm run bench`: runs the benchmarks, prints the Markdown report, and writes it with the JSON
 * figures to bench/results/latest.{md,json}. BENCH_QUICK=1 runs smaller loads; BENCH_ONLY picks
 * benchmarks (comma-separated: ingest, acknowledge, storm, prompt); BENCH_PROFILE=1 writes CPU
 * profiles of the hosts to bench/results/profiles; BENCH_DURABLE_LIMIT=n bounds the hosts' local
 * durable runtime to n episodes and n activities at a time (an experiment). Quick, partial and
 * experimental runs write bench/results/partial.{md,json} instead, so latest always contains a
 * complete run of the code as it is.
 */

const NAMES = ["ingest", "acknowledge", "storm", "prompt"] as const;
type BenchName = (typeof NAMES)[number];

function selected(): Set<BenchName> {
  const only = process.env.BENCH_ONLY?.trim();
  if (!only) return new Set(NAMES);
  const names = only.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !NAMES.includes(name as BenchName));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY has unknown benchmark ${unknown.join(", ")}; use ${NAMES.join(", ")}.`);
  return new Set(names as BenchName[]);
}

function command(): string {
  const settings = ["BENCH_QUICK", "BENCH_ONLY", "BENCH_PROFILE", "BENCH_DURABLE_LIMIT"].filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
  return [...settings, "npm run bench"].join(" ");
}

async function main(): Promise<void> {
  const quick = /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? "");
  const chosen = selected();
  const resultsDir = path.resolve(process.cwd(), "bench", "results");
  const profileDir = process.env.BENCH_PROFILE ? path.join(resultsDir, "profiles") : undefined;
  mkdirSync(resultsDir, { recursive: true });

  const startedAt = new Date();
  const report: Omit<BenchReport, "goals"> = {
    startedAt: startedAt.toISOString(),
    durationSeconds: 0,
    quick,
    machine: machineFacts(command()),
  };

  if (chosen.has("prompt")) {
    console.log("prompt: building prompts for 10 to 100,000 log rows");
    report.prompt = runPrompt({ rowCounts: [10, 100, 1_000, 10_000, 100_000], repeats: quick ? 3 : 7 });
  }
  if (chosen.has("ingest")) {
    console.log("ingest: alerts over HTTP at concurrency 1, 8 and 32");
    report.ingest = await runIngest({ concurrencyLevels: [1, 8, 32], requestsPerLevel: quick ? 60 : 300, runs: quick ? 1 : 3 }, profileDir);
  }
  if (chosen.has("acknowledge")) {
    console.log("acknowledge: PagerDuty webhooks to acknowledge and analysis");
    report.acknowledge = await runAcknowledge({ incidentsPerRun: quick ? 50 : 200, arrivalRates: [10, 25], runs: quick ? 1 : 3 }, profileDir);
  }
  if (chosen.has("storm")) {
    const distinctAlerts = quick ? 400 : 2_000;
    console.log(`storm: ${distinctAlerts * 5} deliveries of ${distinctAlerts} alerts`);
    report.storm = await runStorm({ distinctAlerts, deliveriesPerAlert: 5, resolvedShare: 0.1, concurrency: 64, runs: 1 }, profileDir);
  }

  report.durationSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const full: BenchReport = { ...report, goals: checkGoals(report) };
  const markdown = renderMarkdown(full);
  const experiment = Boolean(process.env.BENCH_DURABLE_LIMIT);
  const base = quick || experiment || chosen.size < NAMES.length ? "partial" : "latest";
  writeFileSync(path.join(resultsDir, `${base}.md`), markdown);
  writeFileSync(path.join(resultsDir, `${base}.json`), `${JSON.stringify(full, null, 2)}\n`);
  console.log(`\n${markdown}`);
  console.log(`Wrote bench/results/${base}.md and bench/results/${base}.json.`);
}

main().catch((error: Error) => {
  console.error(`The benchmarks failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
