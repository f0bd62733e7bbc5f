import type { ChangeRecord, Evidence, MetricState } from "../../src/investigation/evidence";
import { evidence, SITE } from "../investigation/support";

/** Evidence items as the collectors write them, for analyst and guardrail tests. */

export function probe(healthy: boolean | undefined, statusCode = healthy ? 200 : 503): Evidence {
  return evidence({
    id: "probe",
    collector: "probe",
    attempted: { url: "https://checkout.example.com/health", source: "handler" },
    response: { status: statusCode, excerpt: healthy ? "ok" : "unavailable" },
    findings: { url: "https://checkout.example.com/health", source: "handler", healthy, statusCode, attempts: 1, latencyMs: 20 },
  });
}

export function metric(state: MetricState, metricName = "CpuPercentage", resource = SITE): Evidence {
  return evidence({
    id: `metrics-${metricName.toLowerCase()}`,
    collector: "metrics",
    attempted: { resource, metric: metricName },
    findings: { metricName, aggregation: "Average", operator: "GreaterThan", threshold: 80, state, series: [] },
  });
}

export function alertQuery(holds: boolean): Evidence {
  return evidence({ id: "logs-alert", collector: "logs", attempted: { query: "AppRequests" }, findings: { queries: [], conditionHolds: holds } });
}

export function errors(failedRequests: number, exceptions: number, resource = SITE): Evidence {
  return evidence({ id: "logs-site", collector: "logs", attempted: { resource }, findings: { queries: [], failedRequests, exceptions } });
}

export function health(availabilityState: string, resource = SITE): Evidence {
  return evidence({ id: "health-site", collector: "resourceHealth", attempted: { resource }, findings: { availabilityState, summary: `${availabilityState} now.` } });
}

export function changes(records: Array<Partial<ChangeRecord> & Pick<ChangeRecord, "operation" | "minutesBeforeFire">>, resource = SITE): Evidence {
  return evidence({
    id: "changes-site",
    collector: "changes",
    attempted: { resource },
    findings: {
      window: "",
      deployments: records.filter((record) => record.isDeployment).length,
      changes: records.map((record) => ({ time: "2024-05-01T10:00:00.000Z", status: "Succeeded", caller: "dev@example.com", isDeployment: false, ...record })),
    },
  });
}

export function notConfigured(id: string, collector: Evidence["collector"]): Evidence {
  return evidence({ id, collector, status: "not_configured", summary: "No Azure credential." });
}
