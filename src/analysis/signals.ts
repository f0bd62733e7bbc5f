import type { Incident } from "../intake/incident";
import type { ChangeRecord, Evidence, LogFindings, MetricFindings, ProbeFindings, ResourceHealthFindings, ChangeFindings } from "../investigation/evidence";

/** Failed requests plus exceptions around the fire time that count as an error spike. */
export const ERROR_SPIKE_THRESHOLD = 10;

/** Metric names that mean CPU or memory pressure, where scaling out helps more than a restart. */
const PRESSURE_METRIC = /cpu|memory|mem(ory)?working|privatebytes/i;

/** One fact drawn from the evidence, with the evidence item it rests on. */
export interface Signal {
  evidenceId: string;
  /** The resource it concerns, lower-cased, when per-resource. */
  resource?: string;
  text: string;
}

/**
 * Facts drawn from the evidence, sorted for the analysts and guardrails. A
 * `problems` entry means the alert is real; `recoveries` mean the alert's own condition no longer
 * holds; `healthy` are independent signs of a working service.
 */
export interface EvidenceSignals {
  alertResolved: boolean;
  problems: Signal[];
  recoveries: Signal[];
  healthy: Signal[];
  flapping: Signal[];
  /** Breaching CPU or memory metrics. */
  pressure: Signal[];
  /** Deployments and other writes before the fire time, newest first. */
  changes: Array<Signal & { change: ChangeRecord }>;
  /** Collectors that returned partial results. */
  partial: Signal[];
}

function findings<T>(item: Evidence): T | undefined {
  return item.findings as T | undefined;
}

/** Reads the signals of `evidence` for `incident`. */
export function readSignals(incident: Incident, evidence: Evidence[]): EvidenceSignals {
  const signals: EvidenceSignals = {
    alertResolved: incident.status === "resolved" || incident.resolvedAt !== undefined,
    problems: [],
    recoveries: [],
    healthy: [],
    flapping: [],
    pressure: [],
    changes: [],
    partial: [],
  };

  for (const item of evidence) {
    const resource = typeof item.attempted.resource === "string" ? item.attempted.resource.toLowerCase() : undefined;
    const signal = (text: string): Signal => ({ evidenceId: item.id, resource, text });
    if (item.status === "partial") signals.partial.push(signal(`${item.collector} returned a partial result`));

    switch (item.collector) {
      case "probe": {
        const probe = findings<ProbeFindings>(item);
        if (probe?.healthy === false) signals.problems.push(signal(`the health probe fails (${probe.statusCode ?? item.response?.message ?? item.status})`));
        if (probe?.healthy === true) signals.healthy.push(signal(`the health probe answers ${probe.statusCode}`));
        break;
      }
      case "metrics": {
        const metric = findings<MetricFindings>(item);
        if (!metric) break;
        const described = `${metric.metricName} ${metric.operator ?? ""} ${metric.threshold ?? ""}`.replace(/\s+/g, " ").trim();
        if (metric.state === "breaching") {
          signals.problems.push(signal(`${described} still breaches`));
          if (PRESSURE_METRIC.test(metric.metricName)) signals.pressure.push(signal(`sustained ${metric.metricName} pressure`));
        }
        if (metric.state === "recovered") signals.recoveries.push(signal(`${metric.metricName} is back inside its threshold for the last points`));
        if (metric.state === "flapping") signals.flapping.push(signal(`${metric.metricName} crosses its threshold back and forth`));
        break;
      }
      case "logs": {
        const logs = findings<LogFindings>(item);
        if (!logs) break;
        if (logs.conditionHolds === true) signals.problems.push(signal("the alert's log query still meets its condition"));
        if (logs.conditionHolds === false) signals.recoveries.push(signal("the alert's log query no longer meets its condition"));
        const errors = (logs.failedRequests ?? 0) + (logs.exceptions ?? 0);
        if (errors >= ERROR_SPIKE_THRESHOLD) {
          signals.problems.push(signal(`an error spike: ${logs.failedRequests ?? 0} failed requests and ${logs.exceptions ?? 0} exceptions`));
        }
        break;
      }
      case "resourceHealth": {
        const health = findings<ResourceHealthFindings>(item);
        const state = health?.availabilityState?.toLowerCase();
        if (state === "unavailable" || state === "degraded") {
          signals.problems.push(signal(`Resource Health reports ${health!.availabilityState}${health!.summary ? `: ${health!.summary}` : ""}`));
        }
        if (state === "available") signals.healthy.push(signal("Resource Health reports Available"));
        break;
      }
      case "changes": {
        const changes = findings<ChangeFindings>(item);
        for (const change of changes?.changes ?? []) {
          if (change.minutesBeforeFire < 0) continue;
          const kind = change.isDeployment ? "deployment" : "change";
          signals.changes.push({
            ...signal(`${kind} ${change.operation} (${change.status ?? "no status"}) at ${change.time} by ${change.caller ?? "an unknown caller"}, ${change.minutesBeforeFire} minutes before the alert`),
            change,
          });
        }
        break;
      }
    }
  }

  // Deployments first, then newest first.
  signals.changes.sort((a, b) => Number(b.change.isDeployment) - Number(a.change.isDeployment) || a.change.minutesBeforeFire - b.change.minutesBeforeFire);
  return signals;
}
