import { randomBytes } from "node:crypto";
import type { TableEntity } from "@azure/data-tables";
import { isStatus, packText, unpackText, type TableStore } from "./tables";
import { reverseTimeKey, safeKey } from "./keys";

const TABLE = "rejected";
const PARTITION = "rejected";

/** Properties the body may span: 12 × 30,000 characters stays under the 1 MiB entity limit even as UTF-16. */
const BODY_PARTS = 12;

/** A payload that intake refused, as stored. */
export interface NewRejectedPayload {
  /** Route below `/api`, without the query string (which can hold the function key). */
  route: string;
  /** HTTP status answered: 400, 401, 413, 415, or 503 for a payload kept after an internal error. */
  status: number;
  /** The message the sender received. */
  reason: string;
  /** `X-Webhook-Id` for PagerDuty, the invocation id otherwise. */
  deliveryId?: string;
  /** Request headers with secrets removed. */
  headers: Record<string, string>;
  /** Body as text (invalid UTF-8 replaced), or undefined when it was not read. */
  body?: string;
  /** Bytes received; for a body refused by its Content-Length this is the declared length. */
  bodyBytes: number;
  /** True when `body` holds only the start of what was received, for example of an oversized body. */
  bodyCut?: boolean;
}

export interface RejectedPayload extends NewRejectedPayload {
  id: string;
  receivedAt: string;
  /** True when the stored body is shorter than what was received. */
  bodyTruncated: boolean;
}

/**
 * Payloads that intake rejected, kept with the reason so that no alert is lost silently. One
 * partition, newest first by row key.
 */
export class RejectedPayloadStore {
  constructor(private readonly tables: TableStore) {}

  /** Stores `payload` and returns its id. */
  async add(payload: NewRejectedPayload, now = new Date()): Promise<string> {
    const client = await this.tables.table(TABLE);
    const id = reverseTimeKey(now, randomBytes(4).toString("hex"));
    const entity: TableEntity = {
      partitionKey: PARTITION,
      rowKey: id,
      receivedAt: now.toISOString(),
      route: payload.route,
      status: payload.status,
      reason: payload.reason.slice(0, 4_000),
      deliveryId: payload.deliveryId?.slice(0, 200) ?? "",
      bodyBytes: payload.bodyBytes,
      bodyRead: payload.body !== undefined,
    };
    packText(entity, "headers", JSON.stringify(payload.headers), 1);
    const cut = packText(entity, "body", payload.body ?? "", BODY_PARTS);
    entity.bodyTruncated = cut || payload.body === undefined || payload.bodyCut === true;
    await client.createEntity(entity);
    return id;
  }

  /** Lists rejected payloads, newest first. */
  async list(options: { limit?: number; route?: string } = {}): Promise<RejectedPayload[]> {
    const client = await this.tables.table(TABLE);
    const limit = options.limit ?? 50;
    const found: RejectedPayload[] = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    })) {
      const record = fromEntity(entity);
      if (options.route && record.route !== options.route) continue;
      found.push(record);
      if (found.length >= limit) break;
    }
    return found;
  }

  async get(id: string): Promise<RejectedPayload | undefined> {
    const client = await this.tables.table(TABLE);
    try {
      return fromEntity(await client.getEntity<Record<string, unknown>>(PARTITION, safeKey(id)));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Deletes records received before `cutoff`; for retention. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const client = await this.tables.table(TABLE);
    let deleted = 0;
    // Row keys sort newest first, so every record older than the cutoff has a larger key.
    const boundary = reverseTimeKey(cutoff, "");
    for await (const entity of client.listEntities({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}' and RowKey gt '${boundary}'`, select: ["RowKey"] },
    })) {
      try {
        await client.deleteEntity(PARTITION, entity.rowKey!);
        deleted++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return deleted;
  }
}

function fromEntity(entity: Record<string, unknown>): RejectedPayload {
  let headers: Record<string, string> = {};
  try {
    headers = JSON.parse(unpackText(entity, "headers") ?? "{}") as Record<string, string>;
  } catch {
    headers = {};
  }
  return {
    id: String(entity.rowKey),
    receivedAt: String(entity.receivedAt),
    route: String(entity.route),
    status: Number(entity.status),
    reason: String(entity.reason ?? ""),
    deliveryId: entity.deliveryId ? String(entity.deliveryId) : undefined,
    headers,
    body: entity.bodyRead === false ? undefined : (unpackText(entity, "body") ?? ""),
    bodyBytes: Number(entity.bodyBytes ?? 0),
    bodyTruncated: Boolean(entity.bodyTruncated),
    bodyCut: Boolean(entity.bodyTruncated),
  };
}
