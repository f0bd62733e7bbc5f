import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../src/app/logger";
import { ensureHandlers } from "../../src/handlers/ensure";
import { HandlersFileError } from "../../src/handlers/file";
import { QUICKSTART_NAME } from "../../src/handlers/quickstart";
import { handlerStore } from "../../src/handlers/store";
import { TOOL_NAMES } from "../../src/tools/catalog";
import { handlerTestServices } from "./services";

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (...args: unknown[]) => lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
  return { lines, log: record, warn: record, error: record };
}

describe("ensureHandlers", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "ensure-handlers-"));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function handlersFile(name: string, handlers: unknown): Promise<string> {
    const path = join(folder, name);
    await writeFile(path, JSON.stringify(handlers), "utf8");
    return path;
  }

  test("creates the quickstart handler when none exists", async () => {
    const services = handlerTestServices("ensq");
    const logger = recordingLogger();

    const result = await ensureHandlers(services, logger);

    expect(result.quickstartCreated).toBe(true);
    const stored = await handlerStore(services).get(QUICKSTART_NAME);
    expect(stored?.origin).toBe("quickstart");
    expect(stored?.config).toEqual({ enabled: true, order: 1000, match: {}, autonomy: "reader", tools: TOOL_NAMES });
    expect(logger.lines.some((line) => line.startsWith("Created the quickstart handler"))).toBe(true);
  });

  test("does not recreate the quickstart handler", async () => {
    const services = handlerTestServices("ensq");
    await ensureHandlers(services, recordingLogger());
    await handlerStore(services).put(QUICKSTART_NAME, { autonomy: "reader", order: 1000, enabled: false }, { origin: "api" });

    const second = await ensureHandlers(services, recordingLogger());

    expect(second.quickstartCreated).toBe(false);
    expect((await handlerStore(services).get(QUICKSTART_NAME))?.config).toEqual({ autonomy: "reader", order: 1000, enabled: false });
  });

  test("skips the quickstart handler when another handler exists", async () => {
    const services = handlerTestServices("ensq");
    await handlerStore(services).put("team", { autonomy: "reader" }, { origin: "api" });

    const result = await ensureHandlers(services, recordingLogger());

    expect(result.quickstartCreated).toBe(false);
    expect((await handlerStore(services).list()).map((handler) => handler.name)).toEqual(["team"]);
  });

  test("writes file handlers and no quickstart handler", async () => {
    const path = await handlersFile("two.json", {
      "p5-autonomous": { autonomy: "autonomous", order: 10, match: { priorities: ["P5"] } },
      "p1-reader": { autonomy: "reader", order: 20, match: { priorities: ["P1"] } },
    });
    const services = handlerTestServices("ensf", { HANDLERS_FILE: path });

    const result = await ensureHandlers(services, recordingLogger());

    expect(result).toEqual({ fromFile: ["p5-autonomous", "p1-reader"], written: ["p5-autonomous", "p1-reader"], removed: [], quickstartCreated: false });
    const stored = await handlerStore(services).list();
    expect(stored.map((handler) => [handler.name, handler.origin])).toEqual([
      ["p1-reader", "file"],
      ["p5-autonomous", "file"],
    ]);
  });

  test("unchanged file writes nothing on the next start", async () => {
    const path = await handlersFile("same.json", { h: { autonomy: "reader", match: { priorities: ["P2"], sources: ["pagerduty"] } } });
    const services = handlerTestServices("ensf", { HANDLERS_FILE: path });
    await ensureHandlers(services, recordingLogger());
    const before = await handlerStore(services).get("h");

    const result = await ensureHandlers(services, recordingLogger());

    expect(result.written).toEqual([]);
    expect((await handlerStore(services).get("h"))?.etag).toBe(before?.etag);
  });

  test("file replaces a handler set through the API", async () => {
    const path = await handlersFile("wins.json", { h: { autonomy: "reader", order: 1 } });
    const services = handlerTestServices("ensf", { HANDLERS_FILE: path });
    await handlerStore(services).put("h", { autonomy: "autonomous" }, { origin: "api" });
    await handlerStore(services).put("other", { autonomy: "autonomous" }, { origin: "api" });
    const logger = recordingLogger();

    const result = await ensureHandlers(services, logger);

    expect(result.written).toEqual(["h"]);
    expect((await handlerStore(services).get("h"))?.config).toEqual({ autonomy: "reader", order: 1 });
    expect((await handlerStore(services).get("other"))?.config).toEqual({ autonomy: "autonomous" });
    expect(logger.lines.some((line) => line.startsWith("The handlers file replaces a handler that was set through the API."))).toBe(true);
  });

  test("handler dropped from the file is deleted", async () => {
    const services = handlerTestServices("ensf", { HANDLERS_FILE: await handlersFile("v1.json", { a: { autonomy: "reader" }, b: { autonomy: "reader" } }) });
    await ensureHandlers(services, recordingLogger());
    const next = handlerTestServices("ensf", { HANDLERS_FILE: await handlersFile("v2.json", { a: { autonomy: "reader" } }) }, services.tables);

    const result = await ensureHandlers(next, recordingLogger());

    expect(result.removed).toEqual(["b"]);
    expect((await handlerStore(next).list()).map((handler) => handler.name)).toEqual(["a"]);
  });

  test("bad file stops start-up and writes nothing", async () => {
    const path = await handlersFile("bad.json", { good: { autonomy: "reader" }, bad: { autonomy: "reader", match: { titleRegex: "(" } } });
    const services = handlerTestServices("ensb", { HANDLERS_FILE: path });

    await expect(ensureHandlers(services, recordingLogger())).rejects.toThrow(HandlersFileError);
    await expect(ensureHandlers(services, recordingLogger())).rejects.toThrow(/handler bad:\n {4}\/match\/titleRegex: is not a valid regular expression/);
    expect(await handlerStore(services).list()).toEqual([]);
  });
});
