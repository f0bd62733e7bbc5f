import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { readSettings } from "../../src/config/settings";
import { Services, setServices } from "../../src/app/services";
import { intakeStores, type IntakeStores } from "../../src/intake/stores";
import { azureMonitorAlertHandler } from "../../src/intake/azureMonitorHandler";
import { pagerDutyWebhookHandler } from "../../src/intake/pagerdutyHandler";
import { RecordingPort } from "../support/recordingPort";
import { testTables } from "../support/storage";

/** The shared alert corpus: `../shared/corpus` from the repository root. */
export const CORPUS = path.resolve(process.cwd(), "../shared/corpus");

export interface CorpusEntry {
  file: string;
  request: string;
  headers: Record<string, string>;
  expect_status: number;
  outcome: string;
  incident_key_source: string | null;
}

export const expected = JSON.parse(readFileSync(path.join(CORPUS, "expected.json"), "utf8")) as { files: CorpusEntry[] };
export const signatures = JSON.parse(readFileSync(path.join(CORPUS, "pagerduty-signatures.json"), "utf8")) as {
  secrets: { primary: string; retired_old: string; wrong: string };
  files: Record<string, { headers: Record<string, string> }>;
};

export const PRIMARY_SECRET = signatures.secrets.primary;
export const AGENT_USER_ID = "PBOT0A1";

export function corpusBytes(file: string): Buffer {
  return readFileSync(path.join(CORPUS, file));
}

export function corpusEntry(file: string): CorpusEntry {
  const entry = expected.files.find((candidate) => candidate.file === file);
  if (!entry) throw new Error(`${file} is not in expected.json`);
  return entry;
}

export interface IntakeSetup {
  services: Services;
  port: RecordingPort;
  stores: IntakeStores;
}

/** Fresh services on fresh tables with a recording port, installed as the process-wide services. */
export function setUpIntake(env: Record<string, string> = {}, label = "intake"): IntakeSetup {
  const port = new RecordingPort();
  const settings = readSettings({ PAGERDUTY_WEBHOOK_SECRET: PRIMARY_SECRET, PAGERDUTY_AGENT_USER_ID: AGENT_USER_ID, ...env });
  const services = new Services(settings, () => port, { tables: testTables(label) });
  setServices(services);
  return { services, port, stores: intakeStores(services) };
}

/** Creates an invocation context that collects its log lines in `lines` instead of printing them. */
export function quietContext(lines: unknown[][] = []): InvocationContext {
  return new InvocationContext({ invocationId: randomUUID(), functionName: "test", logHandler: (_level, ...args) => lines.push(args) });
}

export interface Answer {
  status: number;
  body: { incidentKey?: string | null; outcome?: string; error?: { message: string } };
  headers: Record<string, string>;
}

function answerOf(response: HttpResponseInit): Answer {
  return {
    status: response.status ?? 200,
    body: (response.jsonBody ?? {}) as Answer["body"],
    headers: (response.headers ?? {}) as Record<string, string>,
  };
}

export function request(route: "azure-monitor" | "pagerduty", body: Uint8Array | string, headers: Record<string, string>, query = ""): HttpRequest {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return new HttpRequest({
    method: "POST",
    url: `http://127.0.0.1:7071/api/alerts/${route}${query}`,
    headers,
    body: { bytes },
  });
}

export async function postAzure(body: Uint8Array | string, headers: Record<string, string> = { "Content-Type": "application/json" }, query = ""): Promise<Answer> {
  return answerOf(await azureMonitorAlertHandler(request("azure-monitor", body, headers, query), quietContext()));
}

export async function postPagerDuty(body: Uint8Array | string, headers: Record<string, string>): Promise<Answer> {
  return answerOf(await pagerDutyWebhookHandler(request("pagerduty", body, headers), quietContext()));
}

/** Sends a corpus file with the headers and content type its expected.json entry gives. */
export async function sendCorpusFile(file: string): Promise<Answer> {
  const entry = corpusEntry(file);
  const bytes = corpusBytes(file);
  if (entry.request.endsWith("/pagerduty")) return postPagerDuty(bytes, entry.headers);
  const headers = file === "bad-wrong-content-type.json" ? { "Content-Type": "text/plain" } : entry.headers;
  return postAzure(bytes, headers);
}

/** Headers of a PagerDuty delivery for `body`, signed with `secret`. */
export function pagerDutyHeaders(signature: string | undefined, webhookId: string = randomUUID()): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "User-Agent": "PagerDuty-Webhook/V3.0",
    "X-Webhook-Id": webhookId,
    "X-Webhook-Subscription": "PSUB0T1",
  };
  if (signature !== undefined) headers["X-PagerDuty-Signature"] = signature;
  return headers;
}
