import { readFile } from "node:fs/promises";
import type { HandlerConfig } from "./handler";
import { handlerNameProblem, validateHandlerConfig, type Violation } from "./schema";

/** One handler's problems in a handlers file. */
export interface HandlersFileProblem {
  handler: string;
  violations: Violation[];
}

/** Thrown when the handlers file cannot be read or fails the schema; the message names the file, each handler and each violation. */
export class HandlersFileError extends Error {
  override name = "HandlersFileError";

  constructor(
    readonly path: string,
    message: string,
    readonly problems: HandlersFileProblem[] = [],
  ) {
    super(message);
  }
}

/** Editors put a `$schema` key at the top of JSON files; it names no handler. */
const IGNORED_KEYS = new Set(["$schema"]);

/**
 * Reads a JSON file of handlers keyed by name, for example `{ "p5-autonomous": { "autonomy":
 * "autonomous", "match": { "priorities": ["P5"] } } }`, and validates every handler against the
 * handler schema. Throws `HandlersFileError` listing every problem of every handler.
 */
export async function loadHandlersFile(path: string): Promise<Record<string, HandlerConfig>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new HandlersFileError(path, `Handlers file ${path} cannot be read: ${(error as Error).message}. Fix the path in HANDLERS_FILE or unset it.`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new HandlersFileError(path, `Handlers file ${path} is not valid JSON: ${(error as Error).message}.`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HandlersFileError(path, `Handlers file ${path} must contain a JSON object whose keys are handler names and whose values are handlers.`);
  }

  const handlers: Record<string, HandlerConfig> = {};
  const problems: HandlersFileProblem[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (IGNORED_KEYS.has(name)) continue;

    const nameProblem = handlerNameProblem(name);
    if (nameProblem) {
      problems.push({ handler: name, violations: [{ pointer: "", message: nameProblem }] });
      continue;
    }
    const validation = validateHandlerConfig(value);
    if (validation.valid) handlers[name] = validation.config;
    else problems.push({ handler: name, violations: validation.violations });
  }

  if (problems.length > 0) {
    const count = problems.reduce((sum, problem) => sum + problem.violations.length, 0);
    const lines = problems.flatMap((problem) => [
      `  handler ${problem.handler}:`,
      ...problem.violations.map((violation) => `    ${violation.pointer || "/"}: ${violation.message}`),
    ]);
    throw new HandlersFileError(
      path,
      [`Handlers file ${path} is invalid (${count} violation${count === 1 ? "" : "s"}); docs/handlers.md describes every property.`, ...lines].join("\n"),
      problems,
    );
  }
  return handlers;
}
