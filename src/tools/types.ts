import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Attempt, ResultStatus } from "../investigation/evidence";
import type { ToolKind, ToolName } from "./catalog";
import type { ToolArgumentSchema } from "./schemas";

/** Outcome of one tool run: the status, what was attempted, and the service's response. */
export interface ToolResult {
  tool: string;
  status: ResultStatus;
  /** One or two sentences for the thread. */
  summary: string;
  attempted: Attempt;
  response?: { status?: number; code?: string; message?: string };
  /** Tool-specific facts, for example the plan's capacity before and after a scale-out. */
  details?: Record<string, unknown>;
}

/** Inputs of an executor. `step` is stable across activity retries and unique per action. */
export interface ToolContext {
  services: Services;
  incident: Incident;
  handler: Handler;
  logger: Logger;
  step: string;
}

/** A tool the agent can act with: the catalog's name and kind, its argument schema, and its executor. */
export interface ToolDefinition {
  name: ToolName;
  kind: ToolKind;
  schema: ToolArgumentSchema;
  /** Description of the tool for the LLM. */
  description: string;
  execute(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
}

/** Why the agent takes an action; decides what follows it. */
export type ActionPurpose = "remediation" | "closing" | "update" | "bookkeeping";

/** An action the orchestrator runs or offers for approval, after the plan checked it. */
export interface PlannedAction {
  /** Unique within the incident's orchestration and stable across replays: `<phase>-<tool>-<hash>`. */
  id: string;
  tool: ToolName;
  kind: ToolKind;
  purpose: ActionPurpose;
  arguments: Record<string, unknown>;
  /** SHA-256 of the tool name and canonical arguments, hex; an approval is bound to it. */
  argumentsHash: string;
  rationale: string;
  /** One line for people: what the action does to what. */
  description: string;
}
