import Ajv, { type ErrorObject } from "ajv";
import { TOOL_NAMES } from "../tools/catalog";
import { PRIORITIES, SEVERITIES } from "../intake/incident";
import type { HandlerConfig } from "./handler";
import { titleRegexProblem } from "./regex";
import { PATTERNS, urlProblem } from "./formats";
import { describeViolation, type Violation } from "./violations";

export type { Violation };

/** A JSON Schema node as this module writes it; `reference.ts` renders the docs from the same nodes. */
export interface SchemaNode {
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean";
  description?: string;
  default?: unknown;
  examples?: unknown[];
  enum?: readonly string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  propertyNames?: SchemaNode;
  maxProperties?: number;
  items?: SchemaNode;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

export const HANDLER_NAME_PATTERN = PATTERNS.name.pattern;

export const MAX_INSTRUCTIONS_LENGTH = 4000;

export const SOURCES = ["azure-monitor", "pagerduty"] as const;

const text: SchemaNode = { type: "string", minLength: 1, maxLength: 256 };

function list(items: SchemaNode, description: string, maxItems = 100): SchemaNode {
  return { type: "array", description, items, minItems: 1, maxItems, uniqueItems: true };
}

const matchSchema: SchemaNode = {
  type: "object",
  description: "Filters; an omitted filter matches every incident, and all present filters must match (AND). Strings compare case-insensitively.",
  additionalProperties: false,
  properties: {
    sources: list({ type: "string", enum: SOURCES }, "Platforms the alert came from; matches when the incident's source is one of them."),
    priorities: list({ type: "string", enum: PRIORITIES }, "Matches when the incident's priority (P1 to P5) is one of them."),
    severities: list(
      { type: "string", enum: SEVERITIES },
      "Matches when the incident's severity (Sev0 to Sev4) is one of them; an incident without a severity does not match.",
    ),
    services: list(text, "Matches when the incident's service (the Azure monitoring service or the PagerDuty service name) is one of them."),
    alertRules: list(text, "Matches when the name of the alert rule that fired is one of them."),
    subscriptions: list(
      { type: "string", pattern: PATTERNS.subscription.pattern },
      "Subscription ids; matches when a target resource is in one of them.",
    ),
    resourceGroups: list(
      { type: "string", pattern: PATTERNS.resourceGroup.pattern },
      "Resource group names; matches when a target resource is in one of them.",
    ),
    resourceTypes: list(
      { type: "string", maxLength: 256, pattern: PATTERNS.resourceType.pattern },
      "Resource types such as microsoft.web/sites; matches when a target resource has one of them.",
    ),
    titleIncludes: list(text, "Matches when the title contains at least one of these texts."),
    titleExcludes: list(text, "Does not match when the title contains any of these texts."),
    titleRegex: {
      type: "string",
      description:
        "JavaScript regular expression, tested case-insensitively against the title. A group that repeats and itself contains an unbounded repeat, such as (a+)+, is rejected.",
      minLength: 1,
      format: "title-regex",
    },
    tags: {
      type: "object",
      description: "Tags the incident must carry, name to value; every listed tag must be present with that value.",
      propertyNames: { minLength: 1, maxLength: 128 },
      additionalProperties: { type: "string", maxLength: 256 },
      maxProperties: 50,
    },
  },
};

/** The handler JSON Schema: the single source of validation and of the reference in docs/handlers.md. */
export const handlerSchema: SchemaNode = {
  type: "object",
  description: "An incident handler. The name comes from the URL or the file key.",
  additionalProperties: false,
  required: ["autonomy"],
  properties: {
    enabled: { type: "boolean", default: true, description: "A disabled handler takes no incidents." },
    order: {
      type: "integer",
      default: 100,
      minimum: 0,
      maximum: 1_000_000,
      description: "Handlers are tried from the lowest order up, ties by name; the first whose filters all pass takes the incident.",
    },
    match: matchSchema,
    autonomy: {
      type: "string",
      enum: ["reader", "autonomous"],
      description:
        "`reader`: every write tool waits for a person's approval. `autonomous`: allowed tools run at once on the incident's own resources.",
    },
    tools: {
      type: "array",
      description:
        "Tools the agent may use. Omitted means the default set for the autonomy level (reader: every tool; autonomous: read and bookkeeping tools plus pagerduty.resolve and azureMonitor.closeAlert); [] means analysis only.",
      items: { type: "string", enum: TOOL_NAMES },
      uniqueItems: true,
    },
    instructions: {
      type: "string",
      maxLength: MAX_INSTRUCTIONS_LENGTH,
      description: "Free text the LLM analyst receives with every incident of this handler.",
    },
    approval: {
      type: "object",
      description: "How approvals of write actions work.",
      additionalProperties: false,
      properties: {
        timeoutMinutes: {
          type: "number",
          exclusiveMinimum: 0,
          maximum: 10_080,
          description: "Minutes an approval request stays open; may be fractional. Default: the APPROVAL_TIMEOUT_MINUTES setting (30).",
        },
        approvers: {
          type: "array",
          description: "Who may approve, by the identity App Service authentication reports (usually an email). Empty means anyone with the link.",
          items: text,
          maxItems: 50,
          uniqueItems: true,
        },
        onTimeout: {
          type: "string",
          enum: ["escalate", "deny"],
          default: "escalate",
          description: "What happens when nobody decides in time: `escalate` hands the incident to people, `deny` drops the action.",
        },
      },
    },
    probe: {
      type: "object",
      description: "HTTP health probe for the investigation.",
      additionalProperties: false,
      properties: {
        url: { type: "string", format: "http-url", description: "URL to probe when neither the alert nor its target resource names one." },
        allowedHosts: {
          type: "array",
          description: "Hosts the health probe may reach; when set, a probe URL on any other host is not probed.",
          items: { type: "string", maxLength: 253, pattern: PATTERNS.host.pattern },
          maxItems: 50,
          uniqueItems: true,
        },
      },
    },
    notify: {
      type: "object",
      description: "Where the agent reaches people besides the incident's platform.",
      additionalProperties: false,
      properties: {
        webhookUrl: {
          type: "string",
          format: "webhook-url",
          description: "Teams or Slack incoming webhook for messages to people, such as approval links. https only, except http on a loopback address.",
        },
      },
    },
    maxInstances: {
      type: "integer",
      minimum: 1,
      maximum: 100,
      description: "Upper bound on the instance count that appService.scaleOut may set.",
    },
    runbooks: {
      type: "object",
      description: "Azure Automation webhook URLs that runbook.invokeWebhook may call, by runbook name. https only, except http on a loopback address.",
      propertyNames: { pattern: HANDLER_NAME_PATTERN },
      additionalProperties: { type: "string", format: "webhook-url" },
      maxProperties: 50,
    },
    verifyAfterMinutes: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1440,
      description: "Minutes to wait after a remediation before checking that the resource recovered; may be fractional. Default: the VERIFY_DELAY_MINUTES setting.",
    },
  },
};

