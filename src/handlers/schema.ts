import Ajv, { type ErrorObject } from "ajv";
import { TOOL_NAMES } from "../tools/catalog";
import { PRIORITIES, SEVERITIES } from "../intake/incident";
import type { HandlerConfig } from "./handler";
import { titleRegexProblem } from "./regex";
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

/** Handler names: they appear in URLs and table keys. */
export const HANDLER_NAME_PATTERN = "^[A-Za-z0-9_-]{1,64}$";

export const MAX_INSTRUCTIONS_LENGTH = 4000;

export const SOURCES = ["azure-monitor", "pagerduty"] as const;

/** Readable descriptions of the schema's patterns, for violation messages. */
export const PATTERN_DESCRIPTIONS: Record<string, string> = {
  [HANDLER_NAME_PATTERN]: "1 to 64 letters, digits, '-' or '_'",
  "^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$": "a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)",
  "^[-\\w.()\\p{L}]{1,90}$": "a resource group name (not a resource id): up to 90 letters, digits, '-', '_', '.', '(' or ')'",
  "^[A-Za-z0-9][A-Za-z0-9.-]*(/[A-Za-z0-9][A-Za-z0-9.-]*)+$": "a resource type such as microsoft.web/sites",
  "^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$": "a host name without scheme, port or path, such as checkout.example.com",
};

function pattern(description: string): string {
  const found = Object.entries(PATTERN_DESCRIPTIONS).find(([, text]) => text.startsWith(description));
  if (!found) throw new Error(`No pattern described as ${description}.`);
  return found[0];
}

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
      { type: "string", pattern: pattern("a subscription id") },
      "Subscription ids; matches when a target resource is in one of them.",
    ),
    resourceGroups: list(
      { type: "string", pattern: pattern("a resource group name") },
      "Resource group names; matches when a target resource is in one of them.",
    ),
    resourceTypes: list(
      { type: "string", maxLength: 256, pattern: pattern("a resource type") },
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
        url: { type: "string", format: "http-url", description: "URL to probe when the alert names none." },
        allowedHosts: {
          type: "array",
          description: "Hosts a probe URL from the alert may point at; a URL on another host is not probed.",
          items: { type: "string", maxLength: 253, pattern: pattern("a host name") },
          maxItems: 50,
          uniqueItems: true,
        },
      },
    },
    notify: {
      type: "object",
      description: "Where to announce the agent's findings besides the incident's platform.",
      additionalProperties: false,
      properties: {
        webhookUrl: {
          type: "string",
          format: "webhook-url",
          description: "Chat webhook (for example a Teams or Slack incoming webhook). https only, except http on a loopback address.",
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

/** Returns why `value` is not an acceptable URL for `format`, or undefined when it is. */
export function urlProblem(value: string, format: "http-url" | "webhook-url"): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URL";
  }
  if (url.username || url.password) return "must not contain a user name or password";
  if (format === "http-url") {
    return url.protocol === "http:" || url.protocol === "https:" ? undefined : "must be an http or https URL";
  }
  if (url.protocol === "https:") return undefined;
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return url.protocol === "http:" && loopback ? undefined : "must be an https URL (http is allowed on a loopback address only)";
}

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addFormat("title-regex", { type: "string", validate: (value: string) => titleRegexProblem(value) === undefined });
ajv.addFormat("http-url", { type: "string", validate: (value: string) => urlProblem(value, "http-url") === undefined });
ajv.addFormat("webhook-url", { type: "string", validate: (value: string) => urlProblem(value, "webhook-url") === undefined });

const validateSchema = ajv.compile<HandlerConfig>(handlerSchema);

export type HandlerValidation = { valid: true; config: HandlerConfig } | { valid: false; violations: Violation[] };

/** Validates `value` against the handler schema; on failure lists every violation with its JSON pointer. */
export function validateHandlerConfig(value: unknown): HandlerValidation {
  if (validateSchema(value)) return { valid: true, config: structuredClone(value) };
  const errors = (validateSchema.errors ?? []) as ErrorObject[];
  return { valid: false, violations: uniqueViolations(errors.flatMap((error) => describeViolation(error, handlerSchema, value))) };
}

/** Returns why `name` cannot name a handler, or undefined when it can. */
export function handlerNameProblem(name: string): string | undefined {
  if (new RegExp(HANDLER_NAME_PATTERN).test(name)) return undefined;
  return `Handler name "${name.slice(0, 100)}" is invalid: use ${PATTERN_DESCRIPTIONS[HANDLER_NAME_PATTERN]}.`;
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
