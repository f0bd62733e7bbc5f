import Ajv, { type ErrorObject } from "ajv";
import type { Assessment } from "./assessment";

export const MAX_SUMMARY_LENGTH = 4000;
export const MAX_CAUSE_LENGTH = 2000;
export const MAX_RATIONALE_LENGTH = 1000;
export const MAX_ACTIONS = 10;

/** JSON Schema of an assessment; every assessment is validated against it, whatever produced it. */
export const ASSESSMENT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["verdict", "confidence", "summary", "likelyCause", "citedEvidence", "recommendedActions", "analyst"],
  properties: {
    verdict: { type: "string", enum: ["actionable", "false_positive", "inconclusive"] },
    confidence: { type: "number", minimum: 0, maximum: 1 },
    summary: { type: "string", minLength: 1, maxLength: MAX_SUMMARY_LENGTH },
    likelyCause: { type: "string", minLength: 1, maxLength: MAX_CAUSE_LENGTH },
    citedEvidence: { type: "array", maxItems: 100, items: { type: "string", minLength: 1, maxLength: 200 } },
    recommendedActions: {
      type: "array",
      maxItems: MAX_ACTIONS,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["tool", "arguments", "rationale"],
        properties: {
          tool: { type: "string", minLength: 1, maxLength: 100 },
          arguments: { type: "object" },
          rationale: { type: "string", maxLength: MAX_RATIONALE_LENGTH },
        },
      },
    },
    analyst: { type: "string", minLength: 1, maxLength: 200 },
    tokenUsage: {
      type: "object",
      additionalProperties: false,
      required: ["prompt", "completion"],
      properties: { prompt: { type: "integer", minimum: 0 }, completion: { type: "integer", minimum: 0 } },
    },
    notes: { type: "array", maxItems: 20, items: { type: "string", maxLength: 2000 } },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(ASSESSMENT_SCHEMA);

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "assessment" : error.instancePath.slice(1).replace(/\//g, ".");
  if (error.keyword === "required") return `${where} is missing "${String(error.params.missingProperty)}"`;
  if (error.keyword === "additionalProperties") return `${where} has an unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === "enum") return `${where} must be one of ${(error.params.allowedValues as string[]).join(", ")}`;
  return `${where} ${error.message ?? "is invalid"}`;
}

/** Validates `value` as an assessment; returns the problems, empty when valid. */
export function assessmentProblems(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

/** Throws when `value` is not a valid assessment; for assessments the code itself builds, where a problem is a bug. */
export function assertAssessment(value: Assessment): Assessment {
  const problems = assessmentProblems(value);
  if (problems.length > 0) throw new Error(`Invalid assessment: ${problems.join("; ")}.`);
  return value;
}