// `verbose` puts the failing schema node on each error, so messages can list what is allowed.
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
ajv.addFormat("title-regex", { type: "string", validate: (value: string) => titleRegexProblem(value) === undefined });
ajv.addFormat("http-url", { type: "string", validate: (value: string) => urlProblem(value, "http-url") === undefined });
ajv.addFormat("webhook-url", { type: "string", validate: (value: string) => urlProblem(value, "webhook-url") === undefined });

const validateSchema = ajv.compile<HandlerConfig>(handlerSchema);

export type HandlerValidation = { valid: true; config: HandlerConfig } | { valid: false; violations: Violation[] };

/** Validates `value` against the handler schema; on failure lists every violation with its JSON pointer. */
export function validateHandlerConfig(value: unknown): HandlerValidation {
  if (validateSchema(value)) return { valid: true, config: structuredClone(value) };
  const errors = (validateSchema.errors ?? []) as ErrorObject[];
  return { valid: false, violations: uniqueViolations(errors.flatMap(describeViolation)) };
}

/** Returns why `name` cannot name a handler, or undefined when it can. */
export function handlerNameProblem(name: string): string | undefined {
  if (new RegExp(HANDLER_NAME_PATTERN).test(name)) return undefined;
  return `Handler name "${name.slice(0, 100)}" is invalid: use ${PATTERNS.name.description}.`;
}

/** Formats violations as one line each: `/pointer: message`. */
export function formatViolations(violations: Violation[]): string {
  return violations.map((violation) => `${violation.pointer || "/"}: ${violation.message}`).join("\n");
}

function uniqueViolations(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((violation) => {
    const key = `${violation.pointer}\u0000${violation.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
