import { incidentKeyFor } from "../../src/intake/incident";
import { safeKey } from "../../src/storage/keys";
import { EVENT } from "../../src/workflow/names";
import { corpusBytes, corpusEntry, postPagerDuty, sendCorpusFile, setUpIntake } from "./helpers";

const METRIC_KEY = incidentKeyFor("azure-monitor", "6f1c2a9e-0b7d-4c55-9e21-3a8d5f0c1101");
const LOG_KEY = incidentKeyFor("azure-monitor", "3c8e5b17-2f4a-4d6e-b9a0-7e1d4c6f1104");
const PD_KEY = incidentKeyFor("pagerduty", "Q1TESTINC0001A");

describe("Fired then Resolved", () => {
  test.each([
    ["az-cs-metric-static-fired.json", "az-cs-metric-static-resolved.json", METRIC_KEY],
    ["az-cs-logv2-fired.json", "az-cs-logv2-resolved.json", LOG_KEY],
  ])("%s then %s", async (fired, resolved, key) => {
    const { services, port } = setUpIntake({}, "seqfr");

    const first = await sendCorpusFile(fired);
    const second = await sendCorpusFile(resolved);

    expect(first).toMatchObject({ status: 202, body: { incidentKey: key, outcome: "created" } });
    expect(second).toMatchObject({ status: 202, body: { incidentKey: key, outcome: "resolved" } });
    expect(port.started).toEqual([safeKey(key)]);
    expect(port.eventsFor(safeKey(key))).toEqual([EVENT.alertResolved]);
    const stored = await services.incidents.get(key);
    expect(stored?.incident.status).toBe("resolved");
    expect(stored?.incident.resolvedAt).toEqual(expect.any(String));
    const thread = await services.threads.list(key);
    expect(thread.map((message) => [message.author, message.kind])).toEqual([["platform", "resolved"]]);
  });

  test("a repeated Resolved is a duplicate", async () => {
    const { port } = setUpIntake({}, "seqrr");
    await sendCorpusFile("az-cs-metric-static-fired.json");
    await sendCorpusFile("az-cs-metric-static-resolved.json");

    const again = await sendCorpusFile("az-cs-metric-static-resolved.json");

    expect(again.body.outcome).toBe("duplicate");
    expect(port.started).toHaveLength(1);
  });
});

describe("Resolved before Fired", () => {
  test.each([
    ["az-cs-logv2-resolved.json", "az-cs-logv2-fired.json", LOG_KEY],
    ["az-cs-metric-static-resolved.json", "az-cs-metric-static-fired.json", METRIC_KEY],
  ])("%s then %s opens no incident", async (resolved, fired, key) => {
    const { services, port } = setUpIntake({}, "seqrf");

    const first = await sendCorpusFile(resolved);
    const second = await sendCorpusFile(fired);

    expect(first).toMatchObject({ status: 202, body: { incidentKey: key, outcome: "resolved" } });
    expect(second).toMatchObject({ status: 202, body: { incidentKey: key, outcome: "ignored" } });
    expect(port.startCalls).toHaveLength(0);
    expect(await services.incidents.list({ status: ["open"] })).toEqual([]);
    const stored = await services.incidents.get(key);
    expect(stored?.incident).toMatchObject({ status: "resolved", tombstone: true });
  });
});

describe("concurrent duplicates", () => {
  test("five concurrent Fired start one orchestration", async () => {
    const { services, port } = setUpIntake({}, "seqcc");
    const key = incidentKeyFor("azure-monitor", "0d2b7e44-91a3-4f0e-8c6b-5e7a2f9d1102");

    const answers = await Promise.all(Array.from({ length: 5 }, () => sendCorpusFile("az-cs-metric-dynamic-sev0-multitarget-fired.json")));

    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.filter((answer) => answer.body.outcome === "created")).toHaveLength(1);
    expect(answers.filter((answer) => answer.body.outcome === "duplicate")).toHaveLength(4);
    expect(port.started).toEqual([safeKey(key)]);
    expect(await services.incidents.list()).toHaveLength(1);
  });

  test("the same PagerDuty webhook twice is a duplicate", async () => {
    const { port } = setUpIntake({}, "seqpd");

    const first = await sendCorpusFile("pd-incident-triggered.json");
    const second = await sendCorpusFile("pd-incident-triggered.json");

    expect(first.body.outcome).toBe("created");
    expect(second).toMatchObject({ status: 202, body: { incidentKey: PD_KEY, outcome: "duplicate" } });
    expect(port.started).toEqual([safeKey(PD_KEY)]);
  });

  test("the same PagerDuty event under another webhook id is a duplicate", async () => {
    const { port } = setUpIntake({}, "seqpe");
    const entry = corpusEntry("pd-incident-triggered.json");
    await sendCorpusFile("pd-incident-triggered.json");

    // A second subscription delivers the same event with its own X-Webhook-Id.
    const again = await postPagerDuty(corpusBytes(entry.file), { ...entry.headers, "X-Webhook-Id": "another-subscription-delivery" });

    expect(again.body.outcome).toBe("duplicate");
    expect(port.started).toHaveLength(1);
  });
});

