import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAzurite, type RunningAzurite } from "../../src/local/azurite";
import { startLocalHost, type LocalHost } from "../../src/local/host";
import type { ThreadMessage } from "../../src/storage/threads";
import { azureKey, metricAlert, pagerDutyIncidentId, triggeredWebhook } from "./support/alerts";

const SECRET = "outage-drill-webhook-secret";

interface Delivery {
  name: string;
  incidentKey: string;
  path: string;
  body: Buffer;
  headers: Record<string, string>;
}

function azureDelivery(guid: string): Delivery {
  return {
    name: `azure ${guid}`,
    incidentKey: azureKey(guid),
    path: "/api/alerts/azure-monitor",
    body: Buffer.from(JSON.stringify(metricAlert(guid))),
    headers: { "content-type": "application/json" },
  };
}

function pagerDutyDelivery(incidentId: string): Delivery {
  const webhook = triggeredWebhook(incidentId, SECRET);
  return { name: `pagerduty ${incidentId}`, incidentKey: `pagerduty-${incidentId}`.toLowerCase(), path: "/api/alerts/pagerduty", ...webhook };
}

/**
 * Stops the storage emulator while alerts arrive: intake must return 503 (which senders retry) and
 * never 500, and once storage is back, the retried deliveries must converge to exactly one incident
 * each, with every incident reaching its analysis. Azurite keeps its data in a temporary folder,
 * so it restarts on the same ports with the data it had.
 */
describe("storage outage during intake", () => {
  let folder: string;
  let azurite: RunningAzurite;
  let host: LocalHost;
  const errors: string[] = [];

  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), "drill-azurite-"));
    // All three services: that entry point saves its data on SIGTERM, the table-only one does not.
    azurite = await startAzurite({ location: folder, services: "all" });
    host = await startLocalHost({
      env: {
        AzureWebJobsStorage: azurite.connectionString,
        TABLE_PREFIX: "outage",
        LOCAL_STORAGE_PATH: ":memory:",
        APPROVAL_SIGNING_KEY: "outage-drill-signing-key-0123456789",
        PAGERDUTY_WEBHOOK_SECRET: SECRET,
        PAGERDUTY_AGENT_USER_ID: "PAGENT1",
      },
      logger: { log: () => undefined, warn: () => undefined, error: (...args) => errors.push(args.map(String).join(" ")) },
      port: 0,
    });
  });

  afterAll(async () => {
    await host?.stop();
    await azurite?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  async function send(delivery: Delivery): Promise<{ status: number; outcome?: string; retryAfter: string | null }> {
    const response = await fetch(`${host.url}${delivery.path}`, { method: "POST", headers: delivery.headers, body: new Uint8Array(delivery.body) });
    const body = (await response.json().catch(() => ({}))) as { outcome?: string };
    return { status: response.status, outcome: body.outcome, retryAfter: response.headers.get("retry-after") };
  }

  async function waitForAnalyses(keys: string[], timeoutMs: number): Promise<Map<string, ThreadMessage[]>> {
    const deadline = Date.now() + timeoutMs;
    const threads = new Map<string, ThreadMessage[]>();
    for (const key of keys) {
      for (;;) {
        const messages = await host.services.threads.list(key);
        threads.set(key, messages);
        if (messages.some((message) => message.kind === "analysis")) break;
        if (Date.now() > deadline) throw new Error(`${key} had no analysis within ${timeoutMs} ms; its thread: ${messages.map((message) => message.kind).join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return threads;
  }

  test("intake returns 503, retries converge", async () => {
    const early = azureDelivery(randomUUID());
    const accepted = await send(early);
    expect(accepted).toMatchObject({ status: 202, outcome: "created" });

    const ports = azurite.ports;
    await azurite.stop();
    const during = [azureDelivery(randomUUID()), azureDelivery(randomUUID()), azureDelivery(randomUUID()), pagerDutyDelivery(pagerDutyIncidentId("QOUT")), early];
    const refused = await Promise.all(during.map(send));

    for (const [index, answer] of refused.entries()) {
      expect({ delivery: during[index].name, status: answer.status }).toEqual({ delivery: during[index].name, status: 503 });
      expect(answer.retryAfter).not.toBeNull();
    }

    azurite = await startAzurite({ location: folder, services: "all", ports: { table: ports.table, blob: ports.blob!, queue: ports.queue! } });

    // Senders retry until they get a 2xx; until storage responds again only 503 is acceptable.
    const first = new Map<string, string | undefined>();
    for (const delivery of during) {
      let answer = await send(delivery);
      for (let attempt = 1; answer.status === 503 && attempt < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        answer = await send(delivery);
      }
      expect({ delivery: delivery.name, status: answer.status }).toEqual({ delivery: delivery.name, status: 202 });
      first.set(delivery.name, answer.outcome);
    }
    expect(first.get(early.name)).toBe("duplicate");
    for (const delivery of during.filter((item) => item !== early)) expect(first.get(delivery.name)).toBe("created");

    const again = await Promise.all(during.map(send));
    for (const answer of again) expect(answer).toMatchObject({ status: 202, outcome: "duplicate" });

    const expectedKeys = [early, ...during.filter((item) => item !== early)].map((delivery) => delivery.incidentKey).sort();
    const stored = (await host.services.incidents.list()).map((incident) => incident.key).sort();
    expect(stored).toEqual(expectedKeys);

    const threads = await waitForAnalyses(expectedKeys, 60_000);
    for (const [key, messages] of threads) {
      expect({ key, acknowledged: messages.filter((message) => message.kind === "acknowledged").length }).toEqual({ key, acknowledged: 1 });
      expect({ key, analyses: messages.filter((message) => message.kind === "analysis").length }).toEqual({ key, analyses: 1 });
    }
    expect(errors.filter((line) => line.includes("failed to serve a request"))).toEqual([]);
  }, 120_000);
});
