import { normalizeAzureAlert, severityOf, alertInstanceId } from "../../src/intake/azureMonitor/normalize";
import { detectAlertSchema } from "../../src/intake/azureMonitor/schemaDetection";
import type { CommonAlert } from "../../src/intake/schemas/azureMonitor";
import { validateCommonAlert } from "../../src/intake/validation";
import { corpusBytes } from "./helpers";

const NOW = new Date("2026-01-01T00:00:00Z");

function corpusAlert(file: string): CommonAlert {
  const validation = validateCommonAlert(JSON.parse(corpusBytes(file).toString("utf8")));
  if (!validation.ok) throw new Error(`${file}: ${validation.problems.join("; ")}`);
  return validation.value;
}

function normalize(file: string) {
  return normalizeAzureAlert(corpusAlert(file), NOW);
}

function syntheticAlert(monitoringService: string | null, alertContext: unknown, essentials: Record<string, unknown> = {}): CommonAlert {
  return {
    schemaId: "azureMonitorCommonAlertSchema",
    data: {
      essentials: {
        alertId: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.AlertsManagement/alerts/synthetic-1",
        alertRule: "synthetic-rule",
        severity: "Sev3",
        monitorCondition: "Fired",
        monitoringService,
        alertTargetIDs: ["/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/RG-One/providers/Microsoft.Web/sites/App-One"],
        firedDateTime: "2025-03-14T02:17:05.4413829Z",
        ...essentials,
      },
      alertContext: alertContext as Record<string, unknown>,
      customProperties: null,
    },
  };
}

describe("Platform metric alerts", () => {
  test("static threshold with dimensions and custom properties", () => {
    const { incident, monitorCondition } = normalize("az-cs-metric-static-fired.json");

    expect(monitorCondition).toBe("Fired");
    expect(incident.key).toBe("azure-monitor-6f1c2a9e-0b7d-4c55-9e21-3a8d5f0c1101");
    expect(incident).toMatchObject({ severity: "Sev2", priority: "P3", status: "open", service: "Platform", alertRule: "storage-server-timeouts-prod", signalType: "Metric" });
    expect(incident.title).toBe("storage-server-timeouts-prod: Transactions > 5 on stcheckoutprod001");
    expect(incident.subscriptions).toEqual(["00000000-0000-0000-0000-000000000001"]);
    expect(incident.resourceGroups).toEqual(["rg-checkout-prod"]);
    expect(incident.resourceTypes).toEqual(["microsoft.storage/storageaccounts"]);
    expect(incident.customProperties).toEqual({ team: "checkout", runbook: "https://wiki.example.com/runbooks/storage-timeouts" });
    expect(incident.condition).toMatchObject({
      kind: "metric",
      metricName: "Transactions",
      operator: "GreaterThan",
      threshold: 5,
      observedValue: 37,
      timeAggregation: "Total",
      windowSize: "PT5M",
      windowStart: "2025-03-14T02:11:00.000Z",
      windowEnd: "2025-03-14T02:16:00.000Z",
    });
    expect(incident.condition?.dimensions).toHaveLength(4);
    expect(incident.firedAt).toBe("2025-03-14T02:17:05.441Z");
    expect(incident.links.map((link) => link.label)).toEqual(["stcheckoutprod001 in the Azure portal", "Alert rule in the Azure portal"]);
  });

  test("dynamic threshold with three targets and two criteria", () => {
    const { incident } = normalize("az-cs-metric-dynamic-sev0-multitarget-fired.json");

    expect(incident.priority).toBe("P1");
    expect(incident.targets).toHaveLength(3);
    expect(incident.resourceTypes).toEqual(["microsoft.compute/virtualmachines"]);
    expect(incident.customProperties).toEqual({});
    expect(incident.condition?.criteria?.map((criterion) => [criterion.metricName, criterion.threshold, criterion.observedValue])).toEqual([
      ["Percentage CPU", 71.2408, 98.61],
      ["Available Memory Bytes", 524288000, 181403648],
    ]);
    expect(incident.condition?.facts).toMatchObject({ alertSensitivity: "Medium", failingPeriods: "3 of 4" });
    expect(incident.title).toContain("and 1 more criteria");
  });

  test("web test availability with a null namespace and empty description", () => {
    const { incident } = normalize("az-cs-metric-webtest-availability-fired.json");

    expect(incident.priority).toBe("P2");
    expect(incident.description).toBe("");
    expect(incident.condition?.metricNamespace).toBeUndefined();
    expect(incident.condition?.facts?.webTestName).toBe("checkout-homepage-ping-ai-checkout-prod");
    expect(incident.resourceTypes).toEqual(["microsoft.insights/webtests", "microsoft.insights/components"]);
  });

  test("nulls and missing keys become empty values", () => {
    const { incident } = normalize("az-cs-nulls-and-missing.json");

    expect(incident.description).toBe("");
    expect(incident.customProperties).toEqual({});
    expect(incident.condition).toMatchObject({ kind: "metric", metricName: "dtu_consumption_percent", threshold: 95, observedValue: 100, dimensions: [] });
    expect(incident.condition?.windowStart).toBeUndefined();
    expect(incident.resourceTypes).toEqual(["microsoft.sql/servers/databases"]);
  });

  test("unicode survives unchanged", () => {
    const { incident } = normalize("az-cs-unicode-rule-name.json");
    const raw = JSON.parse(corpusBytes("az-cs-unicode-rule-name.json").toString("utf8"));

    expect(incident.alertRule).toBe("Latenz über Schwellenwert – 東京リージョン 🚨 تنبيه");
    expect(incident.description).toBe(raw.data.essentials.description);
    expect(incident.customProperties["担当"]).toBe("決済チーム");
    expect(incident.condition?.dimensions).toContainEqual({ name: "Instance", value: "wëb-ñode-ß-01" });
    expect(incident.subscriptions).toEqual(["00000000-0000-0000-0000-000000000002"]);
  });

  test("a long description is kept intact", () => {
    const { incident } = normalize("az-cs-long-description.json");
    const raw = JSON.parse(corpusBytes("az-cs-long-description.json").toString("utf8"));

    expect(incident.description).toBe(raw.data.essentials.description);
    expect(incident.description.length).toBe(3965);
  });
});

