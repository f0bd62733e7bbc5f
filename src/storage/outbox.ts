import { createHash } from "node:crypto";
import type { TableEntity } from "@azure/data-tables";
import type { Services } from "../app/services";
import { isStatus, packText, unpackText, type TableStore } from "./tables";
import { safeKey } from "./keys";

/**
 * The outbox of completed platform writes. Activities run at least once, so before a write the
 * executor looks for its row (incident and a hash of the action). When the row exists, it returns
 * the recorded result instead of writing again. After a write that succeeded, it records the row.
 *
 * A crash between the write and the record leaves no row, so the write is repeated: the platform
 * clients make those repeats harmless (a resolved incident stays resolved, a note with the same
 * marker is not posted twice, a plan already at the capacity is not changed).
 */

export interface OutboxEntry {
  /** Hash of the action; unique within the incident. */
  key: string;
  tool: string;
  completedAt: string;
  result: unknown;
}

const TABLE = "outbox";

export class OutboxStore {
  constructor(private readonly tables: TableStore) {}

  async get(incidentKey: string, key: string): Promise<OutboxEntry | undefined> {
    const client = await this.tables.table(TABLE);
    try {
      const entity = await client.getEntity<Record<string, unknown>>(safeKey(incidentKey), key);
      return {
        key,
        tool: String(entity.tool),
        completedAt: String(entity.completedAt),
        result: JSON.parse(unpackText(entity, "result") ?? "null"),
      };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Records a completed write; recording the same key again keeps the first row. */
  async record(incidentKey: string, entry: OutboxEntry): Promise<void> {
    const client = await this.tables.table(TABLE);
    const entity: TableEntity = { partitionKey: safeKey(incidentKey), rowKey: entry.key, tool: entry.tool, completedAt: entry.completedAt };
    packText(entity, "result", JSON.stringify(entry.result ?? null), 4);
    try {
      await client.createEntity(entity);
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
  }

  async delete(incidentKey: string, key: string): Promise<void> {
    const client = await this.tables.table(TABLE);
    try {
      await client.deleteEntity(safeKey(incidentKey), key);
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  /** Deletes every row of `incidentKey`, for retention. */
  async deleteIncident(incidentKey: string): Promise<number> {
    const client = await this.tables.table(TABLE);
    const partition = safeKey(incidentKey).replace(/'/g, "''");
    let deleted = 0;
    for await (const entity of client.listEntities({ queryOptions: { filter: `PartitionKey eq '${partition}'`, select: ["RowKey"] } })) {
      await this.delete(incidentKey, entity.rowKey!);
      deleted++;
    }
    return deleted;
  }
}

/** Returns the outbox key of an action: a hash of its parts (step, tool, arguments), hex. */
export function outboxKey(...parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 40);
}

/** Returns the app's outbox store. */
export function outboxStore(services: Services): OutboxStore {
  return services.memo("storage.outbox", () => new OutboxStore(services.tables));
}
