import { performance } from "node:perf_hooks";
import { AZURE_MONITOR_PATH, azureIncidentKey, azureMonitorAlert, newAlertGuid, shuffle } from "./support/alerts";
import { runConcurrently, sleep } from "./support/http";
import { startStack, waitForAnalyses } from "./support/stack";
import { median } from "./support/stats";

/**
 * Storm: every distinct alert is delivered several times, some with a `Resolved` among its
 * deliveries, all shuffled and sent concurrently. A delivery answered 503 is sent again after a
 * pause, as Azure Monitor does. Counts incidents and lost alerts, reads the host's peak memory,
 * and times how long until every incident that is not resolved has its analysis.
 */

export interface StormConfig {
  distinctAlerts: number;
  deliveriesPerAlert: number;
  /** Share of the distinct alerts that get one `Resolved` among their deliveries. */
  resolvedShare: number;
  concurrency: number;
  runs: number;
}

export interface StormResult {
  deliveries: number;
  distinctAlerts: number;
  alertsWithResolved: number;
  concurrency: number;
  runs: number;
  /** Incident records for the storm's alerts; must equal `distinctAlerts`. */
  incidents: number;
  /** Distinct alerts without an incident record; must be 0. */
  lostAlerts: number;
  /** Incident records for keys the storm never sent; must be 0. */
  strayIncidents: number;
  /** First-attempt responses by status. */
  statuses: Record<string, number>;
  /** Outcomes of the 202 responses (created, duplicate, resolved, ignored). */
  outcomes: Record<string, number>;
  /** Deliveries that still failed after the retries. */
  failedDeliveries: number;
  deliveriesPerSecond: number;
  sendSeconds: number;
  /** Seconds from the first delivery until the last incident that is not resolved had its analysis. */
  allAnalyzedSeconds: number;
  unanalyzed: number;
  hostPeakRssMiB?: number;
  azuritePeakRssMiB?: number;
  hostErrors: number;
  firstHostErrors: string[];
}

const RETRIES = 5;
const RETRY_PAUSE_MS = 1000;
const ANALYSIS_TIMEOUT_MS = 600_000;

interface Delivery {
  guid: string;
  condition: "Fired" | "Resolved";
}

function plan(config: StormConfig): { deliveries: Delivery[]; guids: string[]; withResolved: Set<string> } {
  const guids = Array.from({ length: config.distinctAlerts }, () => newAlertGuid());
  const withResolved = new Set(guids.slice(0, Math.round(config.distinctAlerts * config.resolvedShare)));
  const deliveries: Delivery[] = [];
  for (const guid of guids) {
    for (let copy = 0; copy < config.deliveriesPerAlert; copy++) {
      const resolved = withResolved.has(guid) && copy === config.deliveriesPerAlert - 1;
      deliveries.push({ guid, condition: resolved ? "Resolved" : "Fired" });
    }
  }
  return { deliveries: shuffle(deliveries), guids, withResolved };
}

async function runOnce(config: StormConfig, cpuProfileDir?: string): Promise<StormResult> {
  const { deliveries, guids, withResolved } = plan(config);
  const stack = await startStack({ maxSockets: config.concurrency, cpuProfileDir });
  try {
    const statuses: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    let failedDeliveries = 0;

    const startedAt = Date.now();
    const started = performance.now();
    await runConcurrently(deliveries, config.concurrency, async (delivery) => {
      const body = azureMonitorAlert(delivery.guid, delivery.condition);
      for (let attempt = 1; ; attempt++) {
        const answer = await stack.client.post(AZURE_MONITOR_PATH, body);
        if (attempt === 1) statuses[String(answer.status)] = (statuses[String(answer.status)] ?? 0) + 1;
        if (answer.status === 202) {
          const outcome = String((JSON.parse(answer.text) as { outcome?: string }).outcome);
          outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          return;
        }
        const retryable = answer.status === 503 || answer.status === 0;
        if (!retryable || attempt > RETRIES) {
          failedDeliveries++;
          return;
        }
        await sleep(RETRY_PAUSE_MS);
      }
    });
    const sendSeconds = (performance.now() - started) / 1000;

    const keys = new Set(guids.map(azureIncidentKey));
    const { done, incidents } = await waitForAnalyses(stack, keys, ANALYSIS_TIMEOUT_MS);
    const all = await stack.incidents.list();
    const open = [...incidents.values()].filter((incident) => incident.status !== "resolved");
    const lastAnalysis = Math.max(startedAt, ...open.map((incident) => (incident.analyzedAt ? Date.parse(incident.analyzedAt) : startedAt)));

    return {
      deliveries: deliveries.length,
      distinctAlerts: guids.length,
      alertsWithResolved: withResolved.size,
      concurrency: config.concurrency,
      runs: 1,
      incidents: incidents.size,
      lostAlerts: guids.filter((guid) => !incidents.has(azureIncidentKey(guid))).length,
      strayIncidents: all.filter((incident) => !keys.has(incident.key)).length,
      statuses,
      outcomes,
      failedDeliveries,
      deliveriesPerSecond: deliveries.length / sendSeconds,
      sendSeconds,
      allAnalyzedSeconds: done ? (lastAnalysis - startedAt) / 1000 : Number.NaN,
      unanalyzed: open.filter((incident) => !incident.analyzedAt).length,
      hostPeakRssMiB: stack.host.memory()?.peakRssMiB,
      azuritePeakRssMiB: stack.azuriteMemory()?.peakRssMiB,
      hostErrors: stack.host.errorCount(),
      firstHostErrors: stack.host.firstErrors(),
    };
  } finally {
    await stack.stop();
  }
}

/** Runs the storm `runs` times, each on a fresh Azurite and host; numbers are medians, counts are worst cases. */
export async function runStorm(config: StormConfig, cpuProfileDir?: string): Promise<StormResult> {
  const runs: StormResult[] = [];
  for (let run = 1; run <= config.runs; run++) runs.push(await runOnce(config, run === 1 ? cpuProfileDir : undefined));
  const worst = (field: "lostAlerts" | "strayIncidents" | "failedDeliveries" | "unanalyzed" | "hostErrors") => Math.max(...runs.map((run) => run[field]));
  const differing = runs.find((run) => run.incidents !== run.distinctAlerts);
  return {
    ...runs[0],
    runs: runs.length,
    incidents: (differing ?? runs[0]).incidents,
    lostAlerts: worst("lostAlerts"),
    strayIncidents: worst("strayIncidents"),
    failedDeliveries: worst("failedDeliveries"),
    unanalyzed: worst("unanalyzed"),
    hostErrors: worst("hostErrors"),
    deliveriesPerSecond: median(runs.map((run) => run.deliveriesPerSecond)),
    sendSeconds: median(runs.map((run) => run.sendSeconds)),
    allAnalyzedSeconds: median(runs.map((run) => run.allAnalyzedSeconds)),
    hostPeakRssMiB: median(runs.map((run) => run.hostPeakRssMiB ?? Number.NaN)),
    azuritePeakRssMiB: median(runs.map((run) => run.azuritePeakRssMiB ?? Number.NaN)),
  };
}
