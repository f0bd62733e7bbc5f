/**
 * The one interface HTTP handlers use to reach orchestrations. In Azure it wraps the
 * durable-functions client (`durableClientPort`); in the local host the local durable runtime
 * implements it.
 */
export type InstanceRuntimeStatus = "Pending" | "Running" | "Completed" | "Failed" | "Terminated";

export interface InstanceStatus {
  instanceId: string;
  name: string;
  runtimeStatus: InstanceRuntimeStatus;
  input?: unknown;
  output?: unknown;
  customStatus?: unknown;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface OrchestrationPort {
  /**
   * Starts orchestration `name` with `instanceId` unless an instance with that id exists in any
   * state; returns `exists` then. Starting never replaces an existing instance, so a retried
   * delivery cannot wipe a running incident or a pending approval.
   */
  start(name: string, instanceId: string, input: unknown): Promise<"started" | "exists">;
  status(instanceId: string): Promise<InstanceStatus | undefined>;
  /** Raises `eventName` on a running instance; returns false when it is missing or finished. */
  raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<boolean>;
  terminate(instanceId: string, reason: string): Promise<boolean>;
  /** Deletes the history and status of a finished instance, for retention. */
  purge(instanceId: string): Promise<boolean>;
}
