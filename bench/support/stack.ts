import { freePort, startAzurite, type RunningAzurite } from "../../src/local/azurite";
import { IncidentStore } from "../../src/storage/incidents";
import { TableStore } from "../../src/storage/tables";
import { ThreadStore } from "../../src/storage/threads";
import type { Incident } from "../../src/intake/incident";
import { processMemory, startHostProcess, type HostProcess } from "./hostProcess";
import { LoopbackClient, sleep } from "./http";

/** Azurite, a host process on it, a client for the host, and the host's stores read from this process. */
export interface BenchStack {
  azurite: RunningAzurite;
  host: HostProcess;
  client: LoopbackClient;
  tables: TableStore;
  incidents: IncidentStore;
  threads: ThreadStore;
  /** Peak resident set size of Azurite's process in MiB. */
  azuriteMemory(): { peakRssMiB: number; rssMiB: number } | undefined;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Settings for the host besides storage, port and signing key. */
  env?: Record<string, string>;
  /** Connections the client may open, the highest concurrency used. */
  maxSockets: number;
  cpuProfileDir?: string;
}

const TABLE_PREFIX = "bench";

/** Starts an in-memory Azurite (tables only) and a host process on it, on free loopback ports. */
export async function startStack(options: StackOptions): Promise<BenchStack> {
  const azurite = await startAzurite({ location: ":memory:", services: "table" });
  let host: HostProcess;
  try {
    const port = await freePort();
    host = await startHostProcess({
      env: {
        AzureWebJobsStorage: azurite.connectionString,
        TABLE_PREFIX,
        LOCAL_STORAGE_PATH: ":memory:",
        APPROVAL_SIGNING_KEY: "bench-approval-signing-key-0123456789",
        PORT: String(port),
        ...options.env,
      },
      cpuProfileDir: options.cpuProfileDir,
    });
  } catch (error) {
    await azurite.stop();
    throw error;
  }

  const tables = new TableStore({ connectionString: azurite.connectionString, prefix: TABLE_PREFIX });
  const client = new LoopbackClient(host.url, options.maxSockets);
  return {
    azurite,
    host,
    client,
    tables,
    incidents: new IncidentStore(tables),
    threads: new ThreadStore(tables),
    azuriteMemory: () => (azurite.process.pid ? processMemory(azurite.process.pid) : undefined),
    async stop() {
      client.close();
      await host.stop();
      await azurite.stop();
    },
  };
}

/**
 * Polls the incident records until every key in `keys` that is not resolved has `analyzedAt`, or
 * `timeoutMs` passes. Returns the incidents as last read and whether all were analyzed.
 */
export async function waitForAnalyses(stack: BenchStack, keys: Set<string>, timeoutMs: number): Promise<{ done: boolean; incidents: Map<string, Incident> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const incidents = new Map<string, Incident>();
    for (const incident of await stack.incidents.list()) {
      if (keys.has(incident.key)) incidents.set(incident.key, incident);
    }
    const pending = [...keys].filter((key) => {
      const incident = incidents.get(key);
      return !incident || (incident.status !== "resolved" && !incident.analyzedAt);
    });
    if (pending.length === 0) return { done: true, incidents };
    if (Date.now() >= deadline) return { done: false, incidents };
    await sleep(500);
  }
}
