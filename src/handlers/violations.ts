import type { ErrorObject } from "ajv";
import type { SchemaNode } from "./schema";
import { PATTERNS, urlProblem } from "./formats";
import { titleRegexProblem } from "./regex";

/** One schema violation: where (a JSON pointer into the handler) and what is allowed there. */
export interface Violation {
  pointer: string;
  message: string;
}

/** Noun for an enumerated value, by the name of the property that contains it. */
const VALUE_NOUNS: Record<string, string> = {
  sources: "source",
  priorities: "priority",
  severities: "severity",
  tools: "tool",
  autonomy: "autonomy level",
  onTimeout: "onTimeout value",
};

const TYPE_NOUNS: Record<string, string> = {
  object: "an object",
  array: "a list",
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
};

const COMPARISONS: Record<string, string> = {
  ">=": "at least",
  "<=": "at most",
  ">": "greater than",
  "<": "less than",
};

/**
 * Turns one ajv error (compiled with `verbose`, so it carries its schema node and data) into
 * violations whose messages state what is allowed. Returns none for wrapper errors whose inner error
 * is reported on its own.
 */
export function describeViolation(error: ErrorObject): Violation[] {
  const parent = (error.parentSchema ?? {}) as SchemaNode;
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  const at = (pointer: string, message: string): Violation[] => [{ pointer, message }];

  if (error.propertyName !== undefined) {
    const name = error.propertyName;
    const pointer = child(error.instancePath, name);
    if (error.keyword === "pattern") return at(pointer, `name "${name}" is invalid: use ${patternDescription(String(params.pattern))}`);
    if (error.keyword === "minLength") return at(pointer, "name must not be empty");
    if (error.keyword === "maxLength") return at(pointer, `name is ${name.length} characters long; the limit is ${String(params.limit)}`);
    return at(pointer, `name "${name}" ${error.message ?? "is invalid"}`);
  }

  switch (error.keyword) {
    case "propertyNames":
      return [];

    case "required": {
      const missing = String(params.missingProperty);
      const allowed = parent.properties?.[missing]?.enum;
      return at(child(error.instancePath, missing), `is required${allowed ? `; use one of ${allowed.join(", ")}` : ""}`);
    }

    case "additionalProperties": {
      const unknown = String(params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      const suggestion = closest(unknown, allowed);
      return at(
        child(error.instancePath, unknown),
        `is not a known property${suggestion ? ` (did you mean ${suggestion}?)` : ""}; allowed here: ${allowed.join(", ")}`,
      );
    }

    case "type":
      return at(error.instancePath, `must be ${TYPE_NOUNS[String(params.type)] ?? String(params.type)}`);

    case "enum": {
      const noun = VALUE_NOUNS[holderName(error.instancePath)] ?? "value";
      const allowed = (params.allowedValues as unknown[]).map(String).join(", ");
      return at(error.instancePath, `${JSON.stringify(data)} is not a known ${noun}; use one of ${allowed}`);
    }

    case "format":
      return at(error.instancePath, formatProblem(String(params.format), String(data)));

    case "pattern":
      return at(error.instancePath, `${JSON.stringify(data)} is invalid: use ${patternDescription(String(params.pattern))}`);

    case "minItems":
      return at(
        error.instancePath,
        error.instancePath.startsWith("/match/")
          ? "must not be empty; omit the filter to match every incident"
          : `must list at least ${String(params.limit)} item(s)`,
      );

    case "maxItems":
      return at(error.instancePath, `lists ${(data as unknown[]).length} items; the limit is ${String(params.limit)}`);

    case "uniqueItems": {
      const items = data as unknown[];
      return at(
        error.instancePath,
        `lists ${JSON.stringify(items[Number(params.j)])} twice (items ${String(params.j)} and ${String(params.i)}); list each value once`,
      );
    }

    case "minLength":
      return at(error.instancePath, "must not be empty");

    case "maxLength":
      return at(error.instancePath, `is ${(data as string).length} characters long; the limit is ${String(params.limit)}`);

    case "maxProperties":
      return at(error.instancePath, `has ${Object.keys(data as object).length} entries; the limit is ${String(params.limit)}`);

    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return at(
        error.instancePath,
        `is ${String(data)}; it must be ${COMPARISONS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}`,
      );

    default:
      return at(error.instancePath, error.message ?? `fails the ${error.keyword} rule`);
  }
}

function formatProblem(format: string, value: string): string {
  if (format === "title-regex") return titleRegexProblem(value) ?? "is not a valid regular expression";
  if (format === "http-url" || format === "webhook-url") return urlProblem(value, format) ?? "is not a valid URL";
  return `must be a valid ${format}`;
}

function patternDescription(pattern: string): string {
  const known = Object.values(PATTERNS).find((entry) => entry.pattern === pattern);
  return known ? known.description : `text matching ${pattern}`;
}

/** Appends one JSON pointer segment, escaping `~` and `/` as RFC 6901 requires. */
function child(pointer: string, segment: string): string {
  return `${pointer}/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/** Returns the name of the property that contains the value at `pointer`, skipping list indexes. */
function holderName(pointer: string): string {
  const segments = pointer.split("/").filter((segment) => segment !== "" && !/^\d+$/.test(segment));
  return segments[segments.length - 1] ?? "";
}

/**
 * Returns the allowed name closest to `name` when it is a likely typo: at most two edits away, or
 * the singular of a plural property (`priority` for `priorities`).
 */
function closest(name: string, allowed: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  const typed = name.toLowerCase();
  for (const candidate of allowed) {
    const lowerCandidate = candidate.toLowerCase();
    const singular = lowerCandidate.replace(/ies$/, "y").replace(/s$/, "");
    const distance = singular === typed ? 1 : editDistance(typed, lowerCandidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
