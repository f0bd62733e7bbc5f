import type { TokenCredential } from "@azure/core-auth";
import { startLocalHost, type LocalHost } from "../../src/local/host";
import { silentLogger, type Logger } from "../../src/app/logger";
import type { ThreadMessage } from "../../src/storage/threads";
import { testConnectionString, testTables } from "./storage";

export interface TestApp extends LocalHost {
  /** POSTs `body` (bytes or a value to serialize) to `path` below the host. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any }>;
  get(path: string): Promise<{ status: number; json: any; text: string }>;
  /** Polls the thread of `incidentKey` until `done` holds; fails with the thread after `timeoutMs`. */
  waitForThread(incidentKey: string, done: (messages: ThreadMessage[]) => boolean, timeoutMs?: number): Promise<ThreadMessage[]>;
}

export interface TestAppOptions {
  /** Settings as environment variables; storage and port are filled in. */
  env?: Record<string, string | undefined>;
  /** Reuse these tables (a restart on the same data); a fresh prefix otherwise. */
  tablePrefix?: string;
  azureCredential?: TokenCredential;
  logger?: Logger;
}

/**
 * Starts the whole app as the local host runs it, on the run's Azurite with isolated tables and
 * on a free loopback port: real HTTP, real local durable runtime, real storage.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const tables = options.tablePrefix ? testTables(options.tablePrefix, { exactPrefix: true }) : testTables("app");
  const env: Record<string, string | undefined> = {
    AzureWebJobsStorage: testConnectionString(),
    TABLE_PREFIX: tables.prefix,
    LOCAL_STORAGE_PATH: ":memory:",
    APPROVAL_SIGNING_KEY: "test-signing-key-0123456789abcdef",
    // Outside services default to a closed loopback port, so a test that injects a credential
    // can never reach a cloud address. Tests that need a service point it at a fake.
    AZURE_ARM_ENDPOINT: "https://127.0.0.1:9",
    AZURE_LOGS_ENDPOINT: "https://127.0.0.1:9",
    PAGERDUTY_API_URL: "http://127.0.0.1:9",
    ...options.env,
  };
  const host = await startLocalHost({ env, logger: options.logger ?? silentLogger, port: 0, tables, azureCredential: options.azureCredential });

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    // Raw bytes go out unchanged, because PagerDuty signatures cover the exact bytes.
    let bytes: string | Blob;
    if (typeof body === "string") bytes = body;
    else if (body instanceof Uint8Array) bytes = new Blob([body as Uint8Array<ArrayBuffer>]);
    else bytes = JSON.stringify(body);
    const response = await fetch(`${host.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])) },
      body: bytes,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  }

  async function get(path: string) {
    const response = await fetch(`${host.url}${path}`);
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }

  async function waitForThread(incidentKey: string, done: (messages: ThreadMessage[]) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let messages: ThreadMessage[] = [];
    while (Date.now() < deadline) {
      messages = await host.services.threads.list(incidentKey);
      if (done(messages)) return messages;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const summary = messages.map((message) => `${message.seq} ${message.kind}: ${message.text.split("\n")[0]}`).join("\n");
    throw new Error(`Thread of ${incidentKey} did not reach the expected state within ${timeoutMs} ms. Thread:\n${summary}`);
  }

  return { ...host, stop: host.stop, post, get, waitForThread };
}

/** True when the thread has a message of every kind in `kinds`. */
export function hasKinds(...kinds: string[]) {
  return (messages: ThreadMessage[]) => kinds.every((kind) => messages.some((message) => message.kind === kind));
}
