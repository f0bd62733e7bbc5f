import { incidentKeyFor } from "../../src/intake/incident";
import { setPagerDutyUserLookupProvider } from "../../src/intake/pagerduty/agentIdentity";
import { signPagerDutyBody } from "../../src/intake/pagerduty/signature";
import { UNLINKED_PAGERDUTY_PAYLOADS } from "../../src/intake/pagerdutyHandler";
import { safeKey } from "../../src/storage/keys";
import { EVENT } from "../../src/workflow/names";
import { corpusBytes, pagerDutyHeaders, postPagerDuty, PRIMARY_SECRET, sendCorpusFile, setUpIntake } from "./helpers";

const PD_KEY = incidentKeyFor("pagerduty", "Q1TESTINC0001A");

/** Returns a corpus event changed by `edit`, to be signed again with the primary secret. */
function editedEvent(file: string, edit: (event: Record<string, any>) => void): Buffer {
  const payload = JSON.parse(corpusBytes(file).toString("utf8"));
  edit(payload.event);
  return Buffer.from(JSON.stringify(payload), "utf8");
}

async function postSigned(body: Buffer, webhookId?: string) {
  return postPagerDuty(body, pagerDutyHeaders(signPagerDutyBody(body, PRIMARY_SECRET), webhookId));
}

afterEach(() => setPagerDutyUserLookupProvider(undefined));

describe("PagerDuty webhook authentication", () => {
  test("no secret configured answers 401 naming the setting", async () => {
    const { stores } = setUpIntake({ PAGERDUTY_WEBHOOK_SECRET: "" }, "pdnos");

    const answer = await sendCorpusFile("pd-incident-triggered.json");

    expect(answer.status).toBe(401);
    expect(answer.body.error?.message).toContain("PAGERDUTY_WEBHOOK_SECRET");
    expect(await stores.rejected.list()).toHaveLength(1);
  });

  test("PAGERDUTY_ALLOW_UNSIGNED accepts unsigned deliveries without a secret", async () => {
    setUpIntake({ PAGERDUTY_WEBHOOK_SECRET: "", PAGERDUTY_ALLOW_UNSIGNED: "true" }, "pdall");

    const answer = await postPagerDuty(corpusBytes("pd-incident-triggered.json"), pagerDutyHeaders(undefined));

    expect(answer).toMatchObject({ status: 202, body: { outcome: "created" } });
  });

  test("a configured secret is checked even when unsigned is allowed", async () => {
    setUpIntake({ PAGERDUTY_ALLOW_UNSIGNED: "true" }, "pdchk");

    const answer = await postPagerDuty(corpusBytes("pd-incident-triggered.json"), pagerDutyHeaders(undefined));

    expect(answer.status).toBe(401);
  });

  test("the signature is checked before de-duplication", async () => {
    const { port } = setUpIntake({}, "pdord");
    await sendCorpusFile("pd-incident-triggered.json");

    // The same webhook id with a broken signature is rejected, not reported as a duplicate.
    const forged = await postPagerDuty(corpusBytes("pd-incident-triggered.json"), pagerDutyHeaders("v1=" + "0".repeat(64), "6a0f3c2e-1b4d-4e8a-9c7f-00000000a001"));

    expect(forged.status).toBe(401);
    expect(port.started).toHaveLength(1);
  });

  test("rejected records keep the signature header but no credentials", async () => {
    const { stores } = setUpIntake({}, "pdhdr");
    const body = corpusBytes("pd-incident-triggered.json");

    await postPagerDuty(body, { ...pagerDutyHeaders("v1=" + "1".repeat(64)), Authorization: "Bearer abcdefghijklmnop", "X-Custom-Token": "s3cr3t" });

    const [record] = await stores.rejected.list();
    expect(record.headers["x-pagerduty-signature"]).toBe("v1=" + "1".repeat(64));
    expect(record.headers.authorization).toBe("[REDACTED]");
    expect(record.headers["x-custom-token"]).toBe("[REDACTED]");
    expect(record.body).toBe(body.toString("utf8"));
  });
});

