import type { DurableClient } from "durable-functions";
import type { InstanceStatus, OrchestrationPort } from "./port";

const FINISHED = new Set(["Completed", "Failed", "Terminated", "Canceled"]);

/** Adapts the durable-functions client (the Functions host) to the orchestration port. */
export function durableClientPort(client: DurableClient): OrchestrationPort {
  async function status(instanceId: string): Promise<InstanceStatus | undefined> {
    try {
      const found = await client.getStatus(instanceId, { showHistory: false, showInput: true });
      if (!found || !found.runtimeStatus) return undefined;
      return {
        instanceId: found.instanceId,
        name: found.name,
        runtimeStatus: found.runtimeStatus as InstanceStatus["runtimeStatus"],
        input: found.input,
        output: found.output,
        customStatus: found.customStatus,
        createdTime: new Date(found.createdTime).toISOString(),
        lastUpdatedTime: new Date(found.lastUpdatedTime).toISOString(),
      };
    } catch (error) {
      // The client reports an unknown instance as an error that mentions HTTP 404.
      if (/\b404\b/.test((error as Error).message)) return undefined;
      throw error;
    }
  }

  return {
    async start(name, instanceId, input) {
      if (await status(instanceId)) return "exists";
      try {
        await client.startNew(name, { instanceId, input });
        return "started";
      } catch (error) {
        // A concurrent start of the same id: the extension refuses to replace a running instance.
        if (await status(instanceId)) return "exists";
        throw error;
      }
    },
    status,
    async raiseEvent(instanceId, eventName, data) {
      const current = await status(instanceId);
      if (!current || FINISHED.has(current.runtimeStatus)) return false;
      await client.raiseEvent(instanceId, eventName, data);
      return true;
    },
    async terminate(instanceId, reason) {
      const current = await status(instanceId);
      if (!current || FINISHED.has(current.runtimeStatus)) return false;
      await client.terminate(instanceId, reason);
      return true;
    },
    async purge(instanceId) {
      const result = await client.purgeInstanceHistory(instanceId);
      return result.instancesDeleted > 0;
    },
  };
}
