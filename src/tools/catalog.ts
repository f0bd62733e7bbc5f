/**
 * The names and kinds of every tool the agent has. Handlers validate their allow-lists against
 * this list, and the registry in this folder adds argument schemas and executors.
 *
 * Kinds: `read` tools only look. `bookkeeping` tools tell people the agent is working (acknowledge,
 * notes) and run without approval when the handler allows them. `write` tools change a resource or
 * an incident's outcome and, in reader mode, wait for a human's approval.
 */
export type ToolKind = "read" | "bookkeeping" | "write";

export const TOOL_KINDS = {
  "logs.query": "read",
  "metrics.read": "read",
  "probe.http": "read",
  "resourceHealth.read": "read",
  "changes.read": "read",
  "pagerduty.acknowledge": "bookkeeping",
  "pagerduty.addNote": "bookkeeping",
  "azureMonitor.acknowledgeAlert": "bookkeeping",
  "pagerduty.resolve": "write",
  "pagerduty.setPriority": "write",
  "azureMonitor.closeAlert": "write",
  "appService.restart": "write",
  "appService.scaleOut": "write",
  "vm.restart": "write",
  "runbook.invokeWebhook": "write",
} as const satisfies Record<string, ToolKind>;

export type ToolName = keyof typeof TOOL_KINDS;

export const TOOL_NAMES = Object.keys(TOOL_KINDS) as ToolName[];

export function isToolName(name: string): name is ToolName {
  return Object.prototype.hasOwnProperty.call(TOOL_KINDS, name);
}

export function toolsOfKind(kind: ToolKind): ToolName[] {
  return TOOL_NAMES.filter((name) => TOOL_KINDS[name] === kind);
}

/**
 * Returns the tools a handler gets when it names none. In reader mode that is every tool, and each
 * write waits for approval. In autonomous mode only the write tools that resolve or close an
 * incident are included, so remediations must be listed explicitly.
 */
export function defaultTools(autonomy: "reader" | "autonomous"): ToolName[] {
  if (autonomy === "reader") return [...TOOL_NAMES];
  return [...toolsOfKind("read"), ...toolsOfKind("bookkeeping"), "pagerduty.resolve", "azureMonitor.closeAlert"];
}