describe("PagerDuty events", () => {
  test("events for an unknown incident are ignored and recorded", async () => {
    const { stores, services } = setUpIntake({}, "pdunk");

    const answer = await sendCorpusFile("pd-incident-acknowledged.json");

    expect(answer).toMatchObject({ status: 202, body: { incidentKey: null, outcome: "ignored" } });
    expect(await services.incidents.get(PD_KEY)).toBeUndefined();
    expect(await stores.deliveries.get("pagerduty", "event-01JPTEST000000000000ACK001")).toMatchObject({ state: "done", outcome: "ignored" });
    expect(await stores.payloads.get(UNLINKED_PAGERDUTY_PAYLOADS, "01JPTEST000000000000ACK001")).toMatchObject({ source: "pagerduty" });
  });

  test("the ping is ignored and recorded", async () => {
    const { stores } = setUpIntake({}, "pdpng");

    const answer = await sendCorpusFile("pd-pagey-ping.json");

    expect(answer.body.outcome).toBe("ignored");
    expect(await stores.deliveries.get("pagerduty", "webhook-6a0f3c2e-1b4d-4e8a-9c7f-00000000a014")).toMatchObject({ state: "done", outcome: "ignored" });
  });

  test("accepted payloads are kept beside the incident, byte for byte", async () => {
    const { stores } = setUpIntake({}, "pdpay");

    await sendCorpusFile("pd-incident-triggered-unicode.json");

    const stored = await stores.payloads.get(incidentKeyFor("pagerduty", "Q1TESTINC0003C"), "01JPTEST000000000000TRG002");
    expect(stored?.body).toBe(corpusBytes("pd-incident-triggered-unicode.json").toString("utf8"));
  });

  test("a merge resolve resolves with a note and no takeover", async () => {
    const { services, port } = setUpIntake({}, "pdmrg");
    await sendCorpusFile("pd-incident-triggered.json");
    const merged = editedEvent("pd-incident-resolved.json", (event) => {
      event.data.resolve_reason = { type: "merge_resolve_reason", incident: { id: "Q1TESTINC0009Z", type: "incident_reference" } };
    });

    const answer = await postSigned(merged);

    expect(answer.body.outcome).toBe("resolved");
    const incident = (await services.incidents.get(PD_KEY))!.incident;
    expect(incident.status).toBe("resolved");
    expect(incident.takenOverBy).toBeUndefined();
    const thread = await services.threads.list(PD_KEY);
    expect(thread.map((message) => message.kind)).toEqual(["resolved"]);
    expect(thread[0].text).toContain("Q1TESTINC0009Z");
    const raised = port.events.filter((event) => event.instanceId === safeKey(PD_KEY));
    expect(raised.map((event) => [event.eventName, (event.data as { reason: string }).reason])).toEqual([[EVENT.alertResolved, "merged"]]);
  });

  test("an automated resolve is no takeover", async () => {
    const { services, port } = setUpIntake({}, "pdaut");
    await sendCorpusFile("pd-incident-triggered.json");
    const automated = editedEvent("pd-incident-resolved.json", (event) => {
      event.agent = { id: "PSVC0A1", type: "service_reference", summary: "checkout-api (prod)" };
    });

    expect((await postSigned(automated)).body.outcome).toBe("resolved");

    expect((await services.incidents.get(PD_KEY))!.incident.takenOverBy).toBeUndefined();
    expect(port.eventsFor(safeKey(PD_KEY))).toEqual([EVENT.alertResolved]);
  });

  test("reassigning to the agent is no takeover", async () => {
    const { services, port } = setUpIntake({}, "pdrea");
    await sendCorpusFile("pd-incident-triggered.json");
    const toAgent = editedEvent("pd-incident-reassigned.json", (event) => {
      event.data.assignees = [{ id: "PBOT0A1", type: "user_reference", summary: "SRE Agent (bot)" }];
    });

    expect((await postSigned(toAgent)).body.outcome).toBe("updated");

    expect((await services.incidents.get(PD_KEY))!.incident.takenOverBy).toBeUndefined();
    expect(port.eventsFor(safeKey(PD_KEY))).toEqual([]);
  });

  test("a note that starts with [sre-agent] is an echo", async () => {
    const { services } = setUpIntake({ PAGERDUTY_AGENT_USER_ID: "" }, "pdnot");
    await sendCorpusFile("pd-incident-triggered.json");
    const note = editedEvent("pd-incident-annotated.json", (event) => {
      event.data.content = "[sre-agent pagerduty-q1testinc0001a analysis] Evidence collected.";
    });

    expect((await postSigned(note)).body.outcome).toBe("echo");
    expect(await services.threads.list(PD_KEY)).toEqual([]);
  });

  test("the agent user id is looked up by email once when not configured", async () => {
    const calls: string[] = [];
    setPagerDutyUserLookupProvider(() => ({
      findUserIdByEmail: async (email: string) => {
        calls.push(email);
        return "PBOT0A1";
      },
    }));
    setUpIntake({ PAGERDUTY_AGENT_USER_ID: "", PAGERDUTY_API_KEY: "test-key", PAGERDUTY_FROM_EMAIL: "sre-agent@example.com" }, "pdlku");
    await sendCorpusFile("pd-incident-triggered.json");

    const echo = await sendCorpusFile("pd-incident-acknowledged-by-agent.json");
    const human = await sendCorpusFile("pd-incident-acknowledged.json");

    expect(echo.body.outcome).toBe("echo");
    expect(human.body.outcome).toBe("updated");
    expect(calls).toEqual(["sre-agent@example.com"]);
  });

  test("a triggered event with the incident missing is rejected naming the field", async () => {
    const { stores } = setUpIntake({}, "pdinv");
    const broken = editedEvent("pd-incident-triggered.json", (event) => {
      delete event.data.id;
    });

    const answer = await postSigned(broken);

    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain("event.data.id is missing");
    expect(await stores.rejected.list()).toHaveLength(1);
  });

  test("a delivery without event.id is rejected", async () => {
    setUpIntake({}, "pdnoid");
    const broken = editedEvent("pd-pagey-ping.json", (event) => {
      delete event.id;
    });

    const answer = await postSigned(broken);

    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain("event.id is missing");
  });

  test("a wrong content type is 415 after the signature check", async () => {
    setUpIntake({}, "pd415");
    const body = corpusBytes("pd-pagey-ping.json");

    const answer = await postPagerDuty(body, { ...pagerDutyHeaders(signPagerDutyBody(body, PRIMARY_SECRET)), "Content-Type": "text/plain" });

    expect(answer.status).toBe(415);
  });
});

describe("PagerDuty transient failures", () => {
  test("a failed start answers 503 and the retry heals it", async () => {
    const { port, services } = setUpIntake({}, "pd503");
    port.failNext("start");

    const first = await sendCorpusFile("pd-incident-triggered.json");
    const retry = await sendCorpusFile("pd-incident-triggered.json");

    expect(first.status).toBe(503);
    expect(first.headers["retry-after"]).toBe("5");
    expect(await services.incidents.get(PD_KEY)).toBeDefined();
    expect(retry).toMatchObject({ status: 202, body: { outcome: "created" } });
    expect(port.started).toEqual([safeKey(PD_KEY)]);
  });

  test("a storage failure answers 503 and leaves the delivery retryable", async () => {
    const { services, port } = setUpIntake({}, "pdsto");
    const unavailable = Object.assign(new Error("Service Unavailable"), { statusCode: 503 });
    jest.spyOn(services.incidents, "create").mockRejectedValueOnce(unavailable);

    const first = await sendCorpusFile("pd-incident-triggered.json");
    const retry = await sendCorpusFile("pd-incident-triggered.json");

    expect(first.status).toBe(503);
    expect(retry.body.outcome).toBe("created");
    expect(port.started).toHaveLength(1);
  });
});
