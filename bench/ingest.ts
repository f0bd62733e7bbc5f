import { performance } from "node:perf_hooks";
import { TableClient } from "@azure/data-tables";
import { AZURE_MONITOR_PATH, azureIncidentKey, azureMonitorAlert, newAlertGuid } from "./support/alerts";
import { runConcurrently } from "./support/http";
import { startStack, waitForAnalyses, type BenchStack } from "./support/stack";
import { medianOfRuns, summarize } from "./support/stats";

/**
 * Ingest: Azure Monitor alerts with unique ids POSTed over HTTP to the host at several
 * concurrency levels (validation, payload and incident records, orchestration start), beside raw
 * single-entity inserts into the same Azurite at the same concurrency.
 */

export interface IngestConfig {
  concurrencyLevels: number[];
  requestsPerLevel: number;
  runs: number;
}

export interface IngestLevelResult {
  concurrency: number;
  requests: number;
  alertsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Responses other than 202, summed over the runs. */
  non202: number;
  rawInsertsPerSecond: number;
  /** Ingest throughput as a share of raw insert throughput at the same concurrency. */
  ratio: number;
  /** Seconds from the last 202 until every incident of the level had its analysis. */
  drainSeconds: number;
}

export interface IngestResult {
  levels: IngestLevelResult[];
  hostPeakRssMiB?: number;
  hostErrors: number;
  firstHostErrors: string[];
}

const DRAIN_TIMEOUT_MS = 180_000;

async function rawInserts(stack: BenchStack, table: string, count: number, concurrency: number, body: string): Promise<number> {
  const client = TableClient.fromConnectionString(stack.azurite.connectionString, table, { allowInsecureConnection: true });
  await client.createTable();
  const started = performance.now();
  await runConcurrently(
    Array.from({ length: count }, (_, index) => index),
    concurrency,
    (index) => client.createEntity({ partitionKey: "raw", rowKey: `row-${String(index).padStart(8, "0")}`, body }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function ingestLevel(stack: BenchStack, count: number, concurrency: number): Promise<{ alertsPerSecond: number; latencies: number[]; non202: number; keys: Set<string> }> {
  const guids = Array.from({ length: count }, () => newAlertGuid());
  const bodies = guids.map((guid) => azureMonitorAlert(guid));
  const started = performance.now();
  const answers = await runConcurrently(bodies, concurrency, (body) => stack.client.post(AZURE_MONITOR_PATH, body));
  const seconds = (performance.now() - started) / 1000;
  return {
    alertsPerSecond: count / seconds,
    latencies: answers.map((answer) => answer.latencyMs),
    non202: answers.filter((answer) => answer.status !== 202).length,
    keys: new Set(guids.map(azureIncidentKey)),
  };
}

async function drain(stack: BenchStack, keys: Set<string>): Promise<number> {
  const started = performance.now();
  const { done } = await waitForAnalyses(stack, keys, DRAIN_TIMEOUT_MS);
  if (!done) throw new Error(`Ingest: incidents were still not analyzed ${DRAIN_TIMEOUT_MS / 1000} s after the load ended.`);
  return (performance.now() - started) / 1000;
}

/**
 * Each run starts a fresh Azurite and host, because Azurite's in-memory tables respond more slowly
 * as they fill, which would make later runs slower than earlier ones.
 */
export async function runIngest(config: IngestConfig, cpuProfileDir?: string): Promise<IngestResult> {
  const perLevel = new Map<number, IngestLevelResult[]>();
  let hostPeakRssMiB: number | undefined;
  let hostErrors = 0;
  const firstHostErrors: string[] = [];

  for (let run = 1; run <= config.runs; run++) {
    const stack = await startStack({ maxSockets: Math.max(...config.concurrencyLevels), cpuProfileDir: run === 1 ? cpuProfileDir : undefined });
    try {
      // Warm-up: creates the tables and compiles the hot paths before anything is measured.
      const warm = await ingestLevel(stack, 20, 1);
      await drain(stack, warm.keys);
      const sampleBody = azureMonitorAlert(newAlertGuid()).toString("utf8");

      for (const concurrency of config.concurrencyLevels) {
        const raw = await rawInserts(stack, `benchraw${concurrency}`, config.requestsPerLevel, concurrency, sampleBody);
        const ingest = await ingestLevel(stack, config.requestsPerLevel, concurrency);
        const drainSeconds = await drain(stack, ingest.keys);
        const latency = summarize(ingest.latencies);
        const results = perLevel.get(concurrency) ?? [];
        results.push({
          concurrency,
          requests: config.requestsPerLevel,
          alertsPerSecond: ingest.alertsPerSecond,
          p50Ms: latency.p50,
          p95Ms: latency.p95,
          p99Ms: latency.p99,
          non202: ingest.non202,
          rawInsertsPerSecond: raw,
          ratio: ingest.alertsPerSecond / raw,
          drainSeconds,
        });
        perLevel.set(concurrency, results);
      }
      hostPeakRssMiB = Math.max(hostPeakRssMiB ?? 0, stack.host.memory()?.peakRssMiB ?? 0);
      hostErrors += stack.host.errorCount();
      firstHostErrors.push(...stack.host.firstErrors().slice(0, 5 - firstHostErrors.length));
    } finally {
      await stack.stop();
    }
  }

  const levels = config.concurrencyLevels.map((concurrency) => {
    const runs = perLevel.get(concurrency)!;
    return { ...medianOfRuns(runs), non202: runs.reduce((sum, run) => sum + run.non202, 0) };
  });
  return { levels, hostPeakRssMiB, hostErrors, firstHostErrors };
}
