import { performance } from "node:perf_hooks";
import { startBenchPagerDuty, type BenchPagerDuty } from "./fakes/pagerduty";
import { PAGERDUTY_PATH, newPagerDutyIncidentId, pagerDutyTriggered } from "./support/alerts";
import { runConcurrently, sleep } from "./support/http";
import { startStack, waitForAnalyses, type BenchStack } from "./support/stack";
import { median, summarize } from "./support/stats";

/**
 * Time to acknowledge and to initial analysis. Signed PagerDuty `incident.triggered` webhooks
 * arrive at a fixed rate. For each incident it measures the time from the start of its POST until
 * the acknowledge reached the loopback PagerDuty, and until the `analysis` message was written to
 * its thread. The host runs the rule-based analyst.
 */

export interface AcknowledgeConfig {
  incidentsPerRun: number;
  /** Webhooks started per second, open loop: a slow response does not delay the next webhook. One result per rate. */
  arrivalRates: number[];
  runs: number;
}

export interface AcknowledgeResult {
  incidentsPerRun: number;
  runs: number;
  rates: AcknowledgeRateResult[];
  pagerDutyRequests: Record<string, number>;
  hostPeakRssMiB?: number;
  hostErrors: number;
  firstHostErrors: string[];
}

export interface AcknowledgeRateResult {
  arrivalsPerSecond: number;
  ackP50Ms: number;
  ackP95Ms: number;
  ackMaxMs: number;
  analysisP50Ms: number;
  analysisP95Ms: number;
  analysisMaxMs: number;
  /** Incidents whose acknowledge never reached PagerDuty, summed over the runs. */
  missingAcks: number;
  missingAnalyses: number;
  non202: number;
}

const SECRET = "bench-pagerduty-webhook-secret";
const SETTLE_TIMEOUT_MS = 180_000;

interface RunFigures {
  ack: number[];
  analysis: number[];
  missingAcks: number;
  missingAnalyses: number;
  non202: number;
}

async function runOnce(stack: BenchStack, pagerDuty: BenchPagerDuty, count: number, perSecond: number, firstIndex: number): Promise<RunFigures> {
  const incidents = Array.from({ length: count }, (_, index) => newPagerDutyIncidentId(firstIndex + index));
  const startedAt = new Map<string, number>();
  const statuses: number[] = [];
  const gapMs = 1000 / perSecond;
  const begin = performance.now();

  const sends: Array<Promise<void>> = [];
  for (const [index, incidentId] of incidents.entries()) {
    const due = begin + index * gapMs;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    pagerDuty.add(incidentId);
    const webhook = pagerDutyTriggered(incidentId, SECRET);
    startedAt.set(incidentId, Date.now());
    sends.push(stack.client.post(PAGERDUTY_PATH, webhook.body, webhook.headers).then((answer) => void statuses.push(answer.status)));
  }
  await Promise.all(sends);

  const keys = new Set(incidents.map((id) => `pagerduty-${id}`.toLowerCase()));
  await waitForAnalyses(stack, keys, SETTLE_TIMEOUT_MS);

  const ack: number[] = [];
  const analysis: number[] = [];
  let missingAcks = 0;
  let missingAnalyses = 0;
  await runConcurrently(incidents, 8, async (incidentId) => {
    const sent = startedAt.get(incidentId)!;
    const acknowledged = pagerDuty.acknowledgedAt(incidentId);
    if (acknowledged === undefined) missingAcks++;
    else ack.push(acknowledged - sent);

    const thread = await stack.threads.list(`pagerduty-${incidentId}`.toLowerCase());
    const message = thread.find((item) => item.kind === "analysis");
    if (!message) missingAnalyses++;
    else analysis.push(Date.parse(message.at) - sent);
  });
  return { ack, analysis, missingAcks, missingAnalyses, non202: statuses.filter((status) => status !== 202).length };
}

/** Runs the benchmark; each run starts a fresh Azurite and host, for the reason given at `runIngest`. */
export async function runAcknowledge(config: AcknowledgeConfig, cpuProfileDir?: string): Promise<AcknowledgeResult> {
  const pagerDuty = await startBenchPagerDuty();
  const perRate = new Map<number, RunFigures[]>(config.arrivalRates.map((rate) => [rate, []]));
  let hostPeakRssMiB: number | undefined;
  let hostErrors = 0;
  const firstHostErrors: string[] = [];
  let firstIndex = 0;

  try {
    for (let run = 1; run <= config.runs; run++) {
      const stack = await startStack({
        maxSockets: 64,
        cpuProfileDir: run === 1 ? cpuProfileDir : undefined,
        env: {
          PAGERDUTY_WEBHOOK_SECRET: SECRET,
          PAGERDUTY_API_KEY: pagerDuty.apiKey,
          PAGERDUTY_FROM_EMAIL: pagerDuty.fromEmail,
          PAGERDUTY_API_URL: pagerDuty.url,
          PAGERDUTY_AGENT_USER_ID: pagerDuty.agentUserId,
        },
      });
      try {
        // Warm-up, not measured.
        await runOnce(stack, pagerDuty, 10, config.arrivalRates[0], (firstIndex += 100_000));
        for (const rate of config.arrivalRates) {
          perRate.get(rate)!.push(await runOnce(stack, pagerDuty, config.incidentsPerRun, rate, (firstIndex += 100_000)));
        }
        hostPeakRssMiB = Math.max(hostPeakRssMiB ?? 0, stack.host.memory()?.peakRssMiB ?? 0);
        hostErrors += stack.host.errorCount();
        firstHostErrors.push(...stack.host.firstErrors().slice(0, 5 - firstHostErrors.length));
      } finally {
        await stack.stop();
      }
    }

    return {
      incidentsPerRun: config.incidentsPerRun,
      runs: config.runs,
      rates: config.arrivalRates.map((rate) => combine(rate, perRate.get(rate)!)),
      pagerDutyRequests: pagerDuty.requestCounts(),
      hostPeakRssMiB,
      hostErrors,
      firstHostErrors,
    };
  } finally {
    await pagerDuty.close();
  }
}

/** Medians of the runs' percentiles; the maximum over all runs; missing counts summed. */
function combine(rate: number, runs: RunFigures[]): AcknowledgeRateResult {
  const ack = runs.map((run) => summarize(run.ack));
  const analysis = runs.map((run) => summarize(run.analysis));
  return {
    arrivalsPerSecond: rate,
    ackP50Ms: median(ack.map((item) => item.p50)),
    ackP95Ms: median(ack.map((item) => item.p95)),
    ackMaxMs: Math.max(...ack.map((item) => item.max)),
    analysisP50Ms: median(analysis.map((item) => item.p50)),
    analysisP95Ms: median(analysis.map((item) => item.p95)),
    analysisMaxMs: Math.max(...analysis.map((item) => item.max)),
    missingAcks: runs.reduce((sum, run) => sum + run.missingAcks, 0),
    missingAnalyses: runs.reduce((sum, run) => sum + run.missingAnalyses, 0),
    non202: runs.reduce((sum, run) => sum + run.non202, 0),
  };
}