describe("log alerts", () => {
  test("Log Alerts V2: query, dimensions, links and related resources", () => {
    const { incident } = normalize("az-cs-logv2-fired.json");

    expect(incident.condition).toMatchObject({ kind: "log", operator: "GreaterThan", threshold: 50, observedValue: 212, metricName: "FailedRequests", windowSize: "PT15M" });
    expect(incident.condition?.query).toContain("AppRequests\n| where Success == false");
    expect(incident.condition?.dimensions).toHaveLength(4);
    expect(incident.links.map((link) => link.label)).toEqual(
      expect.arrayContaining(["Log search results in the Azure portal", "Log search results (query API)", "Filtered log search results (query API)"]),
    );
    expect(incident.relatedResources).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-checkout-prod/providers/microsoft.web/sites/app-checkout-api-prod"]);
    expect(incident.customProperties).toEqual({ service: "checkout-api", oncall: "payments-sre" });
  });

  test("Log Alerts V2 Resolved carries the resolved time", () => {
    const { incident, monitorCondition } = normalize("az-cs-logv2-resolved.json");

    expect(monitorCondition).toBe("Resolved");
    expect(incident.resolvedAt).toBe("2025-03-14T03:05:41.552Z");
  });

  test("legacy Log Analytics: PascalCase keys, workspace and window", () => {
    const { incident } = normalize("az-cs-log-analytics-v1-fired.json");

    expect(incident.condition).toMatchObject({
      kind: "log",
      operator: "Greater Than",
      threshold: 0,
      observedValue: 1,
      workspaceId: "00000000-0000-0000-0000-00000000a001",
      windowStart: "2025-03-14T01:05:00.000Z",
      windowEnd: "2025-03-14T02:05:00.000Z",
      windowSize: "PT60M",
    });
    expect(incident.condition?.query).toContain("Heartbeat");
    expect(incident.condition?.facts).toMatchObject({ alertType: "Number of results", includedSearchResults: "True" });
    expect(incident.title).toBe("vm-heartbeat-missing: Number of results > 0 (1 found) on law-prod-weu");
  });

  test("legacy Application Insights: US-locale times read as UTC, no results", () => {
    const { incident } = normalize("az-cs-appinsights-v1-fired-no-results.json");

    expect(incident.condition).toMatchObject({
      kind: "log",
      applicationId: "00000000-0000-0000-0000-00000000b001",
      windowStart: "2025-03-14T01:35:02.000Z",
      windowEnd: "2025-03-14T01:50:02.000Z",
      windowSize: "PT15M",
      threshold: 1000,
    });
    expect(incident.condition?.observedValue).toBeUndefined();
    expect(incident.condition?.dimensions).toEqual([{ name: "cloud_RoleName", value: "checkout-worker" }]);
  });

  test("an empty string in alertTargetIDs is dropped", () => {
    const alert = syntheticAlert("Log Analytics", { SearchQuery: "Heartbeat" }, { alertTargetIDs: [""] });

    const { incident } = normalizeAzureAlert(alert, NOW);

    expect(incident.targets).toEqual([]);
    expect(incident.condition?.query).toBe("Heartbeat");
  });
});

