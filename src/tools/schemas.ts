import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { isToolName, type ToolName } from "./catalog";

/**
 * Argument JSON Schemas and model-facing descriptions of every tool. The analysts offer these to
 * the model, the guardrails validate every proposed action against them, and the executors in this
 * folder validate again before they run.
 *
 * The schemas use only keywords that OpenAI function calling accepts, so the same object is both
 * the validation schema and the function's `parameters`.
 */

export interface ToolArgumentSchema {
  type: "object";
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
}

/** Returns a regex source that matches `text` in any letter case (JSON Schema patterns have no flags). */
function anyCase(text: string): string {
  return [...text]
    .map((char) => {
      if (/[a-z]/i.test(char)) return `[${char.toLowerCase()}${char.toUpperCase()}]`;
      return char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    })
    .join("");
}

const SEGMENT = "[^/]+";

/** Returns a pattern for resource ids of `type` (provider/type, for example `Microsoft.Web/sites`), in any letter case. */
function resourceIdPattern(type: string): string {
  const [provider, ...types] = type.split("/");
  const typed = types.map((name) => `/${anyCase(name)}/${SEGMENT}`).join("");
  return `^/${anyCase("subscriptions")}/${SEGMENT}/${anyCase("resourceGroups")}/${SEGMENT}/${anyCase("providers")}/${anyCase(provider)}${typed}$`;
}

/** Joins two anchored patterns into one that matches either. */
function eitherPattern(first: string, second: string): string {
  return `^(?:${first.slice(1, -1)}|${second.slice(1, -1)})$`;
}

/** Any resource id below a subscription: `/subscriptions/{id}/...`. */
const ANY_RESOURCE_ID = `^/${anyCase("subscriptions")}/${SEGMENT}(/${SEGMENT})*$`;

const resourceId = (pattern: string, description: string) => ({ type: "string", pattern, maxLength: 1024, description });

const WORKSPACE_ID = "^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$";

/** ISO-8601 interval `start/end` or `start/duration`; the same form the Log Analytics API takes. */
const TIMESPAN = {
  type: "string",
  pattern: "^\\d{4}-\\d{2}-\\d{2}T[^/]+/(P[0-9TWDHMS.]+|\\d{4}-\\d{2}-\\d{2}T.+)$",
  maxLength: 80,
  description: "ISO-8601 interval, for example 2024-05-01T10:00:00Z/2024-05-01T11:00:00Z.",
};

const INCIDENT_ID = { type: "string", minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9]+$", description: "The PagerDuty incident id, for example Q1ABCDEFGHIJKL." };

const ALERT_ID = resourceId(
  `^/${anyCase("subscriptions")}/${SEGMENT}/${anyCase("providers")}/${anyCase("Microsoft.AlertsManagement")}/${anyCase("alerts")}/${SEGMENT}$`,
  "The Azure Monitor alert id: /subscriptions/{sub}/providers/Microsoft.AlertsManagement/alerts/{alertId}.",
);

function schema(properties: Record<string, Record<string, unknown>>, required: string[]): ToolArgumentSchema {
  return { type: "object", properties, required, additionalProperties: false };
}

