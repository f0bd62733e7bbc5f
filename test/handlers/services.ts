import { Services } from "../../src/app/services";
import { readSettings } from "../../src/config/settings";
import type { TableStore } from "../../src/storage/tables";
import { testConnectionString, testTables } from "../support/storage";

/**
 * Builds services on fresh tables of the run's Azurite, or on `tables` to simulate a restart on
 * the same data. These tests start no orchestrations.
 */
export function handlerTestServices(label: string, env: Record<string, string | undefined> = {}, tables: TableStore = testTables(label)): Services {
  const settings = readSettings({ AzureWebJobsStorage: testConnectionString(), TABLE_PREFIX: tables.prefix, ...env });
  return new Services(
    settings,
    () => {
      throw new Error("These tests start no orchestrations.");
    },
    { tables },
  );
}
