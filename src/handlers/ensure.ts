import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import { loadHandlersFile } from "./file";
import { QUICKSTART_NAME, quickstartConfig } from "./quickstart";
import { handlerStore } from "./store";

export interface EnsureHandlersResult {
  /** Handlers the file declares. */
  fromFile: string[];
  /** File handlers written now because they were new or differed from the stored ones. */
  written: string[];
  /** Handlers from an earlier version of the file that it no longer declares, now deleted. */
  removed: string[];
  quickstartCreated: boolean;
}

/**
 * Prepares the handlers at start. When `settings.handlersFile` is set, loads and validates the
 * file, and an invalid file throws `HandlersFileError` so that start-up stops. Each handler in the
 * file replaces any stored handler of the same name, and handlers that came from an earlier version
 * of the file but are no longer in it are deleted. Then, if no handler exists at all, creates the
 * quickstart handler.
 */
export async function ensureHandlers(services: Services, logger: Logger): Promise<EnsureHandlersResult> {
  const store = handlerStore(services);
  const result: EnsureHandlersResult = { fromFile: [], written: [], removed: [], quickstartCreated: false };

  const path = services.settings.handlersFile;
  if (path) {
    const declared = await loadHandlersFile(path);
    result.fromFile = Object.keys(declared);
    const stored = new Map((await store.list()).map((handler) => [handler.name, handler]));

    for (const [name, config] of Object.entries(declared)) {
      const current = stored.get(name);
      if (current && current.origin === "file" && canonicalJson(current.config) === canonicalJson(config)) continue;
      if (current && current.origin !== "file") {
        logger.warn("The handlers file replaces a handler that was set through the API.", { handler: name, file: path });
      }
      await store.put(name, config, { origin: "file" });
      result.written.push(name);
    }

    for (const handler of stored.values()) {
      if (handler.origin !== "file" || isDeclared(handler.name, declared)) continue;
      await store.delete(handler.name);
      result.removed.push(handler.name);
      logger.warn("Deleted a handler that the handlers file no longer declares.", { handler: handler.name, file: path });
    }
    logger.log("Loaded the handlers file.", { file: path, handlers: result.fromFile.length, written: result.written.length });
  }

  if (!(await store.any())) {
    result.quickstartCreated = (await store.create(QUICKSTART_NAME, quickstartConfig(), "quickstart")) === "created";
    if (result.quickstartCreated) {
      logger.log("Created the quickstart handler: reader mode for every incident. Add handlers through PUT /api/handlers/{name} or HANDLERS_FILE.", {
        handler: QUICKSTART_NAME,
      });
    }
  }
  return result;
}

function isDeclared(handlerName: string, declared: Record<string, unknown>): boolean {
  return Object.prototype.hasOwnProperty.call(declared, handlerName);
}

/** Serializes with object keys sorted, so two equal configurations compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
    const record = item as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
  });
}
