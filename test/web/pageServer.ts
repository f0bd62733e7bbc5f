import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readSettings } from "../../src/config/settings";
import { Services, setServices } from "../../src/app/services";
import { allRoutes } from "../../src/app/routes";
import { silentLogger } from "../../src/app/logger";
import { createLocalServer } from "../../src/local/server";
import { testTables } from "../support/storage";
import { RecordingPort } from "./fakePort";

export interface PageServer {
  url: string;
  services: Services;
  port: RecordingPort;
  stop(): Promise<void>;
}

/**
 * Serves every route of the app over loopback HTTP with fresh tables and no orchestrations, so a
 * browser test controls exactly what the pages show by writing to the stores.
 */
export async function startPageServer(): Promise<PageServer> {
  const port = new RecordingPort();
  const services = new Services(readSettings({}), () => port, { tables: testTables("webui") });
  setServices(services);
  const server: Server = createLocalServer({ routes: allRoutes(), logger: silentLogger });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    services,
    port,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      setServices(undefined);
    },
  };
}
