import { outboxKey, outboxStore } from "../storage/outbox";
import { toolArgumentProblems } from "./schemas";
import { actionTool } from "./registry";
import { notConfigured, refused } from "./results";
import type { PlannedAction, ToolContext, ToolResult } from "./types";

export const WRITES_OFF = "Agent writes are off (AGENT_WRITES_ENABLED=false): the agent recommends this action and does not run it.";

/**
 * Runs a planned action once per incident. A write that completed is recorded in the outbox, keyed
 * by incident, action id and argument hash. A retried activity finds the row and returns the
 * recorded result without calling the platform again. Only successful results are recorded, so a
 * failed write may be retried.
 */
export async function runAction(action: PlannedAction, context: Omit<ToolContext, "step">): Promise<ToolResult> {
  const tool = actionTool(action.tool);
  if (!tool) return refused(action.tool, `"${action.tool}" is not a tool the agent can act with.`);
  if (!context.services.settings.agentWritesEnabled) return notConfigured(tool.name, WRITES_OFF);

  const problems = toolArgumentProblems(tool.name, action.arguments);
  if (problems.length > 0) return refused(tool.name, `The arguments do not match the schema of ${tool.name}: ${problems.join("; ")}.`);

  const outbox = outboxStore(context.services);
  const key = outboxKey(action.id, action.tool, action.argumentsHash);
  const done = await outbox.get(context.incident.key, key);
  if (done) {
    context.logger.log("Action already completed; returning the recorded result.", { incidentKey: context.incident.key, tool: action.tool, actionId: action.id });
    return done.result as ToolResult;
  }

  const result = await tool.execute(action.arguments, { ...context, step: action.id });
  if (result.status === "success") {
    await outbox.record(context.incident.key, { key, tool: action.tool, completedAt: new Date().toISOString(), result });
  }
  context.logger.log("Action ran.", { incidentKey: context.incident.key, tool: action.tool, actionId: action.id, status: result.status });
  return result;
}
