import { incidentKeyFor, priorityForSeverity, type Incident, type Severity } from "../incident";
import type { CommonAlert } from "../schemas/azureMonitor";
import { resourceName, scopesOf, uniqueResourceIds } from "../resourceIds";
import { addStringProperties, cut, httpUrl, isoTime, list, propertyIgnoringCase, text } from "../values";
import { readServiceDetails } from "./services";
import { fitIncident } from "../fitIncident";

/** Limits that keep one incident record well inside a Table Storage entity. */
const MAX_TITLE = 300;
/** Azure caps rule descriptions at 4,096 characters; anything far longer is cut. */
const MAX_DESCRIPTION = 32_000;
const MAX_TARGETS = 100;
const MAX_LINKS = 20;

export type MonitorCondition = "Fired" | "Resolved";

/** A common-schema alert normalized, with what intake needs besides the incident. */
export interface NormalizedAlert {
  incident: Incident;
  monitorCondition: MonitorCondition;
  /** Set when the alert context could not be read and a generic summary was used instead. */
  parseError?: Error;
}

/** Returns the id part of `essentials.alertId`: its last path segment, treated as opaque. */
export function alertInstanceId(alertId: string): string | undefined {
  const segments = alertId.trim().split("/").filter(Boolean);
  return segments[segments.length - 1];
}

/** Reads `Sev0`…`Sev4` in any case, or the bare digit some payloads use; anything else is no severity. */
export function severityOf(value: unknown): Severity | undefined {
  const raw = text(value)?.trim();
  const match = raw ? /^(?:sev)?([0-4])$/i.exec(raw) : null;
  return match ? (`Sev${match[1]}` as Severity) : undefined;
}

/**
 * Normalizes a validated common-schema alert to the Incident contract. Never throws for payload
 * content: missing or null optional fields become empty values, and an alert context that cannot
 * be read gives a generic summary.
 */
export function normalizeAzureAlert(alert: CommonAlert, now = new Date()): NormalizedAlert {
  const essentials = alert.data.essentials;
  const id = alertInstanceId(essentials.alertId);
  // The schema requires a non-slash character in alertId, so an id segment always exists.
  const key = incidentKeyFor("azure-monitor", id!);

  const monitoringService = text(essentials.monitoringService);
  const configurationItems = list(essentials.configurationItems);
  const { details, error } = readServiceDetails(monitoringService, alert.data.alertContext, configurationItems);

  const rawTargets = list(essentials.alertTargetIDs).filter((target): target is string => typeof target === "string" && target.trim() !== "");
  const targets = uniqueResourceIds(rawTargets).slice(0, MAX_TARGETS);
  const scopes = scopesOf(targets);
  addScope(scopes.resourceGroups, essentials.resourceGroupName);
  addScope(scopes.resourceTypes, essentials.resourceType);
  const related = details.related.filter((id) => !targets.includes(id)).slice(0, MAX_TARGETS);

  // alertContext.properties first, so the rule's own custom properties win on a shared key.
  const customProperties: Record<string, string> = {};
  addStringProperties(customProperties, details.properties);
  addStringProperties(customProperties, alert.data.customProperties);

  const severity = severityOf(essentials.severity);
  const alertRule = text(essentials.alertRule);
  const monitorCondition: MonitorCondition = text(essentials.monitorCondition)?.toLowerCase() === "resolved" ? "Resolved" : "Fired";
  const firedAt = isoTime(essentials.firedDateTime) ?? now.toISOString();

  const incident: Incident = {
    key,
    source: "azure-monitor",
    sourceId: essentials.alertId,
    title: titleOf(alertRule, monitoringService, details.summary, details.omitTargetsFromTitle ? [] : targets),
    description: cut(text(essentials.description) ?? "", MAX_DESCRIPTION),
    severity,
    priority: priorityForSeverity(severity),
    status: "open",
    service: monitoringService,
    alertRule,
    alertRuleId: text(essentials.alertRuleID),
    signalType: text(essentials.signalType),
    targets,
    ...scopes,
    relatedResources: related,
    tags: {},
    customProperties,
    healthProbeUrl: httpUrl(propertyIgnoringCase(customProperties, "healthProbeUrl")),
    condition: details.condition,
    firedAt,
    resolvedAt: monitorCondition === "Resolved" ? (isoTime(essentials.resolvedDateTime) ?? now.toISOString()) : undefined,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    links: linksOf(essentials, rawTargets, details.links).slice(0, MAX_LINKS),
  };
  return { incident: fitIncident(withoutUndefined(incident)), monitorCondition, parseError: error };
}

function addScope(values: string[], value: unknown): void {
  const scope = text(value)?.trim().toLowerCase();
  if (scope && !values.includes(scope)) values.push(scope);
}

function titleOf(alertRule: string | undefined, monitoringService: string | undefined, summary: string | undefined, targets: string[]): string {
  const head = alertRule ?? `${monitoringService ?? "Azure Monitor"} alert`;
  const resources = targets.filter((target) => target.includes("/providers/")).map(resourceName);
  let on = "";
  if (resources.length === 1) on = ` on ${resources[0]}`;
  if (resources.length > 1) on = ` on ${resources.slice(0, 2).join(", ")}${resources.length > 2 ? ` and ${resources.length - 2} more` : ""}`;
  return cut(`${head}${summary ? `: ${summary}` : ""}${on}`.replace(/\s+/g, " ").trim(), MAX_TITLE);
}

/** Portal links for people: the targets and the rule (the `#resource` deep link the legacy schema's portalLink uses), then the service's own links. */
function linksOf(essentials: CommonAlert["data"]["essentials"], targets: string[], serviceLinks: Array<{ label: string; url: string }>) {
  const links: Array<{ label: string; url: string }> = [];
  const investigation = httpUrl(essentials.investigationLink);
  if (investigation) links.push({ label: "Alert investigation in the Azure portal", url: investigation });
  for (const target of targets.slice(0, 5)) {
    if (target.trim().startsWith("/subscriptions/")) {
      links.push({ label: `${resourceName(target)} in the Azure portal`, url: `https://portal.azure.com/#resource${encodeURI(target.trim())}` });
    }
  }
  const rule = text(essentials.alertRuleID);
  if (rule?.startsWith("/subscriptions/")) links.push({ label: "Alert rule in the Azure portal", url: `https://portal.azure.com/#resource${encodeURI(rule)}` });
  return [...links, ...serviceLinks];
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
