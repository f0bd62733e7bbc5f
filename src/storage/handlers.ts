import type { TableEntity } from "@azure/data-tables";
import { isStatus, packText, unpackText, type TableStore } from "./tables";
import { safeKey } from "./keys";

const TABLE = "handlers";
const PARTITION = "handler";

/** Origin of a stored handler: the HTTP API, the handlers file, or the quickstart handler created at first start. */
export type HandlerOrigin = "api" | "file" | "quickstart";

export interface StoredHandler {
  name: string;
  /** The configuration as written. Readers validate it again, because the schema may have changed since. */
  config: unknown;
  origin: HandlerOrigin;
  /** Table Storage etag; the HTTP API passes it through as the `ETag` header. */
  etag: string;
  updatedAt: string;
}

export interface PutHandlerOptions {
  origin: HandlerOrigin;
  /** Replace only when the stored etag equals this one (`*`: only when the handler exists). */
  ifMatch?: string;
  /** `*`: create only; fail when the handler exists. */
  ifNoneMatch?: "*";
}

/** Thrown when an `ifMatch` or `ifNoneMatch` condition does not hold. */
export class HandlerPreconditionError extends Error {
  override name = "HandlerPreconditionError";
}

/**
 * Handler configurations, one entity per handler in a single partition. Writes use Table Storage
 * etags for optimistic concurrency, so two people editing one handler cannot overwrite each other
 * unnoticed.
 */
export class HandlerStore {
  constructor(private readonly tables: TableStore) {}

  /** Lists every stored handler, by name. */
  async list(): Promise<StoredHandler[]> {
    const client = await this.tables.table(TABLE);
    const handlers: StoredHandler[] = [];
    for await (const entity of client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
    })) {
      handlers.push(fromEntity(entity));
    }
    return handlers.sort(byName);
  }

  /** True when at least one handler is stored. */
  async any(): Promise<boolean> {
    const client = await this.tables.table(TABLE);
    const pages = client
      .listEntities({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'`, select: ["RowKey"] } })
      .byPage({ maxPageSize: 1 });
    for await (const page of pages) {
      if (page.length > 0) return true;
    }
    return false;
  }

  async get(name: string): Promise<StoredHandler | undefined> {
    const client = await this.tables.table(TABLE);
    try {
      return fromEntity(await client.getEntity<Record<string, unknown>>(PARTITION, safeKey(name)));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /**
   * Creates or replaces the handler `name`; returns its new etag and whether it was created.
   * Throws `HandlerPreconditionError` when `ifMatch` names a stale etag or a missing handler, or
   * when `ifNoneMatch` is set and the handler exists.
   */
  async put(name: string, config: unknown, options: PutHandlerOptions, now = new Date()): Promise<{ etag: string; created: boolean }> {
    const client = await this.tables.table(TABLE);
    const entity = toEntity(name, config, options.origin, now);

    if (options.ifMatch !== undefined) {
      try {
        const response = await client.updateEntity(entity, "Replace", { etag: options.ifMatch });
        return { etag: response.etag ?? "", created: false };
      } catch (error) {
        if (isStatus(error, 412)) throw new HandlerPreconditionError(`Handler ${name} has changed since etag ${options.ifMatch} was read.`);
        if (isStatus(error, 404)) throw new HandlerPreconditionError(`Handler ${name} does not exist, so If-Match cannot hold.`);
        throw error;
      }
    }

    try {
      const response = await client.createEntity(entity);
      return { etag: response.etag ?? "", created: true };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      if (options.ifNoneMatch === "*") throw new HandlerPreconditionError(`Handler ${name} already exists.`);
    }

    const response = await client.upsertEntity(entity, "Replace");
    return { etag: response.etag ?? "", created: false };
  }

  /** Creates the handler unless one with its name exists; concurrent callers create it once. */
  async create(name: string, config: unknown, origin: HandlerOrigin, now = new Date()): Promise<"created" | "exists"> {
    try {
      await this.put(name, config, { origin, ifNoneMatch: "*" }, now);
      return "created";
    } catch (error) {
      if (error instanceof HandlerPreconditionError) return "exists";
      throw error;
    }
  }

  /**
   * Deletes the handler; returns false when it did not exist. Throws `HandlerPreconditionError`
   * when `ifMatch` is given and does not equal the stored etag, or the handler is missing.
   */
  async delete(name: string, options: { ifMatch?: string } = {}): Promise<boolean> {
    const client = await this.tables.table(TABLE);
    try {
      await client.deleteEntity(PARTITION, safeKey(name), { etag: options.ifMatch ?? "*" });
      return true;
    } catch (error) {
      if (isStatus(error, 412)) throw new HandlerPreconditionError(`Handler ${name} has changed since etag ${options.ifMatch} was read.`);
      if (!isStatus(error, 404)) throw error;
      if (options.ifMatch !== undefined) throw new HandlerPreconditionError(`Handler ${name} does not exist, so If-Match cannot hold.`);
      return false;
    }
  }
}

/** Orders by name in UTF-16 code unit order, which does not depend on the locale. */
function byName(a: StoredHandler, b: StoredHandler): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

function toEntity(name: string, config: unknown, origin: HandlerOrigin, now: Date): TableEntity {
  const entity: TableEntity = {
    partitionKey: PARTITION,
    rowKey: safeKey(name),
    name,
    origin,
    updatedAt: now.toISOString(),
  };
  if (packText(entity, "config", JSON.stringify(config))) {
    throw new RangeError(`Handler ${name} is too large to store; shorten its lists or instructions.`);
  }
  return entity;
}

function fromEntity(entity: Record<string, unknown>): StoredHandler {
  const json = unpackText(entity, "config");
  if (json === undefined) throw new Error(`Handler entity ${String(entity.rowKey)} has no configuration.`);
  return {
    name: String(entity.name ?? entity.rowKey),
    config: JSON.parse(json) as unknown,
    origin: (entity.origin as HandlerOrigin) ?? "api",
    etag: String(entity.etag),
    updatedAt: String(entity.updatedAt ?? ""),
  };
}
