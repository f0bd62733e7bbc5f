import { TableClient, TableServiceClient, type TableEntity } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";

/** Location of the tables and the prefix of their names. */
export interface TableStoreOptions {
  connectionString?: string;
  /** Table service URL for identity-based access, with `credential`. */
  tableServiceUri?: string;
  credential?: TokenCredential;
  /** Prefix for every table name; letters and digits only. */
  prefix: string;
}

/**
 * One `TableClient` per table for the app's lifetime. Each table is created on first use; a table
 * that already exists (409) counts as created.
 */
export class TableStore {
  private readonly clients = new Map<string, Promise<TableClient>>();

  constructor(private readonly options: TableStoreOptions) {
    if (!options.connectionString && !(options.tableServiceUri && options.credential)) {
      throw new Error("Table storage needs a connection string, or a table service URL with a credential.");
    }
  }

  get prefix(): string {
    return this.options.prefix;
  }

  /** Returns the client for `name` (without the prefix), creating the table if needed. */
  table(name: string): Promise<TableClient> {
    const fullName = `${this.options.prefix}${name}`;
    let client = this.clients.get(fullName);
    if (!client) {
      client = this.createClient(fullName);
      this.clients.set(fullName, client);
      client.catch(() => this.clients.delete(fullName));
    }
    return client;
  }

  /** Returns a service client, for listing or deleting tables. */
  service(): TableServiceClient {
    if (this.options.connectionString) {
      return TableServiceClient.fromConnectionString(this.options.connectionString, { allowInsecureConnection: true });
    }
    return new TableServiceClient(this.options.tableServiceUri!, this.options.credential!);
  }

  private async createClient(fullName: string): Promise<TableClient> {
    const client = this.options.connectionString
      ? TableClient.fromConnectionString(this.options.connectionString, fullName, { allowInsecureConnection: true })
      : new TableClient(this.options.tableServiceUri!, fullName, this.options.credential!);
    try {
      await client.createTable();
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    return client;
  }
}

/** True when `error` is a REST error with the given HTTP status. */
export function isStatus(error: unknown, status: number): boolean {
  return error instanceof RestError ? error.statusCode === status : (error as { statusCode?: number })?.statusCode === status;
}

/**
 * True for failures that a retry may fix: the storage service could not be reached, timed out, or
 * returned 5xx or 429. Intake answers 503 for these so that senders retry.
 */
export function isTransientStorageError(error: unknown): boolean {
  const status = (error as { statusCode?: number })?.statusCode;
  if (typeof status === "number") return status >= 500 || status === 408 || status === 429;
  const code = (error as { code?: string })?.code;
  return (
    code === "ECONNREFUSED" ||
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "EPIPE" ||
    code === "REQUEST_SEND_ERROR" ||
    (error instanceof Error && /ECONNREFUSED|ECONNRESET|socket hang up|timed? ?out/i.test(error.message))
  );
}

/** Largest string property written: Table Storage allows 64 KiB per property, 32K UTF-16 units. */
export const MAX_PROPERTY_CHARS = 30_000;

/**
 * Splits `value` over properties `name`, `name_1`, `name_2`, ... so that no property exceeds the
 * Table Storage limit, and records the count in `name_parts`. Text beyond `maxParts` properties is
 * cut and marked, so an entity stays under the 1 MiB entity limit.
 */
export function packText(entity: TableEntity, name: string, value: string, maxParts = 8): boolean {
  let truncated = false;
  let text = value;
  const limit = MAX_PROPERTY_CHARS * maxParts;
  if (text.length > limit) {
    text = text.slice(0, limit - 40) + `…[cut: ${value.length - limit + 40} characters]`;
    truncated = true;
  }
  const parts = Math.max(1, Math.ceil(text.length / MAX_PROPERTY_CHARS));
  for (let index = 0; index < parts; index++) {
    const property = index === 0 ? name : `${name}_${index}`;
    entity[property] = text.slice(index * MAX_PROPERTY_CHARS, (index + 1) * MAX_PROPERTY_CHARS);
  }
  entity[`${name}_parts`] = parts;
  return truncated;
}

/** Reads text written by `packText`. */
export function unpackText(entity: Record<string, unknown>, name: string): string | undefined {
  const first = entity[name];
  if (typeof first !== "string") return undefined;
  const parts = typeof entity[`${name}_parts`] === "number" ? (entity[`${name}_parts`] as number) : 1;
  let text = first;
  for (let index = 1; index < parts; index++) {
    const part = entity[`${name}_${index}`];
    if (typeof part === "string") text += part;
  }
  return text;
}
