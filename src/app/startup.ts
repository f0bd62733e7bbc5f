import type { Services } from "./services";
import type { Logger } from "./logger";
import { ensureHandlers } from "../handlers/ensure";

/**
 * Prepares storage-backed configuration before the app takes alerts: creates the tables the
 * intake path needs and loads the handlers.
 */
export async function prepareApp(services: Services, logger: Logger): Promise<void> {
  await services.tables.table("incidents");
  await services.tables.table("threads");
  const handlers = await ensureHandlers(services, logger);
  if (handlers.quickstartCreated) logger.log("Created the quickstart handler: reader mode, every incident, every tool behind approval.");
}
