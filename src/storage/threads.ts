import type { TableEntity } from "@azure/data-tables";
import { isStatus, packText, unpackText, type TableStore } from "./tables";
import { safeKey } from "./keys";

export type MessageAuthor = "agent" | "human" | "platform" | "system";

export type MessageKind =
  | "routing"
  | "not-handled"
  | "acknowledged"
  | "evidence"
  | "analysis"
  | "action-dropped"
  | "approval-requested"
  | "approval-decided"
  | "action"
  | "verification"
  | "escalated"
  | "platform-update"
  | "human-note"
  | "takeover"
  | "resolved"
  | "notice";

/** A message as appended: `id` makes the append idempotent, because activities can run twice. */
export interface NewThreadMessage {
  /** Unique within the incident and stable across retries, for example `acknowledged` or `evidence-probe`. */
  id: string;
  author: MessageAuthor;
  kind: MessageKind;
  text: string;
  data?: unknown;
}

/** A message as read: `seq` is its 1-based position in the thread. */
export interface ThreadMessage {
  seq: number;
  id: string;
  at: string;
  author: MessageAuthor;
  kind: MessageKind;
  text: string;
  data: unknown;
}

const TABLE = "threads";

/**
 * The incident threads: one partition per incident, one entity per message, keyed by the message
 * id. Messages are ordered by the time they were first written, then by id.
 */
export class ThreadStore {
  constructor(private readonly tables: TableStore) {}

  /** Appends `message` unless a message with the same id exists; returns true when it was written. */
  async append(incidentKey: string, message: NewThreadMessage, now = new Date()): Promise<boolean> {
    const client = await this.tables.table(TABLE);
    const entity: TableEntity = {
      partitionKey: safeKey(incidentKey),
      rowKey: safeKey(message.id),
      messageId: message.id,
      at: now.toISOString(),
      author: message.author,
      kind: message.kind,
    };
    packText(entity, "text", message.text, 2);
    packText(entity, "data", JSON.stringify(message.data ?? null), 20);
    try {
      await client.createEntity(entity);
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  /** Lists the thread of `incidentKey` in order. */
  async list(incidentKey: string): Promise<ThreadMessage[]> {
    const client = await this.tables.table(TABLE);
    const partition = safeKey(incidentKey).replace(/'/g, "''");
    const rows: Array<Omit<ThreadMessage, "seq">> = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${partition}'` },
    })) {
      rows.push(toMessage(entity));
    }
    rows.sort((a, b) => (a.at === b.at ? a.id.localeCompare(b.id) : a.at.localeCompare(b.at)));
    return rows.map((row, index) => ({ seq: index + 1, ...row }));
  }

  /** Deletes every message of `incidentKey`. */
  async deleteThread(incidentKey: string): Promise<number> {
    const client = await this.tables.table(TABLE);
    const partition = safeKey(incidentKey).replace(/'/g, "''");
    let deleted = 0;
    for await (const entity of client.listEntities({ queryOptions: { filter: `PartitionKey eq '${partition}'`, select: ["PartitionKey", "RowKey"] } })) {
      try {
        await client.deleteEntity(entity.partitionKey ?? safeKey(incidentKey), entity.rowKey!);
        deleted++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return deleted;
  }
}

function toMessage(entity: Record<string, unknown>): Omit<ThreadMessage, "seq"> {
  const dataText = unpackText(entity, "data");
  let data: unknown = null;
  if (dataText !== undefined) {
    try {
      data = JSON.parse(dataText);
    } catch {
      // Data cut at the size limit is no longer valid JSON; keep it readable as text.
      data = { truncated: dataText };
    }
  }
  return {
    id: String(entity.messageId ?? entity.rowKey),
    at: String(entity.at),
    author: entity.author as MessageAuthor,
    kind: entity.kind as MessageKind,
    text: unpackText(entity, "text") ?? "",
    data,
  };
}
