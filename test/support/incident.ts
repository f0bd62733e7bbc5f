import type { Incident } from "../../src/intake/incident";

/** Builds an open Azure Monitor incident with empty lists and fixed times; `overrides` replaces any field. */
export function testIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    key: "azure-monitor-a1",
    source: "azure-monitor",
    sourceId: "a1",
    title: "Test incident",
    description: "",
    priority: "P3",
    status: "open",
    targets: [],
    subscriptions: [],
    resourceGroups: [],
    resourceTypes: [],
    tags: {},
    customProperties: {},
    firedAt: "2026-01-01T00:00:00.000Z",
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    links: [],
    ...overrides,
  };
}
