import type { OrchestrationPort } from "../../src/workflow/port";

/** An orchestration port that records raised events and has no instances. */
export class RecordingPort implements OrchestrationPort {
  readonly events: Array<{ instanceId: string; eventName: string; data: unknown }> = [];

  async start(): Promise<"started" | "exists"> {
    return "started";
  }

  async status() {
    return undefined;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<boolean> {
    this.events.push({ instanceId, eventName, data });
    return true;
  }

  async terminate(): Promise<boolean> {
    return false;
  }

  async purge(): Promise<boolean> {
    return false;
  }
}
