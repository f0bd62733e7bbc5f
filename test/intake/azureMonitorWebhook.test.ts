import { HttpRequest } from "@azure/functions";
import { incidentKeyFor } from "../../src/intake/incident";
import { listRejectedHandler } from "../../src/intake/rejectedApi";
import { intakeRoutes } from "../../src/intake/routes";
import { safeKey } from "../../src/storage/keys";
import { corpusBytes, postAzure, quietContext, sendCorpusFile, setUpIntake } from "./helpers";

const METRIC_KEY = incidentKeyFor("azure-monitor", "6f1c2a9e-0b7d-4c55-9e21-3a8d5f0c1101");
const fired = corpusBytes("az-cs-metric-static-fired.json");

describe("Azure Monitor token", () => {
  test("a missing or wrong token answers 401; the right one is accepted", async () => {
    const { stores } = setUpIntake({ AZURE_MONITOR_WEBHOOK_TOKEN: "tok-123" }, "aztok");

    const missing = await postAzure(fired);
    const wrong = await postAzure(fired, undefined, "?token=tok-124");
    const right = await postAzure(fired, undefined, "?token=tok-123&code=function-key");

    expect(missing.status).toBe(401);
    expect(missing.body.error?.message).toContain("AZURE_MONITOR_WEBHOOK_TOKEN");
    expect(wrong.status).toBe(401);
    expect(right).toMatchObject({ status: 202, body: { outcome: "created" } });
    const rejected = await stores.rejected.list();
    expect(rejected).toHaveLength(2);
    expect(JSON.stringify(rejected)).not.toContain("tok-124");
  });

  test("without a configured token no token is needed", async () => {
    setUpIntake({}, "aznot");
    expect((await postAzure(fired)).status).toBe(202);
  });
});

describe("Azure Monitor input checks", () => {
  test("a Content-Length over the limit is refused unread", async () => {
    const { stores } = setUpIntake({ INTAKE_MAX_BODY_BYTES: "1000" }, "azlen");

    const answer = await postAzure(fired, { "Content-Type": "application/json", "Content-Length": String(fired.length) });

    expect(answer.status).toBe(413);
    expect(answer.body.error?.message).toContain("INTAKE_MAX_BODY_BYTES");
    const [record] = await stores.rejected.list();
    expect(record).toMatchObject({ status: 413, bodyBytes: fired.length, bodyTruncated: true });
    expect(record.body).toBeUndefined();
  });

  test("a body over the limit without Content-Length is cut and refused", async () => {
    const { stores } = setUpIntake({ INTAKE_MAX_BODY_BYTES: "1000" }, "azbig");

    const answer = await postAzure(fired);

    expect(answer.status).toBe(413);
    const [record] = await stores.rejected.list();
    expect(record.bodyTruncated).toBe(true);
    expect(record.body!.length).toBeLessThanOrEqual(1001);
  });

  test("a missing Content-Type is accepted as JSON", async () => {
    setUpIntake({}, "azcty");
    expect((await postAzure(fired, {})).status).toBe(202);
  });

  test("a JSON content type with parameters is accepted", async () => {
    setUpIntake({}, "azprm");
    expect((await postAzure(fired, { "Content-Type": "application/json; charset=utf-8" })).status).toBe(202);
  });

  test.each([
    ["a JSON array", "[]", "JSON object"],
    ["invalid UTF-8", Buffer.from([0x7b, 0xff, 0x7d]), "UTF-8"],
    ["a missing alertId", JSON.stringify({ schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { severity: "Sev1" } } }), "data.essentials.alertId is missing"],
    ["an alertId of slashes", JSON.stringify({ schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertId: "///" } } }), "data.essentials.alertId"],
    ["targets as a string", JSON.stringify({ schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertId: "/a/b", alertTargetIDs: "/subscriptions/x" } } }), "data.essentials.alertTargetIDs must be array or null"],
  ])("%s is rejected with 400 naming the problem", async (_name, body, message) => {
    setUpIntake({}, "az400");

    const answer = await postAzure(body);

    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain(message);
  });

  test("the incident key ignores the letter case of alertId", async () => {
    const { port } = setUpIntake({}, "azcase");
    const upper = fired.toString("utf8").replace("6f1c2a9e-0b7d-4c55-9e21-3a8d5f0c1101", "6F1C2A9E-0B7D-4C55-9E21-3A8D5F0C1101");

    const first = await postAzure(fired);
    const second = await postAzure(upper);

    expect(first.body.incidentKey).toBe(METRIC_KEY);
    expect(second).toMatchObject({ body: { incidentKey: METRIC_KEY, outcome: "duplicate" } });
    expect(port.started).toHaveLength(1);
  });

  test("each stateless alert opens its own incident", async () => {
    const { port } = setUpIntake({}, "azstl");
    const health = corpusBytes("az-cs-resource-health-unavailable.json").toString("utf8");
    const recovered = health
      .replace("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b110b", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b9999")
      .replace('"currentHealthStatus": "Unavailable"', '"currentHealthStatus": "Available"');

    expect((await postAzure(health)).body.outcome).toBe("created");
    expect((await postAzure(recovered)).body.outcome).toBe("created");
    expect(port.started).toHaveLength(2);
  });
});

