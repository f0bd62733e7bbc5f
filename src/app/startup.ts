import type { Services } from "./services";
import type { Logger } from "./logger";
import { ensureHandlers } from "../handlers/ensure";
import { setPagerDutyUserLookupProvider } from "../intake/pagerduty/agentIdentity";
import { pagerDutyClient } from "../platforms/pagerduty";

/**
 * Prepares storage-backed configuration before the app takes alerts: creates the tables the
 * intake path needs and loads the handlers.
 */
export async function prepareApp(services: Services, logger: Logger): Promise<void> {
  await services.tables.table("incidents");
  await services.tables.table("threads");
  await ensureHandlers(services, logger);
  // Echo detection looks the agent's PagerDuty user up by its From email when no id is configured.
  setPagerDutyUserLookupProvider((current) => pagerDutyClient(current));
}
