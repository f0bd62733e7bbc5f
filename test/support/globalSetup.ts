import { startAzurite } from "../../src/local/azurite";

/**
 * Starts one in-memory Azurite for the whole run on free ports. Its connection string reaches the
 * test workers through the environment; each test file isolates its data with its own table prefix
 * (see `testTables`).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_STORAGE_CONNECTION_STRING) return;
  const azurite = await startAzurite({ location: ":memory:", services: "all" });
  process.env.TEST_STORAGE_CONNECTION_STRING = azurite.connectionString;
  process.env.TEST_AZURITE_TABLE_PORT = String(azurite.ports.table);
  (globalThis as { __azurite?: typeof azurite }).__azurite = azurite;
}
