import { applyEnrichment, enrichFromPagerDutyAlerts, type PagerDutyAlertRecord } from "../../src/intake/pagerdutyEnrichment";
import type { Incident } from "../../src/intake/incident";

const VM = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/RG-Pay/providers/Microsoft.Compute/virtualMachines/VM-1";
const APP = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-web/providers/microsoft.web/sites/app-1";
const DB = "/subscriptions/00000000-0000-0000-0000-000000000002/resourcegroups/rg-data/providers/microsoft.sql/servers/sql-1/databases/orders";

function source(alerts: PagerDutyAlertRecord[]) {
  const requested: string[] = [];
  return {
    requested,
    listIncidentAlerts: async (incidentId: string) => {
      requested.push(incidentId);
      return alerts;
    },
  };
}

describe("enrichFromPagerDutyAlerts", () => {
  test("finds resource ids under resourceId, in arrays, nested and in JSON strings", async () => {
    const alerts = source([
      { id: "A1", body: { details: { resourceId: VM, healthProbeUrl: "https://pay.example.com/health", note: "cpu high" } } },
      { id: "A2", body: { details: { essentials: { alertTargetIDs: [APP, VM.toLowerCase()] } } } },
      { id: "A3", body: { details: { targets: JSON.stringify([DB]) } } },
      { id: "A4", body: { details: "just text /subscriptions/not-an-id" } },
      { id: "A5", body: null },
    ]);

    const enrichment = await enrichFromPagerDutyAlerts(alerts, "Q1TESTINC0001A");

    expect(alerts.requested).toEqual(["Q1TESTINC0001A"]);
    expect(enrichment.targets).toEqual([VM.toLowerCase(), APP, DB]);
    expect(enrichment.healthProbeUrl).toBe("https://pay.example.com/health");
    expect(enrichment.customProperties).toEqual({ resourceId: VM, healthProbeUrl: "https://pay.example.com/health", note: "cpu high" });
    expect(enrichment.alertCount).toBe(5);
  });

  test("skips non-http probes and lookalike ids", async () => {
    const enrichment = await enrichFromPagerDutyAlerts(
      source([{ body: { details: { HEALTHPROBEURL: "javascript:alert(1)", resourceId: "/subscriptions/abc/resourceGroups/x", other: ` ${APP} trailing words` } } }]),
      "Q1",
    );

    expect(enrichment.healthProbeUrl).toBeUndefined();
    expect(enrichment.targets).toEqual([]);
  });

  test("stops at a bounded depth", async () => {
    let deep: unknown = APP;
    for (let level = 0; level < 20; level++) deep = { level: deep };

    const enrichment = await enrichFromPagerDutyAlerts(source([{ body: { details: deep } }]), "Q1");

    expect(enrichment.targets).toEqual([]);
  });
});

describe("applyEnrichment", () => {
  const incident = {
    key: "pagerduty-q1",
    targets: [APP],
    subscriptions: ["00000000-0000-0000-0000-000000000001"],
    resourceGroups: ["rg-web"],
    resourceTypes: ["microsoft.web/sites"],
    customProperties: { note: "from the incident" },
  } as unknown as Incident;

  test("adds targets and their scopes without repeats", () => {
    const enriched = applyEnrichment(incident, { targets: [VM.toLowerCase(), APP, DB], customProperties: { note: "from the alert", extra: "x" }, healthProbeUrl: "https://a.example.com", alertCount: 2 });

    expect(enriched.targets).toEqual([APP, VM.toLowerCase(), DB]);
    expect(enriched.subscriptions).toEqual(["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"]);
    expect(enriched.resourceGroups).toEqual(["rg-web", "rg-pay", "rg-data"]);
    expect(enriched.resourceTypes).toEqual(["microsoft.web/sites", "microsoft.compute/virtualmachines", "microsoft.sql/servers/databases"]);
    expect(enriched.customProperties).toEqual({ note: "from the incident", extra: "x" });
    expect(enriched.healthProbeUrl).toBe("https://a.example.com");
  });
});