describe("Azure Monitor storage and hand-over", () => {
  test("an alert with huge custom properties still gives a readable incident", async () => {
    const { services } = setUpIntake({}, "azfat");
    const alert = JSON.parse(fired.toString("utf8"));
    alert.data.customProperties = Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`property${index}`, "v".repeat(4_500)]));
    alert.data.essentials.description = "d".repeat(40_000);

    const answer = await postAzure(JSON.stringify(alert));

    expect(answer.body.outcome).toBe("created");
    const stored = (await services.incidents.get(METRIC_KEY))!.incident;
    expect(JSON.stringify(stored).length).toBeLessThanOrEqual(200_000);
    expect(Object.keys(stored.customProperties).length).toBeGreaterThan(0);
    expect(stored.targets).toHaveLength(1);
  });


  test("the raw payload is kept beside the incident", async () => {
    const { stores } = setUpIntake({}, "azpay");

    await sendCorpusFile("az-cs-long-description.json");

    const key = incidentKeyFor("azure-monitor", "0d1e2f3a-4b5c-4d6e-9f7a-8b9c0d1e1111");
    const stored = await stores.payloads.get(key, "fired");
    expect(stored?.body).toBe(corpusBytes("az-cs-long-description.json").toString("utf8"));
  });

  test("a failed start answers 503 and the retry starts it once", async () => {
    const { port } = setUpIntake({}, "azheal");
    port.failNext("start");

    const first = await postAzure(fired);
    const retry = await postAzure(fired);
    const again = await postAzure(fired);

    expect(first.status).toBe(503);
    expect(first.body.error?.message).toContain("try again");
    expect(retry.body.outcome).toBe("created");
    expect(again.body.outcome).toBe("duplicate");
    expect(port.started).toEqual([safeKey(METRIC_KEY)]);
  });

  test("a failed raise answers 503 and the retry resolves", async () => {
    const { port } = setUpIntake({}, "azrais");
    await postAzure(fired);
    port.failNext("raiseEvent");

    const first = await sendCorpusFile("az-cs-metric-static-resolved.json");
    const retry = await sendCorpusFile("az-cs-metric-static-resolved.json");

    expect(first.status).toBe(503);
    expect(retry.status).toBe(202);
    expect(port.eventsFor(safeKey(METRIC_KEY))).toEqual(["AlertResolved"]);
  });

  test("a transient storage failure answers 503, not 500", async () => {
    const { services, stores } = setUpIntake({}, "azsto");
    jest.spyOn(services.incidents, "create").mockRejectedValueOnce(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:10002"), { code: "ECONNREFUSED" }));

    const answer = await postAzure(fired);

    expect(answer.status).toBe(503);
    // A transient failure is not a rejection: the sender retries.
    expect(await stores.rejected.list()).toHaveLength(0);
  });

  test("an unexpected failure answers 503 and keeps the payload", async () => {
    const { services, stores } = setUpIntake({}, "azbug");
    jest.spyOn(services.incidents, "create").mockRejectedValueOnce(new TypeError("something is undefined"));

    const answer = await postAzure(fired);

    expect(answer.status).toBe(503);
    const [record] = await stores.rejected.list();
    expect(record.status).toBe(503);
    expect(record.body).toBe(fired.toString("utf8"));
  });
});

describe("GET /api/rejected", () => {
  function get(query = ""): HttpRequest {
    return new HttpRequest({ method: "GET", url: `http://127.0.0.1:7071/api/rejected${query}` });
  }

  test("lists rejected payloads newest first with previews", async () => {
    setUpIntake({}, "azlst");
    await sendCorpusFile("bad-empty-body.json");
    await sendCorpusFile("bad-unknown-schemaid.json");
    await sendCorpusFile("pd-pagey-ping.json");
    await sendCorpusFile("bad-pd-missing-signature.json");

    const response = await listRejectedHandler(get(), quietContext());
    const rejected = (response.jsonBody as { rejected: Array<{ route: string; status: number; reason: string; bodyPreview: string | null }> }).rejected;

    expect(response.status).toBe(200);
    expect(rejected.map((record) => [record.route, record.status])).toEqual([
      ["alerts/pagerduty", 401],
      ["alerts/azure-monitor", 400],
      ["alerts/azure-monitor", 400],
    ]);
    expect(rejected[1].bodyPreview).toContain("contoso.CustomAlert/v7");
  });

  test("filters by route, limits, and returns one record by id", async () => {
    setUpIntake({}, "azone");
    await sendCorpusFile("bad-unknown-schemaid.json");
    await sendCorpusFile("bad-pd-missing-signature.json");

    const filtered = await listRejectedHandler(get("?route=alerts/azure-monitor&limit=5"), quietContext());
    const [summary] = (filtered.jsonBody as { rejected: Array<{ id: string; route: string }> }).rejected;
    const one = await listRejectedHandler(get(`?id=${summary.id}`), quietContext());
    const bad = await listRejectedHandler(get("?limit=0"), quietContext());
    const missing = await listRejectedHandler(get("?id=nope"), quietContext());

    expect((filtered.jsonBody as { rejected: unknown[] }).rejected).toHaveLength(1);
    expect(summary.route).toBe("alerts/azure-monitor");
    expect((one.jsonBody as { body: string }).body).toBe(corpusBytes("bad-unknown-schemaid.json").toString("utf8"));
    expect(bad.status).toBe(400);
    expect(missing.status).toBe(404);
  });
});

describe("intake routes", () => {
  test("declare the routes and their auth levels", () => {
    expect(intakeRoutes.map((route) => [route.route, route.methods, route.authLevel])).toEqual([
      ["alerts/azure-monitor", ["POST"], "function"],
      ["alerts/pagerduty", ["POST"], "anonymous"],
      ["rejected", ["GET"], "function"],
    ]);
  });
});
