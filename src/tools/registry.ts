import { TOOL_KINDS, type ToolName } from "./catalog";
import { TOOL_ARGUMENT_SCHEMAS, TOOL_DESCRIPTIONS } from "./schemas";
import type { ToolContext, ToolDefinition, ToolResult } from "./types";
import { acknowledgePagerDutyIncident, addPagerDutyNote, resolvePagerDutyIncident, setPagerDutyPriority } from "./pagerdutyTools";
import { acknowledgeAzureAlert, closeAzureAlert, restartAppService, restartVm, scaleOutAppService } from "./azureTools";
import { invokeRunbook } from "./runbookTool";

/**
 * The registry of the tools the agent acts with: every bookkeeping and write tool of the catalog,
 * with its argument schema, description and executor. Read tools belong to the investigation,
 * which runs them as collectors.
 */

export type ActionToolName = {
  [Name in ToolName]: (typeof TOOL_KINDS)[Name] extends "read" ? never : Name;
}[ToolName];

type Executor = (args: Record<string, unknown>, context: ToolContext) => Promise<ToolResult>;

const EXECUTORS: Record<ActionToolName, Executor> = {
  "pagerduty.acknowledge": acknowledgePagerDutyIncident,
  "pagerduty.addNote": addPagerDutyNote,
  "azureMonitor.acknowledgeAlert": acknowledgeAzureAlert,
  "pagerduty.resolve": resolvePagerDutyIncident,
  "pagerduty.setPriority": setPagerDutyPriority,
  "azureMonitor.closeAlert": closeAzureAlert,
  "appService.restart": restartAppService,
  "appService.scaleOut": scaleOutAppService,
  "vm.restart": restartVm,
  "runbook.invokeWebhook": invokeRunbook,
};

function define(name: ActionToolName): ToolDefinition {
  return { name, kind: TOOL_KINDS[name], schema: TOOL_ARGUMENT_SCHEMAS[name], description: TOOL_DESCRIPTIONS[name], execute: EXECUTORS[name] };
}

export const ACTION_TOOLS: Record<ActionToolName, ToolDefinition> = Object.fromEntries(
  (Object.keys(EXECUTORS) as ActionToolName[]).map((name) => [name, define(name)]),
) as Record<ActionToolName, ToolDefinition>;

/** Returns the registry entry of an action tool, or undefined for read tools and unknown names. */
export function actionTool(name: string): ToolDefinition | undefined {
  return Object.prototype.hasOwnProperty.call(ACTION_TOOLS, name) ? ACTION_TOOLS[name as ActionToolName] : undefined;
}

/** Tools that end an incident on its platform; they run only for a false positive or after a verified fix. */
export const CLOSING_TOOLS: readonly ActionToolName[] = ["pagerduty.resolve", "azureMonitor.closeAlert"];

/** Tools that change a resource to fix the incident; a verification follows them. */
export const REMEDIATION_TOOLS: readonly ActionToolName[] = ["appService.restart", "appService.scaleOut", "vm.restart", "runbook.invokeWebhook"];
