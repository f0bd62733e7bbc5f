import type { Incident } from "./incident";
import { fitIncident } from "./fitIncident";
import { normalizeResourceId, scopesOf } from "./resourceIds";
import { addStringProperties, httpUrl, record } from "./values";

/** A PagerDuty alert as `GET /incidents/{id}/alerts` returns it; only `body.details` is read. */
export interface PagerDutyAlertRecord {
  id?: string;
  body?: unknown;
}

/** Lists the alerts of a PagerDuty incident; the PagerDuty REST client implements it. */
export interface PagerDutyAlertSource {
  listIncidentAlerts(incidentId: string): Promise<PagerDutyAlertRecord[]>;
}

/** Resources and probe URL found in the alerts of a PagerDuty incident. */
export interface PagerDutyEnrichment {
  /** Azure resource ids found anywhere in the alerts' details, lower-cased, without repeats. */
  targets: string[];
  /** The first `healthProbeUrl` found (any letter case, any depth) that is an http(s) URL. */
  healthProbeUrl?: string;
  /** Top-level details of the first alert that has any, as strings. */
  customProperties: Record<string, string>;
  alertCount: number;
}

/** Bounds on the walk, so a huge or cyclic details object cannot stall the activity. */
const MAX_DEPTH = 8;
const MAX_VALUES = 5_000;
const MAX_TARGETS = 50;
/** Strings this long are not parsed as embedded JSON. */
const MAX_EMBEDDED_JSON = 64 * 1024;

/**
 * Reads the alerts of PagerDuty incident `incidentId` and collects targets and the health probe URL
 * from each alert's `body.details`. A string counts as a target when it is shaped like an Azure
 * resource id, wherever it sits: under `resourceId`, in an `alertTargetIDs` array, or deeper, as
 * when the details are a whole Azure Monitor payload. JSON arrays and objects encoded in strings
 * are read too.
 */
export async function enrichFromPagerDutyAlerts(source: PagerDutyAlertSource, incidentId: string): Promise<PagerDutyEnrichment> {
  const alerts = await source.listIncidentAlerts(incidentId);
  return enrichmentFromAlerts(alerts);
}

/** Collects the enrichment from alerts already fetched. */
export function enrichmentFromAlerts(alerts: PagerDutyAlertRecord[]): PagerDutyEnrichment {
  const walk = new DetailsWalk();
  const customProperties: Record<string, string> = {};
  for (const alert of alerts) {
    const details = record(alert.body)?.details;
    if (Object.keys(customProperties).length === 0) addStringProperties(customProperties, details);
    walk.visit(details, 0, undefined);
  }
  return {
    targets: walk.targets.slice(0, MAX_TARGETS),
    healthProbeUrl: walk.healthProbeUrl,
    customProperties,
    alertCount: alerts.length,
  };
}

class DetailsWalk {
  readonly targets: string[] = [];
  healthProbeUrl?: string;
  private visited = 0;

  visit(value: unknown, depth: number, key: string | undefined): void {
    if (depth > MAX_DEPTH || this.visited >= MAX_VALUES) return;
    this.visited++;

    if (typeof value === "string") {
      this.visitString(value, depth, key);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, depth + 1, key);
      return;
    }
    const object = record(value);
    if (object) {
      for (const [name, member] of Object.entries(object)) this.visit(member, depth + 1, name);
    }
  }

  private visitString(value: string, depth: number, key: string | undefined): void {
    if (key?.toLowerCase() === "healthprobeurl" && this.healthProbeUrl === undefined) {
      this.healthProbeUrl = httpUrl(value);
    }
    const id = normalizeResourceId(value);
    if (id) {
      if (!this.targets.includes(id)) this.targets.push(id);
      return;
    }
    const trimmed = value.trim();
    if (trimmed.length <= MAX_EMBEDDED_JSON && (trimmed.startsWith("[") || trimmed.startsWith("{"))) {
      try {
        this.visit(JSON.parse(trimmed), depth + 1, key);
      } catch {
        // Not JSON after all: a plain string.
      }
    }
  }
}

/**
 * Adds the enrichment to `incident`: new targets (and their subscriptions, resource groups and
 * resource types), the probe URL unless one is set, and details as custom properties under the
 * ones already there. Returns the incident unchanged when the enrichment adds nothing.
 */
export function applyEnrichment(incident: Incident, enrichment: PagerDutyEnrichment): Incident {
  const targets = [...incident.targets];
  for (const target of enrichment.targets) if (!targets.includes(target)) targets.push(target);

  const scopes = scopesOf(targets);
  const merge = (current: string[], added: string[]) => [...current, ...added.filter((value) => !current.includes(value))];

  return fitIncident({
    ...incident,
    targets,
    subscriptions: merge(incident.subscriptions, scopes.subscriptions),
    resourceGroups: merge(incident.resourceGroups, scopes.resourceGroups),
    resourceTypes: merge(incident.resourceTypes, scopes.resourceTypes),
    healthProbeUrl: incident.healthProbeUrl ?? enrichment.healthProbeUrl,
    customProperties: { ...enrichment.customProperties, ...incident.customProperties },
  });
}
