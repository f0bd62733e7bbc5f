import { randomBytes } from "node:crypto";
import { TableStore } from "../../src/storage/tables";

/** Returns the connection string of the run's Azurite, started by the global setup. */
export function testConnectionString(): string {
  const value = process.env.TEST_STORAGE_CONNECTION_STRING;
  if (!value) throw new Error("TEST_STORAGE_CONNECTION_STRING is not set: run the tests through jest's global setup.");
  return value;
}

/**
 * Returns a table store with a fresh random prefix, so each test starts on empty tables. With
 * `exactPrefix` the label is the prefix, to reopen the tables of an earlier store.
 */
export function testTables(label = "t", options: { exactPrefix?: boolean } = {}): TableStore {
  const prefix = options.exactPrefix ? label : `${label.replace(/[^A-Za-z]/g, "").slice(0, 6) || "t"}${randomBytes(4).toString("hex")}`;
  return new TableStore({ connectionString: testConnectionString(), prefix });
}

/**
 * Returns the settings of a host run as a child process on `tables` and `port`: the run's Azurite,
 * in-memory local storage, and a fixed approval signing key so links survive a restart.
 */
export function childHostEnvironment(tables: TableStore, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AzureWebJobsStorage: testConnectionString(),
    TABLE_PREFIX: tables.prefix,
    PORT: String(port),
    LOCAL_STORAGE_PATH: ":memory:",
    APPROVAL_SIGNING_KEY: "child-host-signing-key-0123456789abcdef",
    ...extra,
  };
}
