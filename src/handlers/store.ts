import type { Services } from "../app/services";
import type { Settings } from "../config/settings";
import { HandlerStore } from "../storage/handlers";
import type { Handler } from "./handler";
import { toHandler, type HandlerDefaults } from "./defaults";
import { validateHandlerConfig, type Violation } from "./schema";

/** A stored handler that no longer passes the schema, for example after the schema became stricter. */
export interface InvalidStoredHandler {
  name: string;
  order: number;
  violations: Violation[];
}

/** Returns the app's handler store, one per `Services`. */
export function handlerStore(services: Services): HandlerStore {
  return services.memo("handlers.store", () => new HandlerStore(services.tables));
}

export function handlerDefaults(settings: Settings): HandlerDefaults {
  return { approvalTimeoutMinutes: settings.approvals.defaultTimeoutMinutes };
}

/** Reads every stored handler with defaults applied; handlers that fail the schema come back apart. */
export async function readHandlers(services: Services): Promise<{ handlers: Handler[]; invalid: InvalidStoredHandler[] }> {
  const defaults = handlerDefaults(services.settings);
  const handlers: Handler[] = [];
  const invalid: InvalidStoredHandler[] = [];

  for (const stored of await handlerStore(services).list()) {
    const validation = validateHandlerConfig(stored.config);
    if (validation.valid) {
      handlers.push(toHandler(stored.name, validation.config, defaults));
    } else {
      const order = (stored.config as { order?: unknown } | null)?.order;
      invalid.push({ name: stored.name, order: typeof order === "number" ? order : 100, violations: validation.violations });
    }
  }
  return { handlers, invalid };
}
