import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Incident } from "../../src/intake/incident";
import { toHandler } from "../../src/handlers/defaults";
import { evaluate } from "../../src/handlers/match";
import { QUICKSTART_NAME, quickstartConfig } from "../../src/handlers/quickstart";
import { renderHandlerReference, schemaPropertyPaths } from "../../src/handlers/reference";
import { handlerNameProblem, validateHandlerConfig } from "../../src/handlers/schema";
import type { Handler } from "../../src/handlers/handler";
import { testIncident } from "../support/incident";

const DOC_PATH = join(__dirname, "../../docs/handlers.md");
const START = "<!-- reference:start -->";
const END = "<!-- reference:end -->";

function jsonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1]);
}

function exampleHandlers(markdown: string): Handler[] {
  return jsonBlocks(markdown).flatMap((block) =>
    Object.entries(JSON.parse(block) as Record<string, unknown>).map(([name, value]) => {
      const validation = validateHandlerConfig(value);
      if (!validation.valid) throw new Error(`Example handler ${name} is invalid: ${JSON.stringify(validation.violations)}`);
      return toHandler(name, validation.config, { approvalTimeoutMinutes: 30 });
    }),
  );
}

function incident(overrides: Partial<Incident>): Incident {
  return testIncident({ key: "pagerduty-q1", source: "pagerduty", sourceId: "Q1", title: "Disk almost full", ...overrides });
}

function readDoc(): string {
  return readFileSync(DOC_PATH, "utf8");
}

describe("docs/handlers.md", () => {
  test("reference table matches the schema", () => {
    const markdown = readDoc();
    const start = markdown.indexOf(START);
    const end = markdown.indexOf(END);
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const expected = `${START}\n${renderHandlerReference()}\n${END}`;
    const actual = markdown.slice(start, end + END.length);

    if (process.env.UPDATE_DOCS === "1" && actual !== expected) {
      writeFileSync(DOC_PATH, markdown.slice(0, start) + expected + markdown.slice(end + END.length));
      return;
    }
    // Run with UPDATE_DOCS=1 to regenerate the table after a schema change.
    expect(actual).toBe(expected);
  });

  test("names every schema property", () => {
    const markdown = readDoc();
    const missing = schemaPropertyPaths().filter((path) => !markdown.includes(`\`${path}\``));

    expect(missing).toEqual([]);
  });

  test("examples are valid handlers files", () => {
    const markdown = readDoc();
    const blocks = jsonBlocks(markdown);

    expect(blocks).toHaveLength(3);
    for (const block of blocks) {
      for (const name of Object.keys(JSON.parse(block))) expect(handlerNameProblem(name)).toBeUndefined();
    }
    expect(exampleHandlers(markdown).map((handler) => handler.name)).toEqual(["p5-autonomous", "p1-reader", "noisy-disk-space"]);
  });

  test("examples route as described", () => {
    const handlers = [...exampleHandlers(readDoc()), toHandler(QUICKSTART_NAME, quickstartConfig(), { approvalTimeoutMinutes: 30 })];
    const route = (overrides: Partial<Incident>) => evaluate(handlers, incident(overrides)).handler?.name;

    expect(route({ priority: "P5" })).toBe("p5-autonomous");
    expect(route({ priority: "P1" })).toBe("p1-reader");
    expect(route({ priority: "P5", alertRule: "Disk-Space-Dev" })).toBe("noisy-disk-space");
    expect(route({ priority: "P3" })).toBe(QUICKSTART_NAME);
  });
});