describe("PagerDuty lifecycle", () => {
  test("Q1TESTINC0001A from triggered to resolved", async () => {
    const { services, port } = setUpIntake({}, "seqlc");
    const files = [
      ["pd-incident-triggered.json", "created"],
      ["pd-incident-acknowledged.json", "updated"],
      ["pd-incident-reassigned.json", "updated"],
      ["pd-incident-priority-updated.json", "updated"],
      ["pd-incident-annotated.json", "updated"],
      ["pd-incident-acknowledged-by-agent.json", "echo"],
      ["pd-incident-resolved.json", "resolved"],
    ];

    for (const [file, outcome] of files) {
      const answer = await sendCorpusFile(file);
      expect({ file, status: answer.status, outcome: answer.body.outcome, key: answer.body.incidentKey }).toEqual({ file, status: 202, outcome, key: PD_KEY });
    }

    const incident = (await services.incidents.get(PD_KEY))!.incident;
    expect(incident.status).toBe("resolved");
    expect(incident.priority).toBe("P1");
    expect(incident.takenOverBy).toBe("Jordan Example (PUSR0C3)");
    expect(incident.pagerDuty?.status).toBe("resolved");

    const thread = await services.threads.list(PD_KEY);
    expect(thread.map((message) => message.kind)).toEqual(["platform-update", "platform-update", "takeover", "platform-update", "human-note", "resolved"]);
    expect(thread.every((message) => message.author === "platform")).toBe(true);
    // The agent's own acknowledgement leaves no message.
    expect(thread.some((message) => message.text.includes("SRE Agent"))).toBe(false);

    expect(port.eventsFor(safeKey(PD_KEY))).toEqual([EVENT.takeover, EVENT.takeover, EVENT.alertResolved]);
  });

  test("unicode title, then a rotated signature", async () => {
    const { services } = setUpIntake({}, "sequn");
    const key = incidentKeyFor("pagerduty", "Q1TESTINC0003C");

    const triggered = await sendCorpusFile("pd-incident-triggered-unicode.json");
    const rotated = await sendCorpusFile("pd-signature-rotation.json");

    expect(triggered).toMatchObject({ status: 202, body: { incidentKey: key, outcome: "created" } });
    expect(rotated).toMatchObject({ status: 202, body: { incidentKey: key, outcome: "updated" } });
    const incident = (await services.incidents.get(key))!.incident;
    expect(incident.title).toBe("Zahlungsdienst nicht erreichbar – 決済サービス停止 🔥 «prod»");
    expect(incident.pagerDuty?.status).toBe("acknowledged");
  });
});

describe("bad input", () => {
  test("every bad file is rejected and kept", async () => {
    const { stores } = setUpIntake({}, "seqbad");
    const bad = ["bad-truncated-json.json", "bad-wrong-content-type.json", "bad-missing-essentials.json", "bad-unknown-schemaid.json", "bad-huge-description.json", "bad-empty-body.json"];

    for (const file of bad) {
      const answer = await sendCorpusFile(file);
      expect({ file, status: answer.status }).toEqual({ file, status: corpusEntry(file).expect_status });
    }

    const rejected = await stores.rejected.list();
    expect(rejected).toHaveLength(bad.length);
    expect(rejected.map((record) => record.status)).toEqual([400, 413, 400, 400, 415, 400]);
    const huge = rejected.find((record) => record.status === 413)!;
    expect(huge.bodyTruncated).toBe(true);
    expect(huge.bodyBytes).toBeGreaterThan(524_288);
    const truncated = rejected.find((record) => record.reason.includes("not valid JSON"))!;
    expect(truncated.body).toBe(corpusBytes("bad-truncated-json.json").toString("utf8"));
  });
});
