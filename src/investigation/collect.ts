import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { CollectorName, Evidence } from "./evidence";

/** One collector run that the orchestrator fans out: a collector, and the target it looks at. */
export interface CollectorRequest {
  collector: CollectorName;
  /** Target resource id, for per-resource collectors. */
  target?: string;
  /** Evidence id, stable within the incident. */
  evidenceId: string;
}

/** Lists the collector runs for `incident` under `handler`. */
export function planCollectors(incident: Incident, _handler: Handler): CollectorRequest[] {
  // TODO: the Azure collectors (metrics, logs, resource health, changes) plug in here.
  void incident;
  return [{ collector: "probe", evidenceId: "probe" }];
}

/** Runs one collector; never throws, so one failing collector cannot fail the incident. */
export async function runCollector(
  _services: Services,
  incident: Incident,
  handler: Handler,
  request: CollectorRequest,
  _logger: Logger,
): Promise<Evidence> {
  const startedAt = new Date();
  const url = incident.healthProbeUrl ?? handler.probe?.url;
  if (!url) {
    return {
      id: request.evidenceId,
      collector: request.collector,
      status: "not_configured",
      summary: "No health probe URL: set the alert's healthProbeUrl custom property or the handler's probe.url.",
      attempted: {},
      startedAt: startedAt.toISOString(),
      durationMs: 0,
    };
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), redirect: "manual" });
    const body = (await response.text()).slice(0, 300);
    return {
      id: request.evidenceId,
      collector: "probe",
      status: "success",
      summary: `GET ${url} answered ${response.status}.`,
      attempted: { url },
      response: { status: response.status, excerpt: body },
      findings: { healthy: response.status >= 200 && response.status < 400 },
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
  } catch (error) {
    return {
      id: request.evidenceId,
      collector: "probe",
      status: "error",
      summary: `GET ${url} failed: ${(error as Error).message}.`,
      attempted: { url },
      response: { message: (error as Error).message },
      findings: { healthy: false },
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
    };
  }
}
