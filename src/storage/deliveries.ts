import type { TableEntity } from "@azure/data-tables";
import { isStatus, type TableStore } from "./tables";
import { safeKey } from "./keys";

const TABLE = "deliveries";

/** Record of a delivery and the outcome intake gave it. */
export interface DeliveryRecord {
  /** `done` once handled; `processing` while a request has the claim. */
  state: "processing" | "done";
  outcome?: string;
  incidentKey?: string;
  eventType?: string;
  /** When the current claim was taken (processing) or the delivery finished (done). */
  at: string;
}

export type ClaimResult =
  | { result: "claimed" }
  | { result: "done"; record: DeliveryRecord }
  | { result: "in-progress"; record: DeliveryRecord };

/**
 * Webhook deliveries seen, for de-duplication: one row per delivery key (for PagerDuty
 * `event-<event id>` and `webhook-<X-Webhook-Id>`). Claiming is an atomic insert, so of several
 * concurrent requests for one key exactly one proceeds. A claim that was never completed, because
 * its request failed or its process died, can be taken over once it is older than the lease.
 */
export class DeliveryStore {
  constructor(
    private readonly tables: TableStore,
    /** How long an unfinished claim blocks others. */
    private readonly leaseMs = 60_000,
  ) {}

  /** Claims `key` for processing, or reports that it is done or held by another request. */
  async claim(partition: string, key: string, details: { eventType?: string } = {}, now = new Date()): Promise<ClaimResult> {
    const client = await this.tables.table(TABLE);
    const entity: TableEntity = {
      partitionKey: safeKey(partition),
      rowKey: safeKey(key),
      deliveryKey: key,
      state: "processing",
      eventType: details.eventType ?? "",
      at: now.toISOString(),
    };
    try {
      await client.createEntity(entity);
      return { result: "claimed" };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }

    const existing = await client.getEntity<Record<string, unknown>>(entity.partitionKey, entity.rowKey).catch((error) => {
      if (isStatus(error, 404)) return undefined;
      throw error;
    });
    // Released between our insert and read: try once more.
    if (!existing) return this.claimOnce(partition, key, entity);

    const record = toRecord(existing);
    if (record.state === "done") return { result: "done", record };
    if (now.getTime() - Date.parse(record.at) < this.leaseMs) return { result: "in-progress", record };

    try {
      await client.updateEntity(entity, "Replace", { etag: existing.etag as string });
      return { result: "claimed" };
    } catch (error) {
      if (isStatus(error, 412)) return { result: "in-progress", record };
      throw error;
    }
  }

  private async claimOnce(partition: string, key: string, entity: TableEntity): Promise<ClaimResult> {
    const client = await this.tables.table(TABLE);
    try {
      await client.createEntity(entity);
      return { result: "claimed" };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      const record = await this.get(partition, key);
      return record?.state === "done" ? { result: "done", record } : { result: "in-progress", record: record ?? toRecord(entity) };
    }
  }

  /** Records that `key` was handled, with what came of it. */
  async complete(partition: string, key: string, record: Omit<DeliveryRecord, "state" | "at">, now = new Date()): Promise<void> {
    const client = await this.tables.table(TABLE);
    await client.upsertEntity(
      {
        partitionKey: safeKey(partition),
        rowKey: safeKey(key),
        deliveryKey: key,
        state: "done",
        outcome: record.outcome ?? "",
        incidentKey: record.incidentKey ?? "",
        eventType: record.eventType ?? "",
        at: now.toISOString(),
      },
      "Replace",
    );
  }

  /** Drops an unfinished claim so that the sender's retry is processed at once. */
  async release(partition: string, key: string): Promise<void> {
    const client = await this.tables.table(TABLE);
    try {
      await client.deleteEntity(safeKey(partition), safeKey(key));
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  async get(partition: string, key: string): Promise<DeliveryRecord | undefined> {
    const client = await this.tables.table(TABLE);
    try {
      return toRecord(await client.getEntity<Record<string, unknown>>(safeKey(partition), safeKey(key)));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Deletes records older than `cutoff`; for retention. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const client = await this.tables.table(TABLE);
    let deleted = 0;
    for await (const entity of client.listEntities({
      queryOptions: { filter: `at lt '${cutoff.toISOString()}'`, select: ["PartitionKey", "RowKey"] },
    })) {
      try {
        await client.deleteEntity(entity.partitionKey!, entity.rowKey!);
        deleted++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return deleted;
  }
}

function toRecord(entity: Record<string, unknown>): DeliveryRecord {
  return {
    state: entity.state === "done" ? "done" : "processing",
    outcome: entity.outcome ? String(entity.outcome) : undefined,
    incidentKey: entity.incidentKey ? String(entity.incidentKey) : undefined,
    eventType: entity.eventType ? String(entity.eventType) : undefined,
    at: String(entity.at),
  };
}
