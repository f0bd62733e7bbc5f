import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { TokenCredential } from "@azure/core-auth";
import { featureNotices, readSettings, setSettings, type Settings } from "../config/settings";
import { Services, setServices } from "../app/services";
import { allRoutes } from "../app/routes";
import type { Logger } from "../app/logger";
import { TableStore } from "../storage/tables";
import { workflow } from "../workflow/workflow";
import type { WorkflowRegistry } from "../workflow/registry";
import { LocalDurableRuntime } from "./durable";
import { freePort, isListening, startAzurite, type RunningAzurite } from "./azurite";
import { createLocalServer } from "./server";
import { localSigningKey } from "./signingKey";
import { lockStorageFolder } from "./storageLock";
import { prepareApp } from "../app/startup";
import { applyRetention, retentionParticipants } from "../app/retention";

export interface LocalHostOptions {
  /** Environment to read settings from (already merged with local.settings.json). */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** Port to listen on; 0 picks a free one. Defaults to the PORT setting. */
  port?: number;
  /** Table store to use instead of one built from the settings (tests). */
  tables?: TableStore;
  azureCredential?: TokenCredential;
  registry?: WorkflowRegistry;
}

export interface LocalHost {
  url: string;
  settings: Settings;
  services: Services;
  runtime: LocalDurableRuntime;
  stop(): Promise<void>;
}

/**
 * Starts the agent without the Functions host: Azurite when no storage is configured, the local
 * durable runtime (resuming unfinished incidents), and an HTTP server on 127.0.0.1 serving the
 * same handlers as the Functions registrations.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const { logger } = options;
  const env = { ...options.env };

  let settings = readSettings(env);

  // Fail before touching storage when the port is taken, so a second `npm start` changes nothing.
  const requestedPort = options.port ?? settings.port;
  if (requestedPort !== 0 && (await isListening(requestedPort))) {
    throw new Error(`Port ${requestedPort} on 127.0.0.1 is already in use. Stop the other process or set PORT to a free port.`);
  }

  const storage = options.tables ? undefined : await startLocalStorage(settings, logger);
  const azurite = storage?.azurite;
  const releaseLock = storage?.releaseLock;
  if (storage?.connectionString) env.AzureWebJobsStorage = storage.connectionString;
  if (!settings.approvals.signingKey) {
    const generated = localSigningKey(settings.localStoragePath);
    env.APPROVAL_SIGNING_KEY = generated.key;
    logger.log(
      generated.source === "memory"
        ? "APPROVAL_SIGNING_KEY is not set: created a random key for this run; approval links end with the process."
        : `APPROVAL_SIGNING_KEY is not set: using a generated key kept in ${settings.localStoragePath}.`,
    );
  }
  // PUBLIC_BASE_URL defaults to the local address, so the port is settled before the settings.
  const port = requestedPort === 0 ? await freePort() : requestedPort;
  env.PORT = String(port);
  settings = readSettings(env);
  setSettings(settings);

  let runtime: LocalDurableRuntime | undefined;
  const services = new Services(settings, () => runtime!, { tables: options.tables, azureCredential: options.azureCredential });
  runtime = new LocalDurableRuntime({
    registry: options.registry ?? workflow,
    tables: services.tables,
    logger,
    maxConcurrency: settings.localDurableConcurrency,
  });
  setServices(services);

  let server: Server | undefined;
  try {
    await prepareApp(services, logger);
    for (const notice of featureNotices(settings)) logger.log(notice);
    await runtime.resume();

    server = createLocalServer({ routes: allRoutes(), logger });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
  } catch (error) {
    await runtime.stop();
    await azurite?.stop();
    releaseLock?.();
    throw error;
  }

  // The Functions host runs retention on a daily timer; the local host runs it at start and every 6 hours.
  const runRetention = () =>
    applyRetention(services, runtime!, retentionParticipants(services), logger).catch((error) =>
      logger.error("Retention run failed.", { error: (error as Error).message }),
    );
  void runRetention();
  const retentionTimer = setInterval(runRetention, 6 * 60 * 60 * 1000);
  retentionTimer.unref();

  const address = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${address.port}`;

  let stopped = false;
  return {
    url,
    settings,
    services,
    runtime,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(retentionTimer);
      await new Promise<void>((resolve) => {
        server!.closeAllConnections?.();
        server!.close(() => resolve());
      });
      await runtime!.stop();
      setServices(undefined);
      await azurite?.stop();
      releaseLock?.();
    },
  };
}

/**
 * Starts Azurite when the settings name no storage, or name Azurite's default address
 * (`UseDevelopmentStorage=true`, as `func start` uses) with nothing listening there. A data folder
 * is locked first, so two hosts never run Azurite on the same files.
 */
async function startLocalStorage(
  settings: Settings,
  logger: Logger,
): Promise<{ azurite?: RunningAzurite; releaseLock?: () => void; connectionString?: string }> {
  const noStorage = !settings.storageConnectionString && !settings.storageAccountName && !settings.storageTableServiceUri;
  const developmentStorage = /^UseDevelopmentStorage=true$/i.test(settings.storageConnectionString ?? "") && !(await isListening(10002));
  if (!noStorage && !developmentStorage) return {};

  const location = settings.localStoragePath;
  const releaseLock = location === ":memory:" ? undefined : lockStorageFolder(location);
  try {
    if (noStorage) {
      const azurite = await startAzurite({ location, services: "all" });
      const where = location === ":memory:" ? "in memory" : `in ${location}`;
      logger.log(`Started Azurite for the local host on 127.0.0.1:${azurite.ports.table} (tables), data ${where}.`);
      return { azurite, releaseLock, connectionString: azurite.connectionString };
    }
    const azurite = await startAzurite({ location, services: "all", ports: { blob: 10000, queue: 10001, table: 10002 } });
    logger.log("AzureWebJobsStorage is UseDevelopmentStorage=true and nothing listens on 127.0.0.1:10002: started Azurite on its default ports.");
    return { azurite, releaseLock };
  } catch (error) {
    releaseLock?.();
    throw error;
  }
}
