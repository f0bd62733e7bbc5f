import { setAzureTlsOptions } from "../../src/investigation/azure";
import { runCollector } from "../../src/investigation/collect";
import type { LogFindings } from "../../src/investigation/evidence";
import { loopbackCertificate } from "../fakes/https";
import { failure, partial, startLogsFake, success, table, type LogsFake } from "../fakes/logs";
import { COMPONENT, fakeCredential, handler, incident, SITE, silent, testServices, WORKSPACE_ID } from "./support";

const ALERT_QUERY = 'AppRequests | where ResultCode == "500"';

describe("logs collector", () => {
  let logs: LogsFake;

  beforeAll(async () => {
    setAzureTlsOptions({ ca: loopbackCertificate });
    logs = await startLogsFake();
  });
  afterAll(async () => {
    setAzureTlsOptions(undefined);
    await logs.close();
  });

  function services(env: Record<string, string> = {}) {
    return testServices({ AZURE_LOGS_ENDPOINT: logs.url, ...env }, fakeCredential());
  }

  const windowStart = new Date(Date.now() - 20 * 60_000);
  const windowEnd = new Date(Date.now() - 15 * 60_000);
  const logAlert = incident({
    firedAt: windowEnd.toISOString(),
    targets: [],
    condition: {
      kind: "log",
      query: ALERT_QUERY,
      operator: "GreaterThan",
      threshold: 2,
      windowStart: windowStart.toISOString(),
      windowEnd: windowEnd.toISOString(),
      workspaceId: WORKSPACE_ID,
    },
  });
  const alertRequest = { collector: "logs" as const, variant: "alert-query" as const, evidenceId: "logs-alert" };
  const rows = (count: number) => Array.from({ length: count }, (_, index) => [new Date().toISOString(), `row ${index}`]);

  test("re-runs the alert query over its window", async () => {
    logs.when((call) => call.query === ALERT_QUERY, success(table([["TimeGenerated", "datetime"], ["Message", "string"]], rows(5))));

    const evidence = await runCollector(services(), logAlert, handler(), alertRequest, silent);

    expect(evidence.status).toBe("success");
    const calls = logs.calls.filter((call) => call.query === ALERT_QUERY);
    expect(calls[0].workspaceId).toBe(WORKSPACE_ID);
    expect(calls[0].timespan).toBe(`${windowStart.toISOString()}/${windowEnd.toISOString()}`);
    expect(calls[0].prefer).toContain("wait=");
    expect(calls).toHaveLength(2);
    const findings = evidence.findings as unknown as LogFindings;
    expect(findings.queries.map((query) => query.name)).toEqual(["alert-window", "current-window"]);
    expect(findings.conditionHolds).toBe(true);
    expect(evidence.attempted.query).toBe(ALERT_QUERY);
  });

  test("condition cleared in current window", async () => {
    const query = "Heartbeat | where Computer == 'web1'";
    logs.when((call) => call.query === query, success(table([["TimeGenerated", "datetime"]], [])));
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    expect((evidence.findings as unknown as LogFindings).conditionHolds).toBe(false);
  });

  test("ago() in the alert's query decides on the current window", async () => {
    const query = "AppRequests | where TimeGenerated > ago(5m) | where Success == false";
    let call = 0;
    logs.when((entry) => entry.query === query && ++call === 1, success(table([["x", "long"]], [[1], [2], [3], [4]])));
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    const findings = evidence.findings as unknown as LogFindings;
    expect(findings.relativeToNow).toBe(true);
    expect(findings.queries[0].conditionHolds).toBeUndefined();
    expect(findings.conditionHolds).toBe(false);
    expect(evidence.summary).toContain("ago()");
  });

  test("partial failure is partial with its error", async () => {
    const query = "BigTable | take 1000000";
    logs.when((call) => call.query === query, partial("Query result set has exceeded the internal data size limit", table([["x", "long"]], [[1], [2], [3]])));
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    expect(evidence.status).toBe("partial");
    expect(evidence.response?.code).toBe("PartialError");
    const findings = evidence.findings as unknown as LogFindings;
    expect(findings.queries[0].rowCount).toBe(3);
    expect(findings.queries[0].error?.message).toContain("Something went wrong processing your query");
  });

  test("semantic error is an error with its code", async () => {
    const query = "NoSuchTable | take 1";
    logs.when((call) => call.query === query, failure(400, "SemanticError", "'NoSuchTable' could not be resolved"));
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    expect(evidence.status).toBe("error");
    expect(evidence.summary).toContain("SemanticError");
  });

  test("resource-centric query for a target", async () => {
    const query = "AzureDiagnostics | take 5";
    const alert = incident({ ...logAlert, targets: [SITE], condition: { ...logAlert.condition!, query, workspaceId: undefined } });

    await runCollector(services(), alert, handler(), { ...alertRequest, target: SITE }, silent);

    const call = logs.calls.find((entry) => entry.query === query);
    expect(call?.resourceId?.toLowerCase()).toBe(SITE);
  });

  test("settings workspace when alert names none", async () => {
    const query = "Event | take 5";
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query, workspaceId: undefined } });

    await runCollector(services({ LOG_ANALYTICS_WORKSPACE_ID: "99999999-2222-3333-4444-555555555555" }), alert, handler(), alertRequest, silent);

    expect(logs.calls.find((entry) => entry.query === query)?.workspaceId).toBe("99999999-2222-3333-4444-555555555555");
  });

  test("no workspace is not_configured", async () => {
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, workspaceId: undefined } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    expect(evidence.status).toBe("not_configured");
  });

  test("failed requests and exceptions of a component", async () => {
    logs.when(
      (call) => call.resourceId?.toLowerCase() === COMPONENT && call.query.startsWith("requests"),
      success(table([["failedRequests", "long"], ["resultCodes", "dynamic"], ["operations", "dynamic"]], [[42, '["500","503"]', '["GET /cart"]']])),
    );
    logs.when(
      (call) => call.resourceId?.toLowerCase() === COMPONENT && call.query.startsWith("exceptions"),
      success(table([["exceptions", "long"], ["types", "dynamic"], ["messages", "dynamic"]], [[7, '["SqlException"]', '["timeout"]']])),
    );
    const alert = incident({ targets: [COMPONENT] });

    const evidence = await runCollector(services(), alert, handler(), { collector: "logs", variant: "errors", target: COMPONENT, evidenceId: "logs-ai" }, silent);

    expect(evidence.status).toBe("success");
    const findings = evidence.findings as unknown as LogFindings;
    expect(findings.failedRequests).toBe(42);
    expect(findings.exceptions).toBe(7);
    for (const call of logs.calls.filter((entry) => entry.resourceId?.toLowerCase() === COMPONENT)) {
      expect(call.query).not.toMatch(/ago\(/);
      expect(call.timespan).toMatch(/^\d{4}-.*Z\/\d{4}-.*Z$/);
    }
  });

  test("resource ids in rows are discovered", async () => {
    const query = "AzureActivity | project _ResourceId";
    const other = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-shop/providers/microsoft.web/serverfarms/plan";
    logs.when((call) => call.query === query, success(table([["_ResourceId", "string"]], [[other.toUpperCase()]])));
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    expect(evidence.discoveredResources).toEqual([other]);
  });

  test("secrets in rows are redacted", async () => {
    const query = "AppTraces | take 1";
    logs.when((call) => call.query === query, success(table([["Message", "string"]], [["connecting with AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTIzNA==;"]])));
    const alert = incident({ ...logAlert, condition: { ...logAlert.condition!, query } });

    const evidence = await runCollector(services(), alert, handler(), alertRequest, silent);

    expect(JSON.stringify(evidence)).not.toContain("c2VjcmV0");
    expect(JSON.stringify(evidence)).toContain("AccountKey=[REDACTED]");
  });

  test("slow query is a timeout", async () => {
    logs.setDelay(2000);
    try {
      const evidence = await runCollector(services({ COLLECTOR_TIMEOUT_SECONDS: "0.5" }), logAlert, handler(), alertRequest, silent);

      expect(evidence.status).toBe("timeout");
      expect(evidence.attempted.query).toBe(ALERT_QUERY);
    } finally {
      logs.setDelay(0);
    }
  });
});
