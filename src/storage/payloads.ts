import type { TableEntity } from "@azure/data-tables";
import { isStatus, MAX_PROPERTY_CHARS, packText, unpackText, type TableStore } from "./tables";
import { safeKey } from "./keys";

const TABLE = "payloads";

/** Properties per row: 12 × 30,000 characters stays under the 1 MiB entity limit even as UTF-16. */
const PARTS_PER_ROW = 12;
const CHARS_PER_ROW = PARTS_PER_ROW * MAX_PROPERTY_CHARS;

/** A raw payload as intake accepted it. */
export interface NewPayload {
  /** Unique within the incident and stable across redeliveries: `fired`, `resolved`, or a PagerDuty event id. */
  id: string;
  source: "azure-monitor" | "pagerduty";
  /** Body text exactly as received (UTF-8 decoded). */
  body: string;
  contentType?: string;
  deliveryId?: string;
}

export interface StoredPayload extends NewPayload {
  receivedAt: string;
}

/**
 * Raw accepted payloads, one partition per incident (or per unlinked source), so an incident can be
 * re-examined against exactly what the platform sent. A body longer than one entity allows is split
 * over continuation rows `<id>-c1`, `<id>-c2`, ...; the head row is written last, so a payload
 * whose head row exists is complete.
 */
export class PayloadStore {
  constructor(private readonly tables: TableStore) {}

  /** Stores `payload` under `partition` unless a payload with the same id is there; returns true when written. */
  async put(partition: string, payload: NewPayload, now = new Date()): Promise<boolean> {
    const client = await this.tables.table(TABLE);
    const partitionKey = safeKey(partition);
    const chunks = splitText(payload.body, CHARS_PER_ROW);

    for (let index = 1; index < chunks.length; index++) {
      const continuation: TableEntity = { partitionKey, rowKey: continuationKey(payload.id, index) };
      packText(continuation, "body", chunks[index], PARTS_PER_ROW);
      await client.upsertEntity(continuation, "Replace");
    }

    const head: TableEntity = {
      partitionKey,
      rowKey: safeKey(payload.id),
      payloadId: payload.id,
      source: payload.source,
      contentType: payload.contentType ?? "",
      deliveryId: payload.deliveryId ?? "",
      receivedAt: now.toISOString(),
      chunks: chunks.length,
    };
    packText(head, "body", chunks[0], PARTS_PER_ROW);
    try {
      await client.createEntity(head);
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  async get(partition: string, id: string): Promise<StoredPayload | undefined> {
    const client = await this.tables.table(TABLE);
    const partitionKey = safeKey(partition);
    let head: Record<string, unknown>;
    try {
      head = await client.getEntity<Record<string, unknown>>(partitionKey, safeKey(id));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
    let body = unpackText(head, "body") ?? "";
    const chunks = Number(head.chunks ?? 1);
    for (let index = 1; index < chunks; index++) {
      const continuation = await client.getEntity<Record<string, unknown>>(partitionKey, continuationKey(id, index));
      body += unpackText(continuation, "body") ?? "";
    }
    return {
      id: String(head.payloadId ?? id),
      source: head.source as NewPayload["source"],
      body,
      contentType: head.contentType ? String(head.contentType) : undefined,
      deliveryId: head.deliveryId ? String(head.deliveryId) : undefined,
      receivedAt: String(head.receivedAt),
    };
  }

  /** Lists the ids of the payloads kept under `partition`, oldest first. */
  async listIds(partition: string): Promise<Array<{ id: string; receivedAt: string }>> {
    const client = await this.tables.table(TABLE);
    const partitionKey = safeKey(partition).replace(/'/g, "''");
    const rows: Array<{ id: string; receivedAt: string }> = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${partitionKey}'`, select: ["payloadId", "receivedAt"] },
    })) {
      // Continuation rows have no payloadId.
      if (typeof entity.payloadId === "string") rows.push({ id: entity.payloadId, receivedAt: String(entity.receivedAt) });
    }
    return rows.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  }

  /** Deletes every row under `partition`, continuation rows included; for retention together with its incident. Returns the rows deleted. */
  async deletePartition(partition: string): Promise<number> {
    const client = await this.tables.table(TABLE);
    const partitionKey = safeKey(partition);
    let deleted = 0;
    const filter = `PartitionKey eq '${partitionKey.replace(/'/g, "''")}'`;
    for await (const entity of client.listEntities({ queryOptions: { filter, select: ["RowKey"] } })) {
      try {
        await client.deleteEntity(partitionKey, entity.rowKey!);
        deleted++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return deleted;
  }

  /** Deletes payloads received before `cutoff`, with their continuation rows; for retention. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const client = await this.tables.table(TABLE);
    let deleted = 0;
    const heads: Array<{ partitionKey: string; id: string; chunks: number }> = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `receivedAt lt '${cutoff.toISOString()}'`, select: ["PartitionKey", "payloadId", "chunks"] },
    })) {
      if (typeof entity.payloadId === "string") {
        heads.push({ partitionKey: String(entity.partitionKey), id: entity.payloadId, chunks: Number(entity.chunks ?? 1) });
      }
    }
    for (const head of heads) {
      const rowKeys = [safeKey(head.id)];
      for (let index = 1; index < head.chunks; index++) rowKeys.push(continuationKey(head.id, index));
      for (const rowKey of rowKeys) {
        try {
          await client.deleteEntity(head.partitionKey, rowKey);
        } catch (error) {
          if (!isStatus(error, 404)) throw error;
        }
      }
      deleted++;
    }
    return deleted;
  }
}

function continuationKey(id: string, index: number): string {
  return safeKey(`${id}-c${index}`);
}

function splitText(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += size) chunks.push(text.slice(start, start + size));
  return chunks;
}