describe("activity log alerts", () => {
  test("Administrative: operation, caller and status as facts", () => {
    const { incident } = normalize("az-cs-activitylog-administrative.json");

    expect(incident.priority).toBe("P5");
    expect(incident.condition).toMatchObject({ kind: "activity-log" });
    expect(incident.condition?.facts).toMatchObject({
      operationName: "Microsoft.Compute/virtualMachines/deallocate/action",
      status: "Succeeded",
      caller: "alex@example.com",
      level: "Informational",
    });
    expect(incident.customProperties).toMatchObject({ eventCategory: "Administrative" });
    expect(incident.title).toBe("vm-deallocate-watch: Microsoft.Compute/virtualMachines/deallocate/action (Succeeded) on vm-checkout-01");
  });

  test("Policy: JSON inside strings stays a string", () => {
    const { incident } = normalize("az-cs-activitylog-policy.json");

    expect(incident.customProperties.policies.startsWith('[{"policyDefinitionId"')).toBe(true);
    expect(incident.customProperties.isComplianceCheck).toBe("True");
  });

  test("Security: backslashes kept", () => {
    const { incident } = normalize("az-cs-activitylog-security.json");

    expect(incident.customProperties.filePath).toBe("C:\\Temp\\example-sample.bin");
    expect(incident.condition?.facts?.eventSource).toBe("Security");
  });

  test("Autoscale: scale counts as properties", () => {
    const alert = syntheticAlert("Activity Log - Autoscale", {
      eventSource: "Autoscale",
      caller: "Microsoft.Insights/autoscaleSettings",
      operationName: "Microsoft.Insights/AutoscaleSettings/Scaleup/Action",
      status: "Succeeded",
      properties: { oldInstancesCount: "2", newInstancesCount: 3, activeAutoscaleProfile: '{\r\n "Name": "Default"\r\n}' },
    });

    const { incident } = normalizeAzureAlert(alert, NOW);

    expect(incident.condition?.kind).toBe("activity-log");
    expect(incident.customProperties).toMatchObject({ oldInstancesCount: "2", newInstancesCount: "3" });
  });

  test("Resource Health: status facts and a null detail", () => {
    const { incident } = normalize("az-cs-resource-health-unavailable.json");

    expect(incident.condition).toMatchObject({ kind: "health" });
    expect(incident.condition?.facts).toMatchObject({ currentHealthStatus: "Unavailable", previousHealthStatus: "Available", cause: "PlatformInitiated" });
    expect(incident.customProperties.details).toBe("");
    expect(incident.title).toContain("The virtual machine is unavailable");
  });

  test("Service Health: 64-hex id, numeric channels, subscription target", () => {
    const { incident } = normalize("az-cs-service-health-incident.json");

    expect(incident.key).toBe("azure-monitor-4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e");
    expect(incident.targets).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000001"]);
    expect(incident.subscriptions).toEqual(["00000000-0000-0000-0000-000000000001"]);
    expect(incident.resourceGroups).toEqual([]);
    expect(incident.condition?.facts).toMatchObject({ trackingId: "ZX9Q-T8K", incidentType: "Incident", region: "West Europe" });
    expect(incident.title).toBe("service-health-prod-regions: Storage - West Europe - Investigating");
  });
});

