import type { Handler } from "../../src/handlers/handler";
import type { Incident } from "../../src/intake/incident";

export const SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000001";
export const SITE_ID = `${SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.Web/sites/checkout`;
export const PLAN_ID = `${SUBSCRIPTION}/resourceGroups/rg-shop/providers/Microsoft.Web/serverfarms/plan-shop`;
export const ALERT_ID = `${SUBSCRIPTION}/providers/Microsoft.AlertsManagement/alerts/6f1c2d3e-0000-4000-8000-000000000001`;

/** Builds an Azure Monitor incident on the checkout web app. */
export function azureIncident(overrides: Partial<Incident> = {}): Incident {
  const now = new Date().toISOString();
  return {
    key: "azure-monitor-6f1c2d3e-0000-4000-8000-000000000001",
    source: "azure-monitor",
    sourceId: ALERT_ID,
    title: "CPU above 80% on checkout",
    description: "Average CPU percentage was 93 over the last 5 minutes.",
    severity: "Sev2",
    priority: "P3",
    status: "investigating",
    targets: [SITE_ID.toLowerCase()],
    subscriptions: ["00000000-0000-0000-0000-000000000001"],
    resourceGroups: ["rg-shop"],
    resourceTypes: ["microsoft.web/sites"],
    tags: {},
    customProperties: {},
    firedAt: now,
    createdAt: now,
    updatedAt: now,
    links: [],
    ...overrides,
  };
}

/** Builds PagerDuty incident `incidentId` on the checkout web app. */
export function pagerDutyIncident(incidentId: string, overrides: Partial<Incident> = {}): Incident {
  return azureIncident({
    key: `pagerduty-${incidentId.toLowerCase()}`,
    source: "pagerduty",
    sourceId: incidentId,
    title: "Checkout is slow",
    pagerDuty: { incidentId, status: "triggered", assignees: [], teams: [] },
    ...overrides,
  });
}

/** A handler with every tool allowed; `overrides` replaces any field. */
export function handler(overrides: Partial<Handler> = {}): Handler {
  return {
    name: "payments",
    enabled: true,
    order: 100,
    match: {},
    autonomy: "reader",
    tools: [
      "probe.http",
      "pagerduty.acknowledge",
      "pagerduty.addNote",
      "azureMonitor.acknowledgeAlert",
      "pagerduty.resolve",
      "pagerduty.setPriority",
      "azureMonitor.closeAlert",
      "appService.restart",
      "appService.scaleOut",
      "vm.restart",
      "runbook.invokeWebhook",
    ],
    approval: { timeoutMinutes: 30, approvers: [], onTimeout: "escalate" },
    maxInstances: 5,
    ...overrides,
  };
}
