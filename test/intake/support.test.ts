import { PagerDutyAgentIdentity, isAgentNote } from "../../src/intake/pagerduty/agentIdentity";
import { priorityOf } from "../../src/intake/pagerduty/normalize";
import type { PagerDutyIncidentData } from "../../src/intake/schemas/pagerDuty";
import { redactHeaders, redactSecrets } from "../../src/intake/redact";
import { parseResourceId, scopesOf } from "../../src/intake/resourceIds";
import { cut, isoTime, numeric } from "../../src/intake/values";
import { silentLogger } from "../../src/app/logger";
import { DeliveryStore } from "../../src/storage/deliveries";
import { PayloadStore } from "../../src/storage/payloads";
import { RejectedPayloadStore } from "../../src/storage/rejected";
import { testTables } from "../support/storage";

describe("values", () => {
  test.each([
    ["2025-03-14T02:17:05.4413829Z", "2025-03-14T02:17:05.441Z"],
    ["2025-03-14T09:12:44.5531201+00:00", "2025-03-14T09:12:44.553Z"],
    ["2025-03-14T02:05:00", "2025-03-14T02:05:00.000Z"],
    ["3/14/2025 1:35:02 AM", "2025-03-14T01:35:02.000Z"],
    ["3/22/2019 1:36:31 PM", "2019-03-22T13:36:31.000Z"],
    ["12/1/2024 12:05:00 AM", "2024-12-01T00:05:00.000Z"],
    ["yesterday", undefined],
    [42, undefined],
  ])("isoTime(%p)", (input, output) => {
    expect(isoTime(input)).toBe(output);
  });

  test("numeric reads numbers and numeric strings only", () => {
    expect([numeric("71.2408"), numeric(5), numeric("12.7m"), numeric(""), numeric(null), numeric(Number.NaN)]).toEqual([71.2408, 5, undefined, undefined, undefined, undefined]);
  });

  test("cut does not split a surrogate pair", () => {
    const text = "a".repeat(87) + "😀" + "b".repeat(20);
    const result = cut(text, 100);
    expect(result.endsWith("…[cut]")).toBe(true);
    expect(result).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});

describe("resource ids", () => {
  test("parse nested types and lower-case them", () => {
    expect(parseResourceId("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/RG/providers/Microsoft.Sql/servers/s1/databases/d1")).toEqual({
      subscription: "00000000-0000-0000-0000-000000000001",
      resourceGroup: "rg",
      resourceType: "microsoft.sql/servers/databases",
    });
    expect(parseResourceId("not an id")).toBeUndefined();
  });

  test("scopesOf collects without repeats", () => {
    const scopes = scopesOf([
      "/subscriptions/00000000-0000-0000-0000-000000000001",
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-a",
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-a/providers/microsoft.web/sites/x",
    ]);
    expect(scopes).toEqual({ subscriptions: ["00000000-0000-0000-0000-000000000001"], resourceGroups: ["rg-a"], resourceTypes: ["microsoft.web/sites"] });
  });
});

describe("redaction", () => {
  test("headers lose credentials but keep their names", () => {
    const headers = new Headers({ Authorization: "Bearer x", "X-Functions-Key": "k", "Content-Type": "application/json", "X-Api-Token": "t", "X-Webhook-Id": "w1" });
    expect(redactHeaders(headers)).toEqual({
      authorization: "[REDACTED]",
      "x-functions-key": "[REDACTED]",
      "content-type": "application/json",
      "x-api-token": "[REDACTED]",
      "x-webhook-id": "w1",
    });
  });

  test("bodies lose credential-shaped text", () => {
    const body = JSON.stringify({
      conn: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123==;EndpointSuffix=core.windows.net",
      url: "https://app.example.com/api/x?code=fnkey123&other=1",
      clientSecret: "hunter2",
      note: "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig",
      db: "postgres://admin:pa55word@db.example.com/x",
    });
    const redacted = redactSecrets(body);
    for (const secret of ["abc123==", "fnkey123", "hunter2", "eyJhbGciOiJIUzI1NiJ9", "pa55word"]) expect(redacted).not.toContain(secret);
    expect(redacted).toContain("other=1");
  });
});

describe("isAgentNote", () => {
  test("recognises both marker forms", () => {
    expect(isAgentNote("[sre-agent] Investigating.")).toBe(true);
    expect(isAgentNote("  [sre-agent pagerduty-q1 analysis] Evidence.")).toBe(true);
    expect(isAgentNote("[sre-agents] not ours")).toBe(false);
    expect(isAgentNote("note [sre-agent]")).toBe(false);
    expect(isAgentNote(null)).toBe(false);
  });
});

describe("PagerDutyAgentIdentity", () => {
  const settings = { fromEmail: "bot@example.com", agentUserId: undefined };

  test("a configured id wins without a lookup", async () => {
    const identity = new PagerDutyAgentIdentity({ ...settings, agentUserId: "PBOT" }, { findUserIdByEmail: async () => "OTHER" });
    expect(await identity.userId(silentLogger)).toBe("PBOT");
  });

  test("looks up once and caches the id", async () => {
    let calls = 0;
    const identity = new PagerDutyAgentIdentity(settings, {
      findUserIdByEmail: async () => {
        calls++;
        return "PBOT";
      },
    });

    const ids = await Promise.all([identity.userId(silentLogger), identity.userId(silentLogger)]);
    const later = await identity.userId(silentLogger);

    expect([...ids, later]).toEqual(["PBOT", "PBOT", "PBOT"]);
    expect(calls).toBe(1);
  });

  test("a failed lookup is retried only after a pause", async () => {
    let now = 0;
    let calls = 0;
    const identity = new PagerDutyAgentIdentity(
      settings,
      {
        findUserIdByEmail: async () => {
          calls++;
          if (calls === 1) throw new Error("PagerDuty unreachable");
          return "PBOT";
        },
      },
      () => now,
    );

    expect(await identity.userId(silentLogger)).toBeUndefined();
    expect(await identity.userId(silentLogger)).toBeUndefined();
    now += 11 * 60_000;
    expect(await identity.userId(silentLogger)).toBe("PBOT");
    expect(calls).toBe(2);
  });
});

describe("intake stores", () => {
  const tables = testTables("istore");

  test("payloads longer than one entity span continuation rows", async () => {
    const payloads = new PayloadStore(tables);
    // NOTE: non-ASCII text only at the start: Azurite 3.37 corrupts a multi-byte character that straddles
    // a 64 KiB request chunk (Azure/Azurite#2670), which real Table Storage does not.
    const body = "é€😀" + "x".repeat(400_000) + "end";

    expect(await payloads.put("incident-a", { id: "fired", source: "azure-monitor", body })).toBe(true);
    expect(await payloads.put("incident-a", { id: "fired", source: "azure-monitor", body: "other" })).toBe(false);

    const stored = await payloads.get("incident-a", "fired");
    expect(stored?.body.length).toBe(body.length);
    expect(stored?.body === body).toBe(true);
    expect(await payloads.listIds("incident-a")).toEqual([{ id: "fired", receivedAt: stored!.receivedAt }]);
    // One head row and one continuation row.
    expect(await payloads.deletePartition("incident-a")).toBe(2);
  });

  test("delivery claims are exclusive until done, and stale claims can be taken over", async () => {
    const deliveries = new DeliveryStore(tables, 60_000);
    const start = new Date("2026-01-01T00:00:00Z");

    const claims = await Promise.all([1, 2, 3].map(() => deliveries.claim("p", "event-1", {}, start)));
    expect(claims.filter((claim) => claim.result === "claimed")).toHaveLength(1);
    expect(claims.filter((claim) => claim.result === "in-progress")).toHaveLength(2);

    const stale = await deliveries.claim("p", "event-1", {}, new Date(start.getTime() + 61_000));
    expect(stale.result).toBe("claimed");

    await deliveries.complete("p", "event-1", { outcome: "updated", incidentKey: "k" });
    expect(await deliveries.claim("p", "event-1")).toMatchObject({ result: "done", record: { outcome: "updated", incidentKey: "k" } });

    await deliveries.claim("p", "event-2");
    await deliveries.release("p", "event-2");
    expect((await deliveries.claim("p", "event-2")).result).toBe("claimed");
  });

  test("rejected payloads are cut to the entity limit and listed newest first", async () => {
    const rejected = new RejectedPayloadStore(testTables("irej"));
    const first = await rejected.add({ route: "r", status: 400, reason: "first", headers: {}, body: "x".repeat(500_000), bodyBytes: 500_000 }, new Date("2026-01-01T00:00:00Z"));
    await rejected.add({ route: "r", status: 401, reason: "second", headers: { a: "b" }, bodyBytes: 10 }, new Date("2026-01-02T00:00:00Z"));

    const list = await rejected.list();
    expect(list.map((record) => record.reason)).toEqual(["second", "first"]);
    expect(list[1].bodyTruncated).toBe(true);
    expect(list[1].body!.length).toBeLessThanOrEqual(360_000);
    expect(list[0].body).toBeUndefined();
    expect((await rejected.get(first))?.reason).toBe("first");

    expect(await rejected.deleteOlderThan(new Date("2026-01-01T12:00:00Z"))).toBe(1);
    expect((await rejected.list()).map((record) => record.reason)).toEqual(["second"]);
  });
});

describe("PagerDuty priority", () => {
  const urgency = { high: "P2" as const, low: "P4" as const };

  test.each([
    [{ priority: { summary: "P1" }, urgency: "low" }, "P1"],
    [{ priority: { summary: "p5" }, urgency: "high" }, "P5"],
    [{ priority: { summary: "SEV-1" }, urgency: "high" }, "P2"],
    [{ priority: null, urgency: "low" }, "P4"],
    [{ priority: null, urgency: null }, "P2"],
  ])("priorityOf(%j)", (data, expected) => {
    expect(priorityOf({ id: "Q1", ...data } as PagerDutyIncidentData, urgency)).toBe(expected);
  });
});