describe("other services", () => {
  test("Prometheus: PromQL, labels and the cluster as a related resource", () => {
    const { incident } = normalize("az-cs-prometheus-fired.json");

    expect(incident.condition).toMatchObject({ kind: "prometheus", observedValue: 1, windowSize: "PT15M" });
    expect(incident.condition?.query).toContain("kube_pod_container_status_waiting_reason");
    expect(incident.condition?.dimensions).toContainEqual({ name: "namespace", value: "payments" });
    expect(incident.condition?.facts?.["annotation.summary"]).toContain("CrashLoopBackOff");
    expect(incident.targets).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-observability/providers/microsoft.monitor/accounts/amw-prod-weu"]);
    expect(incident.relatedResources).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-aks-prod/providers/microsoft.containerservice/managedclusters/aks-payments-prod"]);
    expect(incident.links).toContainEqual({ label: "Runbook", url: "https://wiki.example.com/runbooks/KubePodCrashLooping" });
    expect(incident.alertRule).toBe("rg-aks-payments-alerts/KubePodCrashLooping");
  });

  test("Prometheus: a value with a unit is kept as a fact only", () => {
    const { incident } = normalizeAzureAlert(syntheticAlert("Prometheus", { expression: "up == 0", expressionValue: "12.7m" }), NOW);

    expect(incident.condition?.observedValue).toBeUndefined();
    expect(incident.condition?.facts?.expressionValue).toBe("12.7m");
  });

  test("SmartDetector", () => {
    const { incident } = normalizeAzureAlert(
      syntheticAlert("SmartDetector", { DetectionSummary: "Failure rate rose to 12%", DetectedValue: 12.1, NormalValue: 0.4, SmartDetectorName: "Failure Anomalies" }),
      NOW,
    );

    expect(incident.condition).toMatchObject({ kind: "other", observedValue: 12.1 });
    expect(incident.title).toBe("synthetic-rule: Failure rate rose to 12% on app-one");
  });

  test("CostAlerts with null severity opens at P5", () => {
    const alert = syntheticAlert(
      "CostAlerts",
      { AlertCategory: "budgets", AlertData: { BudgetName: "team-budget", SpentAmount: 1200, BudgetThreshold: 1000, Unit: "EUR", Scope: "/subscriptions/00000000-0000-0000-0000-000000000001" } },
      { alertRule: null, severity: null, signalType: null, monitorCondition: null, alertTargetIDs: null, alertId: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.CostManagement/alerts/budget-1" },
    );

    const { incident, monitorCondition } = normalizeAzureAlert(alert, NOW);

    expect(monitorCondition).toBe("Fired");
    expect(incident.priority).toBe("P5");
    expect(incident.severity).toBeUndefined();
    expect(incident.title).toBe("CostAlerts alert: budget team-budget at 1200 of 1000 EUR");
    expect(incident.condition?.facts?.budgetName).toBe("team-budget");
  });

  test("an unknown service gets a generic summary", () => {
    const { incident } = normalizeAzureAlert(syntheticAlert("Future Service", { widgets: 3, mood: "grumpy", nested: { a: 1 } }), NOW);

    expect(incident.title).toBe("synthetic-rule: alert from Future Service on app-one");
    expect(incident.condition).toEqual({ kind: "other", facts: { widgets: "3", mood: "grumpy" } });
  });

  test("malformed alert context does not throw", () => {
    const { incident, parseError } = normalizeAzureAlert(syntheticAlert("Platform", { condition: { allOf: "not a list" }, properties: 7 }), NOW);

    expect(parseError).toBeUndefined();
    expect(incident.condition?.kind).toBe("metric");
    expect(incident.title).toBe("synthetic-rule: metric on app-one");
  });

  test("targets and scopes are lower-cased; healthProbeUrl comes from a custom property", () => {
    const alert = syntheticAlert("Platform", { properties: { HealthProbeUrl: "https://app-one.example.com/health" } });
    alert.data.customProperties = { tier: 1, owner: null, nested: { a: "b" } };

    const { incident } = normalizeAzureAlert(alert, NOW);

    expect(incident.targets).toEqual(["/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-one/providers/microsoft.web/sites/app-one"]);
    expect(incident.resourceGroups).toEqual(["rg-one"]);
    expect(incident.resourceTypes).toEqual(["microsoft.web/sites"]);
    expect(incident.healthProbeUrl).toBe("https://app-one.example.com/health");
    expect(incident.customProperties).toMatchObject({ tier: "1", owner: "", nested: '{"a":"b"}' });
  });

  test("a healthProbeUrl that is not http(s) is ignored", () => {
    const alert = syntheticAlert("Platform", {});
    alert.data.customProperties = { healthProbeUrl: "file:///etc/passwd" };

    expect(normalizeAzureAlert(alert, NOW).incident.healthProbeUrl).toBeUndefined();
  });
});

describe("helpers", () => {
  test("severityOf", () => {
    expect(["Sev0", "sev4", "2", "Sev5", "", null, "critical"].map(severityOf)).toEqual(["Sev0", "Sev4", "Sev2", undefined, undefined, undefined, undefined]);
  });

  test("alertInstanceId takes the last path segment", () => {
    expect(alertInstanceId("/subscriptions/x/providers/Microsoft.AlertsManagement/alerts/ABC/")).toBe("ABC");
    expect(alertInstanceId("plain-name")).toBe("plain-name");
  });

  test.each([
    ["az-legacy-metric-alert-activated.json", "AzureMonitorMetricAlert"],
    ["az-legacy-activitylog.json", "Microsoft.Insights/activityLogs"],
    ["az-legacy-log-analytics-noschema.json", "legacy log alert"],
    ["bad-unknown-schemaid.json", "contoso.CustomAlert/v7"],
  ])("%s is detected as not the common schema", (file, named) => {
    const detection = detectAlertSchema(JSON.parse(corpusBytes(file).toString("utf8")));

    expect(detection.kind).toBe("rejected");
    if (detection.kind === "rejected") {
      expect(detection.message).toContain(named);
      expect(detection.message).toContain("Enable the common alert schema on the action group");
    }
  });
});
