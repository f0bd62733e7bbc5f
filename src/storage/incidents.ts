import type { TableEntity } from "@azure/data-tables";
import type { Incident, IncidentStatus, Priority } from "../intake/incident";
import { isStatus, packText, unpackText, type TableStore } from "./tables";
import { safeKey } from "./keys";

const TABLE = "incidents";
const PARTITION = "incident";

export interface StoredIncident {
  incident: Incident;
  etag: string;
}

export interface IncidentQuery {
  status?: IncidentStatus[];
  priority?: Priority[];
  limit?: number;
}

/** Thrown by `update` when the incident does not exist. */
export class IncidentNotFoundError extends Error {
  override name = "IncidentNotFoundError";
}

/**
 * Incident records. `create` is the dedup point of intake: Table Storage rejects a second insert
 * of the same key with 409, so concurrent deliveries of one alert create exactly one record.
 */
export class IncidentStore {
  constructor(private readonly tables: TableStore) {}

  /** Inserts `incident`; returns `exists` when a record with its key is already there. */
  async create(incident: Incident): Promise<"created" | "exists"> {
    const client = await this.tables.table(TABLE);
    try {
      await client.createEntity(toEntity(incident));
      return "created";
    } catch (error) {
      if (isStatus(error, 409)) return "exists";
      throw error;
    }
  }

  async get(key: string): Promise<StoredIncident | undefined> {
    const client = await this.tables.table(TABLE);
    try {
      const entity = await client.getEntity<Record<string, unknown>>(PARTITION, safeKey(key));
      return { incident: fromEntity(entity), etag: entity.etag as string };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * Applies `change` to the stored incident with optimistic concurrency, re-reading and retrying
   * when another writer got there first. `change` may return `undefined` to leave it unchanged.
   */
  async update(key: string, change: (incident: Incident) => Incident | undefined, now = new Date()): Promise<Incident> {
    const client = await this.tables.table(TABLE);
    for (let attempt = 0; attempt < 20; attempt++) {
      const stored = await this.get(key);
      if (!stored) throw new IncidentNotFoundError(`Incident ${key} not found.`);
      const next = change(structuredClone(stored.incident));
      if (!next) return stored.incident;
      next.updatedAt = now.toISOString();
      try {
        await client.updateEntity(toEntity(next), "Replace", { etag: stored.etag });
        return next;
      } catch (error) {
        if (!isStatus(error, 412)) throw error;
      }
    }
    throw new Error(`Incident ${key} changed too often to update; try again.`);
  }

  /** Lists incidents newest first, filtered by status and priority. */
  async list(query: IncidentQuery = {}): Promise<Incident[]> {
    const client = await this.tables.table(TABLE);
    const incidents: Incident[] = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    })) {
      const incident = fromEntity(entity);
      if (query.status && !query.status.includes(incident.status)) continue;
      if (query.priority && !query.priority.includes(incident.priority)) continue;
      incidents.push(incident);
    }
    incidents.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.key.localeCompare(b.key));
    return query.limit ? incidents.slice(0, query.limit) : incidents;
  }

  /** Lists the keys of incidents created before `cutoff`, for retention. */
  async listCreatedBefore(cutoff: Date): Promise<string[]> {
    const client = await this.tables.table(TABLE);
    const keys: string[] = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}' and createdAt lt '${cutoff.toISOString()}'`, select: ["key"] },
    })) {
      keys.push(String(entity.key));
    }
    return keys;
  }

  async delete(key: string): Promise<void> {
    const client = await this.tables.table(TABLE);
    try {
      await client.deleteEntity(PARTITION, safeKey(key));
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
}

function toEntity(incident: Incident): TableEntity {
  const entity: TableEntity = {
    partitionKey: PARTITION,
    rowKey: safeKey(incident.key),
    key: incident.key,
    source: incident.source,
    status: incident.status,
    priority: incident.priority,
    createdAt: incident.createdAt,
  };
  packText(entity, "incident", JSON.stringify(incident), 16);
  return entity;
}

function fromEntity(entity: Record<string, unknown>): Incident {
  const json = unpackText(entity, "incident");
  if (json === undefined) throw new Error(`Incident entity ${String(entity.rowKey)} has no incident data.`);
  return JSON.parse(json) as Incident;
}
