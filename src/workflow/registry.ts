import type { InvocationContext } from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";

/** An activity as both hosts run it: JSON-serializable input in, JSON-serializable output out. */
export type ActivityHandler = (input: any, context: InvocationContext) => Promise<unknown>;

/** The orchestrators and activities of an app, by name; both hosts register from one of these. */
export interface WorkflowRegistry {
  orchestrations: Record<string, OrchestrationHandler>;
  activities: Record<string, ActivityHandler>;
}
