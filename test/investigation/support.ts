import type { TokenCredential } from "@azure/core-auth";
import { Services } from "../../src/app/services";
import { readSettings } from "../../src/config/settings";
import type { Handler } from "../../src/handlers/handler";
import type { Incident } from "../../src/intake/incident";
import type { Evidence } from "../../src/investigation/evidence";
import { defaultTools } from "../../src/tools/catalog";
import type { OrchestrationPort } from "../../src/workflow/port";
import { testTables } from "../support/storage";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000001";
export const SITE = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-shop/providers/microsoft.web/sites/checkout-web`;
export const VM = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-shop/providers/microsoft.compute/virtualmachines/batch-vm`;
export const COMPONENT = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-shop/providers/microsoft.insights/components/checkout-ai`;
export const WORKSPACE_ID = "11111111-2222-3333-4444-555555555555";
export const ALERT_ID = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.AlertsManagement/alerts/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee`;

/** Builds a credential that hands out a fixed token and records the scopes requested; it contacts nothing. */
export function fakeCredential(): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (scope) => {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return { token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

const noPort = (() => {
  throw new Error("These tests use no orchestrations.");
}) as unknown as () => OrchestrationPort;

/** Services with settings from `env`, test tables and the given credential (none: the local host case). */
export function testServices(env: Record<string, string>, credential?: TokenCredential): Services {
  return new Services(readSettings({ COLLECTOR_TIMEOUT_SECONDS: "5", ...env }), noPort, { tables: testTables("inv"), azureCredential: credential });
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  const now = new Date().toISOString();
  return {
    key: "azure-monitor-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    source: "azure-monitor",
    sourceId: ALERT_ID,
    title: "CPU above 80% on checkout-web",
    description: "Metric alert fired.",
    severity: "Sev2",
    priority: "P3",
    status: "investigating",
    service: "Platform",
    alertRule: "cpu-high",
    targets: [SITE],
    subscriptions: [SUBSCRIPTION],
    resourceGroups: ["rg-shop"],
    resourceTypes: ["microsoft.web/sites"],
    tags: {},
    customProperties: {},
    firedAt: new Date(Date.now() - 10 * 60_000).toISOString(),
    createdAt: now,
    updatedAt: now,
    links: [],
    ...overrides,
  };
}

export function handler(overrides: Partial<Handler> = {}): Handler {
  const autonomy = overrides.autonomy ?? "reader";
  return {
    name: "test-handler",
    enabled: true,
    order: 100,
    match: {},
    autonomy,
    tools: defaultTools(autonomy),
    approval: { timeoutMinutes: 30, approvers: [], onTimeout: "escalate" },
    ...overrides,
  };
}

/** Builds a minimal evidence item for analyst and guardrail tests. */
export function evidence(overrides: Partial<Evidence> & Pick<Evidence, "id" | "collector">): Evidence {
  return {
    status: "success",
    summary: `${overrides.collector} evidence`,
    attempted: {},
    startedAt: new Date().toISOString(),
    durationMs: 1,
    ...overrides,
  };
}

export const silent = { log: () => undefined, warn: () => undefined, error: () => undefined };
