import type { InstanceRuntimeStatus, InstanceStatus, OrchestrationPort } from "../../src/workflow/port";

interface Instance {
  name: string;
  input: unknown;
  runtimeStatus: InstanceRuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
}

export interface RecordedStart {
  name: string;
  instanceId: string;
  input: unknown;
  result: "started" | "exists";
}

export interface RecordedEvent {
  instanceId: string;
  eventName: string;
  data: unknown;
  delivered: boolean;
}

/**
 * An in-memory `OrchestrationPort` that keeps the port's contract and records every call: `start`
 * never replaces an instance (it returns `exists` for a known id in any state), `raiseEvent`
 * returns false for an unknown or finished instance. Instances stay `Running` until a test calls
 * `finish`. `failNext` makes the next call of a method throw, as an unreachable runtime would.
 */
export class RecordingPort implements OrchestrationPort {
  readonly instances = new Map<string, Instance>();
  readonly startCalls: RecordedStart[] = [];
  readonly events: RecordedEvent[] = [];
  private readonly failures = new Map<keyof OrchestrationPort, Error>();

  /** Makes the next call of `method` throw `error`. */
  failNext(method: keyof OrchestrationPort, error = new Error(`${method} failed: the orchestration runtime is unreachable`)): void {
    this.failures.set(method, error);
  }

  /** Instance ids that `start` actually started, in order. */
  get started(): string[] {
    return this.startCalls.filter((call) => call.result === "started").map((call) => call.instanceId);
  }

  /** Events delivered to `instanceId`, by name. */
  eventsFor(instanceId: string): string[] {
    return this.events.filter((event) => event.instanceId === instanceId && event.delivered).map((event) => event.eventName);
  }

  /** Marks an instance finished, as when its orchestrator returns. */
  finish(instanceId: string, runtimeStatus: InstanceRuntimeStatus = "Completed"): void {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new Error(`No instance ${instanceId}.`);
    instance.runtimeStatus = runtimeStatus;
  }

  async start(name: string, instanceId: string, input: unknown): Promise<"started" | "exists"> {
    await Promise.resolve();
    this.throwIfFailing("start");
    // Check and insert run without an await between them, so concurrent starts cannot both succeed.
    const result = this.instances.has(instanceId) ? "exists" : "started";
    if (result === "started") {
      const now = new Date().toISOString();
      this.instances.set(instanceId, { name, input: structuredClone(input), runtimeStatus: "Running", createdTime: now, lastUpdatedTime: now });
    }
    this.startCalls.push({ name, instanceId, input, result });
    return result;
  }

  async status(instanceId: string): Promise<InstanceStatus | undefined> {
    await Promise.resolve();
    this.throwIfFailing("status");
    const instance = this.instances.get(instanceId);
    if (!instance) return undefined;
    return {
      instanceId,
      name: instance.name,
      runtimeStatus: instance.runtimeStatus,
      input: instance.input,
      createdTime: instance.createdTime,
      lastUpdatedTime: instance.lastUpdatedTime,
    };
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<boolean> {
    await Promise.resolve();
    this.throwIfFailing("raiseEvent");
    const instance = this.instances.get(instanceId);
    const delivered = instance !== undefined && (instance.runtimeStatus === "Running" || instance.runtimeStatus === "Pending");
    this.events.push({ instanceId, eventName, data, delivered });
    return delivered;
  }

  async terminate(instanceId: string, _reason: string): Promise<boolean> {
    await Promise.resolve();
    this.throwIfFailing("terminate");
    const instance = this.instances.get(instanceId);
    if (!instance || (instance.runtimeStatus !== "Running" && instance.runtimeStatus !== "Pending")) return false;
    instance.runtimeStatus = "Terminated";
    return true;
  }

  async purge(instanceId: string): Promise<boolean> {
    await Promise.resolve();
    this.throwIfFailing("purge");
    const instance = this.instances.get(instanceId);
    if (!instance || instance.runtimeStatus === "Running" || instance.runtimeStatus === "Pending") return false;
    this.instances.delete(instanceId);
    return true;
  }

  private throwIfFailing(method: keyof OrchestrationPort): void {
    const error = this.failures.get(method);
    if (error) {
      this.failures.delete(method);
      throw error;
    }
  }
}
