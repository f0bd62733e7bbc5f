import { randomBytes } from "node:crypto";
import { odata, TableTransaction, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import { isStatus, packText, unpackText, MAX_PROPERTY_CHARS, type TableStore } from "../../storage/tables";
import type { InstanceRuntimeStatus } from "../../workflow/port";
import type { HistoryEvent } from "./history";

/**
 * Table Storage layout of the local durable runtime: one table, one partition per instance.
 *
 * - `status`: name, runtime status, input, output and custom status (JSON text), times, and the
 *   number of history chunks. Its etag orders every change of the instance.
 * - `history-00000001`, ...: the history, as JSON arrays of events, one chunk or more per episode.
 * - `inbox-<time>-<counter>-<random>`: an event that arrived (activity result, timer fired, external
 *   event) and that no episode has added to the history yet, in arrival order.
 *
 * An episode commits in one entity group transaction: the status update (conditional on its
 * etag), the new history chunks and the deletion of the inbox entities it consumed. A crash between
 * any two writes therefore leaves either the old state or the new one.
 */
export const DURABLE_TABLE = "DurableInstances";

const STATUS_ROW = "status";
const HISTORY_PREFIX = "history-";
const INBOX_PREFIX = "inbox-";

/** Largest JSON text of an instance's input and output (5 properties). */
export const MAX_INPUT_CHARS = 5 * MAX_PROPERTY_CHARS;
/** Largest JSON text of a custom status (2 properties). */
export const MAX_CUSTOM_STATUS_CHARS = 2 * MAX_PROPERTY_CHARS;
/** Largest JSON text of one history chunk (13 properties of 30,000 UTF-16 units stay under 1 MiB). */
const MAX_CHUNK_PARTS = 13;
const MAX_CHUNK_CHARS = MAX_CHUNK_PARTS * MAX_PROPERTY_CHARS;
/** Table Storage allows 100 operations in one transaction. */
export const MAX_TRANSACTION_OPERATIONS = 100;
/**
 * Largest JSON text one episode writes. A transaction's request body may be 4 MiB; JSON text stored
 * inside JSON grows by its escapes, so this leaves room for them.
 */
export const MAX_EPISODE_CHARS = 2_000_000;

/** An episode that does not fit one entity group transaction. */
export class EpisodeTooLargeError extends Error {
  override name = "EpisodeTooLargeError";
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  runtimeStatus: InstanceRuntimeStatus;
  /** JSON text, or undefined when the instance has none. */
  input?: string;
  output?: string;
  customStatus?: string;
  createdTime: string;
  lastUpdatedTime: string;
  historyChunks: number;
  etag: string;
}

export interface InboxMessage {
  rowKey: string;
  event: HistoryEvent;
  /** Length of the event's JSON text. */
  size: number;
}

export interface InstanceSnapshot {
  record: InstanceRecord;
  history: HistoryEvent[];
  inbox: InboxMessage[];
}

export interface EpisodeCommit {
  runtimeStatus: InstanceRuntimeStatus;
  output?: string;
  customStatus?: string;
  events: HistoryEvent[];
  /** Row keys of the inbox entities this episode added to the history or discarded. */
  consumed: string[];
}

let inboxCounter = 0;

export class DurableStore {
  constructor(private readonly tables: TableStore) {}

  private table(): Promise<TableClient> {
    return this.tables.table(DURABLE_TABLE);
  }

  /** Creates the instance's status entity; returns false when the instance exists in any state. */
  async create(instanceId: string, name: string, input: string | undefined, now: Date): Promise<boolean> {
    const entity: TableEntity = {
      partitionKey: instanceId,
      rowKey: STATUS_ROW,
      name,
      runtimeStatus: "Pending",
      createdTime: now.toISOString(),
      lastUpdatedTime: now.toISOString(),
      historyChunks: 0,
    };
    packText(entity, "input", input ?? "", MAX_INPUT_CHARS / MAX_PROPERTY_CHARS);
    packText(entity, "output", "");
    packText(entity, "customStatus", "");

    try {
      await (await this.table()).createEntity(entity);
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  async readRecord(instanceId: string): Promise<InstanceRecord | undefined> {
    try {
      const entity = await (await this.table()).getEntity<Record<string, unknown>>(instanceId, STATUS_ROW);
      return toRecord(entity);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Reads the status, the committed history and the inbox of an instance in one query. */
  async readSnapshot(instanceId: string): Promise<InstanceSnapshot | undefined> {
    const table = await this.table();
    let record: InstanceRecord | undefined;
    const chunks: Array<{ index: number; events: HistoryEvent[] }> = [];
    const inbox: InboxMessage[] = [];

    for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${instanceId}` } })) {
      const rowKey = entity.rowKey as string;
      if (rowKey === STATUS_ROW) {
        record = toRecord(entity);
      } else if (rowKey.startsWith(HISTORY_PREFIX)) {
        chunks.push({ index: Number(rowKey.slice(HISTORY_PREFIX.length)), events: JSON.parse(unpackText(entity, "events") ?? "[]") as HistoryEvent[] });
      } else if (rowKey.startsWith(INBOX_PREFIX)) {
        const text = unpackText(entity, "event") ?? "{}";
        inbox.push({ rowKey, event: JSON.parse(text) as HistoryEvent, size: text.length });
      }
    }
    if (!record) return undefined;

    const committed = chunks.filter((chunk) => chunk.index <= record!.historyChunks).sort((a, b) => a.index - b.index);
    inbox.sort((a, b) => compareText(a.rowKey, b.rowKey));
    return { record, history: committed.flatMap((chunk) => chunk.events), inbox };
  }

  /** Adds an arriving event to the instance's inbox. */
  async appendInbox(instanceId: string, event: HistoryEvent): Promise<void> {
    const rowKey = `${INBOX_PREFIX}${String(Date.now()).padStart(15, "0")}-${String(++inboxCounter).padStart(9, "0")}-${randomBytes(3).toString("hex")}`;
    const entity: TableEntity = { partitionKey: instanceId, rowKey };
    packText(entity, "event", JSON.stringify(event), MAX_CHUNK_PARTS);
    await (await this.table()).createEntity(entity);
  }

  /**
   * Commits an episode atomically, on the condition that the status entity is unchanged since
   * `record` was read. Returns false when another writer changed the instance first (the caller
   * reads it again).
   */
  async commit(record: InstanceRecord, commit: EpisodeCommit, now: Date): Promise<boolean> {
    const chunks = splitIntoChunks(commit.events);
    const status: TableEntity = {
      partitionKey: record.instanceId,
      rowKey: STATUS_ROW,
      runtimeStatus: commit.runtimeStatus,
      lastUpdatedTime: now.toISOString(),
      historyChunks: record.historyChunks + chunks.length,
    };
    if (commit.output !== undefined) packText(status, "output", commit.output, MAX_INPUT_CHARS / MAX_PROPERTY_CHARS);
    if (commit.customStatus !== undefined) packText(status, "customStatus", commit.customStatus, MAX_CUSTOM_STATUS_CHARS / MAX_PROPERTY_CHARS);

    const transaction = new TableTransaction();
    transaction.updateEntity(status, "Merge", { etag: record.etag });
    chunks.forEach((chunk, offset) => {
      const entity: TableEntity = { partitionKey: record.instanceId, rowKey: historyRowKey(record.historyChunks + offset + 1) };
      packText(entity, "events", chunk, MAX_CHUNK_PARTS);
      transaction.createEntity(entity);
    });
    for (const rowKey of commit.consumed) transaction.deleteEntity(record.instanceId, rowKey);

    const size = chunks.reduce((sum, chunk) => sum + chunk.length, 0) + (commit.output?.length ?? 0) + (commit.customStatus?.length ?? 0);
    if (transaction.actions.length > MAX_TRANSACTION_OPERATIONS || size > MAX_EPISODE_CHARS) {
      throw new EpisodeTooLargeError(
        `An episode of instance ${record.instanceId} needs ${transaction.actions.length} table operations and ${size} characters; ` +
          `one transaction allows ${MAX_TRANSACTION_OPERATIONS} operations and this runtime writes at most ${MAX_EPISODE_CHARS} characters in one.`,
      );
    }
    return this.submit(record.instanceId, transaction.actions);
  }

  /** Lists the ids of instances whose status is Pending or Running. */
  async listUnfinished(): Promise<string[]> {
    const table = await this.table();
    const ids: string[] = [];
    const filter = odata`RowKey eq ${STATUS_ROW} and (runtimeStatus eq ${"Pending"} or runtimeStatus eq ${"Running"})`;
    for await (const entity of table.listEntities({ queryOptions: { filter, select: ["PartitionKey"] } })) {
      ids.push(entity.partitionKey as string);
    }
    return ids;
  }

  /** Deletes inbox entities that no episode will read, such as results that arrive after the instance finished. */
  async deleteInbox(instanceId: string, rowKeys: string[]): Promise<void> {
    await this.deleteRows(instanceId, rowKeys.filter((rowKey) => rowKey.startsWith(INBOX_PREFIX)));
  }

  /** Deletes every entity of the instance, the status entity last, so an interrupted purge can be repeated. */
  async deleteInstance(instanceId: string): Promise<void> {
    const table = await this.table();
    const rowKeys: string[] = [];
    for await (const entity of table.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${instanceId}`, select: ["RowKey"] } })) {
      rowKeys.push(entity.rowKey as string);
    }
    const others = rowKeys.filter((rowKey) => rowKey !== STATUS_ROW);
    for (let start = 0; start < others.length; start += MAX_TRANSACTION_OPERATIONS) {
      const transaction = new TableTransaction();
      for (const rowKey of others.slice(start, start + MAX_TRANSACTION_OPERATIONS)) transaction.deleteEntity(instanceId, rowKey);
      await table.submitTransaction(transaction.actions);
    }
    if (rowKeys.includes(STATUS_ROW)) await this.deleteRows(instanceId, [STATUS_ROW]);
  }

  private async deleteRows(instanceId: string, rowKeys: string[]): Promise<void> {
    const table = await this.table();
    for (const rowKey of rowKeys) {
      try {
        await table.deleteEntity(instanceId, rowKey);
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
  }

  private async submit(instanceId: string, actions: TransactionAction[]): Promise<boolean> {
    try {
      await (await this.table()).submitTransaction(actions);
      return true;
    } catch (error) {
      // 412: the status etag changed; 409: a history chunk exists; 404: an inbox entity is gone.
      if (isStatus(error, 412) || isStatus(error, 409) || isStatus(error, 404)) return false;
      throw error;
    }
  }
}

function toRecord(entity: Record<string, unknown>): InstanceRecord {
  return {
    instanceId: entity.partitionKey as string,
    name: entity.name as string,
    runtimeStatus: entity.runtimeStatus as InstanceRuntimeStatus,
    input: unpackText(entity, "input") || undefined,
    output: unpackText(entity, "output") || undefined,
    customStatus: unpackText(entity, "customStatus") || undefined,
    createdTime: entity.createdTime as string,
    lastUpdatedTime: entity.lastUpdatedTime as string,
    historyChunks: Number(entity.historyChunks ?? 0),
    etag: entity.etag as string,
  };
}

/** Orders strings by UTF-16 code units, the order of Table Storage row keys. */
function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function historyRowKey(index: number): string {
  return `${HISTORY_PREFIX}${String(index).padStart(8, "0")}`;
}

/** Splits events into JSON arrays that each fit one chunk entity. */
function splitIntoChunks(events: HistoryEvent[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let length = 2;
  for (const item of events) {
    const text = JSON.stringify(item);
    if (text.length + 2 > MAX_CHUNK_CHARS) {
      throw new Error(`A history event of ${text.length} characters exceeds the chunk limit of ${MAX_CHUNK_CHARS}.`);
    }
    if (current.length > 0 && length + text.length + 1 > MAX_CHUNK_CHARS) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      length = 2;
    }
    current.push(text);
    length += text.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}
