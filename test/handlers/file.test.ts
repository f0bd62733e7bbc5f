import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HandlersFileError, loadHandlersFile } from "../../src/handlers/file";

describe("loadHandlersFile", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "handlers-file-"));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function fileWith(name: string, content: string): Promise<string> {
    const path = join(folder, name);
    await writeFile(path, content, "utf8");
    return path;
  }

  async function loadError(path: string): Promise<HandlersFileError> {
    try {
      await loadHandlersFile(path);
    } catch (error) {
      if (error instanceof HandlersFileError) return error;
      throw error;
    }
    throw new Error(`Expected ${path} to be rejected.`);
  }

  test("good file returns handlers by name", async () => {
    const path = await fileWith(
      "good.json",
      JSON.stringify({
        $schema: "./handlers.schema.json",
        "p5-autonomous": { autonomy: "autonomous", order: 10, match: { priorities: ["P5"] } },
        "p1-reader": { autonomy: "reader", order: 20, match: { priorities: ["P1"] } },
      }),
    );

    const handlers = await loadHandlersFile(path);

    expect(handlers).toEqual({
      "p5-autonomous": { autonomy: "autonomous", order: 10, match: { priorities: ["P5"] } },
      "p1-reader": { autonomy: "reader", order: 20, match: { priorities: ["P1"] } },
    });
  });

  test("bad file names the file, each handler and each violation", async () => {
    const path = await fileWith(
      "bad.json",
      JSON.stringify({
        fine: { autonomy: "reader" },
        "p5-auto": { autonomy: "autonomous", match: { priorities: ["P9"] }, tools: ["rm.rf"] },
        "no-mode": { order: 3 },
        "bad name": { autonomy: "reader" },
      }),
    );

    const error = await loadError(path);

    const lines = error.message.split("\n");
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(`Handlers file ${path} is invalid (4 violations); docs/handlers.md describes every property.`);
    expect(lines[1]).toBe("  handler p5-auto:");
    expect(lines[2]).toBe('    /match/priorities/0: "P9" is not a known priority; use one of P1, P2, P3, P4, P5');
    expect(lines[3]).toMatch(/^ {4}\/tools\/0: "rm\.rf" is not a known tool; use one of logs\.query, /);
    expect(lines[4]).toBe("  handler no-mode:");
    expect(lines[5]).toBe("    /autonomy: is required; use one of reader, autonomous");
    expect(lines[6]).toBe("  handler bad name:");
    expect(lines[7]).toBe(`    /: Handler name "bad name" is invalid: use 1 to 64 letters, digits, '-' or '_'.`);
    expect(error.problems.map((problem) => problem.handler)).toEqual(["p5-auto", "no-mode", "bad name"]);
  });

  test("file that is not JSON names the file", async () => {
    const path = await fileWith("broken.json", '{ "a": { "autonomy": "reader" ');

    const error = await loadError(path);

    expect(error.message).toMatch(new RegExp(`^Handlers file ${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON: `));
  });

  test("file with a list names the expected shape", async () => {
    const path = await fileWith("list.json", '[{ "autonomy": "reader" }]');

    const error = await loadError(path);

    expect(error.message).toBe(`Handlers file ${path} must contain a JSON object whose keys are handler names and whose values are handlers.`);
  });

  test("missing file names the setting", async () => {
    const path = join(folder, "absent.json");

    const error = await loadError(path);

    expect(error.message).toContain(`Handlers file ${path} cannot be read`);
    expect(error.message).toContain("HANDLERS_FILE");
  });

  test("empty object declares no handlers", async () => {
    const path = await fileWith("empty.json", "{}");

    expect(await loadHandlersFile(path)).toEqual({});
  });
});