/** Argument schema of every tool in the catalog. */
export const TOOL_ARGUMENT_SCHEMAS: Record<ToolName, ToolArgumentSchema> = {
  "logs.query": schema(
    {
      query: { type: "string", minLength: 1, maxLength: 10000, description: "KQL query; the time window comes from timespan, never from ago()." },
      timespan: TIMESPAN,
      workspaceId: { type: "string", pattern: WORKSPACE_ID, description: "Log Analytics workspace id (GUID)." },
      resourceId: resourceId(ANY_RESOURCE_ID, "Resource id for a resource-centric query."),
    },
    ["query", "timespan"],
  ),
  "metrics.read": schema(
    {
      resourceId: resourceId(ANY_RESOURCE_ID, "Resource whose metric to read."),
      metricNames: { type: "string", minLength: 1, maxLength: 512, description: "Comma-separated metric names, for example CpuPercentage." },
      timespan: TIMESPAN,
      interval: { type: "string", pattern: "^PT[0-9]+[MH]$|^P1D$", description: "ISO-8601 grain, for example PT1M." },
      aggregation: { type: "string", enum: ["Average", "Maximum", "Minimum", "Total", "Count"] },
    },
    ["resourceId", "metricNames"],
  ),
  "probe.http": schema({ url: { type: "string", pattern: "^[hH][tT][tT][pP][sS]?://", maxLength: 2048, description: "http or https URL to GET." } }, ["url"]),
  "resourceHealth.read": schema({ resourceId: resourceId(ANY_RESOURCE_ID, "Resource whose Resource Health status to read.") }, ["resourceId"]),
  "changes.read": schema(
    {
      resourceId: resourceId(ANY_RESOURCE_ID, "Resource whose Activity Log write operations to list."),
      lookbackMinutes: { type: "integer", minimum: 1, maximum: 10080, description: "Minutes before the alert fired to look back." },
    },
    ["resourceId"],
  ),
  "pagerduty.acknowledge": schema({ incidentId: INCIDENT_ID }, ["incidentId"]),
  "pagerduty.addNote": schema(
    { incidentId: INCIDENT_ID, note: { type: "string", minLength: 1, maxLength: 20000, description: "Note text (plain text)." } },
    ["incidentId", "note"],
  ),
  "azureMonitor.acknowledgeAlert": schema({ alertId: ALERT_ID }, ["alertId"]),
  "pagerduty.resolve": schema(
    { incidentId: INCIDENT_ID, resolution: { type: "string", maxLength: 2000, description: "Why the incident is resolved; added as a note." } },
    ["incidentId"],
  ),
  "pagerduty.setPriority": schema(
    { incidentId: INCIDENT_ID, priority: { type: "string", enum: ["P1", "P2", "P3", "P4", "P5"], description: "New priority." } },
    ["incidentId", "priority"],
  ),
  "azureMonitor.closeAlert": schema(
    { alertId: ALERT_ID, comment: { type: "string", maxLength: 2000, description: "Why the alert is closed." } },
    ["alertId"],
  ),
  "appService.restart": schema({ resourceId: resourceId(resourceIdPattern("Microsoft.Web/sites"), "App Service app (Microsoft.Web/sites) to restart.") }, ["resourceId"]),
  "appService.scaleOut": schema(
    {
      resourceId: resourceId(
        eitherPattern(resourceIdPattern("Microsoft.Web/sites"), resourceIdPattern("Microsoft.Web/serverfarms")),
        "App Service app (Microsoft.Web/sites) or App Service plan (Microsoft.Web/serverfarms) to scale out.",
      ),
      instanceCount: { type: "integer", minimum: 1, maximum: 100, description: "Instance count of the App Service plan after scaling." },
    },
    ["resourceId", "instanceCount"],
  ),
  "vm.restart": schema(
    { resourceId: resourceId(resourceIdPattern("Microsoft.Compute/virtualMachines"), "Virtual machine (Microsoft.Compute/virtualMachines) to restart.") },
    ["resourceId"],
  ),
  "runbook.invokeWebhook": schema(
    {
      runbook: { type: "string", pattern: "^[A-Za-z0-9_-]{1,64}$", description: "Name of a runbook the handler lists." },
      resourceId: resourceId(ANY_RESOURCE_ID, "Resource the runbook acts on."),
      parameters: {
        type: "object",
        maxProperties: 20,
        additionalProperties: { type: "string", maxLength: 1000 },
        description: "String parameters passed to the runbook in the webhook body.",
      },
    },
    ["runbook"],
  ),
};

/** Description of each tool, for the model. */
export const TOOL_DESCRIPTIONS: Record<ToolName, string> = {
  "logs.query": "Runs a KQL query against a Log Analytics workspace or a resource.",
  "metrics.read": "Reads Azure Monitor metrics of a resource.",
  "probe.http": "Sends an HTTP GET to a health endpoint and records status, latency and a body excerpt.",
  "resourceHealth.read": "Reads the current Azure Resource Health availability status of a resource.",
  "changes.read": "Lists Activity Log write operations and deployments on a resource.",
  "pagerduty.acknowledge": "Acknowledges the PagerDuty incident.",
  "pagerduty.addNote": "Adds a note to the PagerDuty incident.",
  "azureMonitor.acknowledgeAlert": "Sets the Azure Monitor alert state to Acknowledged.",
  "pagerduty.resolve": "Resolves the PagerDuty incident. Use only when the evidence shows a false positive or a recovered service.",
  "pagerduty.setPriority": "Changes the priority of the PagerDuty incident.",
  "azureMonitor.closeAlert": "Sets the Azure Monitor alert state to Closed. Use only when the evidence shows a false positive or a recovered service.",
  "appService.restart": "Restarts an App Service app.",
  "appService.scaleOut": "Scales out the App Service plan of an app to the given instance count.",
  "vm.restart": "Restarts a virtual machine.",
  "runbook.invokeWebhook": "Starts an Azure Automation runbook that the handler names, through its webhook.",
};

/** Argument names that hold Azure resource ids, which the guardrails check against the incident's scope. */
export const RESOURCE_ARGUMENTS = ["resourceId"] as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<ToolName, ValidateFunction>();

function validatorFor(tool: ToolName): ValidateFunction {
  let validate = validators.get(tool);
  if (!validate) {
    validate = ajv.compile(TOOL_ARGUMENT_SCHEMAS[tool]);
    validators.set(tool, validate);
  }
  return validate;
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "arguments" : `argument ${error.instancePath.slice(1).replace(/\//g, ".")}`;
  if (error.keyword === "additionalProperties") return `${where} has an unknown property "${String(error.params.additionalProperty)}"`;
  if (error.keyword === "required") return `${where} is missing "${String(error.params.missingProperty)}"`;
  if (error.keyword === "pattern") return `${where} has the wrong form`;
  return `${where} ${error.message ?? "is invalid"}`;
}

/** Validates `args` against the tool's argument schema; returns the problems, empty when valid. */
export function toolArgumentProblems(tool: string, args: unknown): string[] {
  if (!isToolName(tool)) return [`unknown tool "${tool}"`];
  const validate = validatorFor(tool);
  if (validate(args)) return [];
  return (validate.errors ?? []).map(describeError);
}
