import type { InvocationContext } from "@azure/functions";
import type { TokenCredential } from "@azure/core-auth";
import type { Settings } from "../config/settings";
import { getSettings } from "../config/settings";
import { TableStore } from "../storage/tables";
import { IncidentStore } from "../storage/incidents";
import { ThreadStore } from "../storage/threads";
import type { OrchestrationPort } from "../workflow/port";
import { buildAzureCredential } from "./credential";

/**
 * The app's long-lived clients, built once per process. Modules that need a client of their own
 * create it through `memo`, so one instance serves the app's lifetime and tests can replace the
 * whole set with `setServices`.
 */
export class Services {
  readonly tables: TableStore;
  readonly incidents: IncidentStore;
  readonly threads: ThreadStore;
  /** The Azure credential, or undefined when no Azure setting asks for one. */
  readonly azureCredential?: TokenCredential;
  private readonly memos = new Map<string, unknown>();

  constructor(
    readonly settings: Settings,
    /** Returns the orchestration port for an invocation: the durable client in Azure, the local runtime locally. */
    private readonly portFactory: (context: InvocationContext) => OrchestrationPort,
    options: { tables?: TableStore; azureCredential?: TokenCredential } = {},
  ) {
    this.azureCredential = options.azureCredential ?? buildAzureCredential(settings);
    this.tables = options.tables ?? createTableStore(settings, this.azureCredential);
    this.incidents = new IncidentStore(this.tables);
    this.threads = new ThreadStore(this.tables);
  }

  orchestrations(context: InvocationContext): OrchestrationPort {
    return this.portFactory(context);
  }

  /** Returns the value stored under `key`, creating it with `create` on first use. */
  memo<T>(key: string, create: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, create());
    return this.memos.get(key) as T;
  }
}

function createTableStore(settings: Settings, credential: TokenCredential | undefined): TableStore {
  if (settings.storageConnectionString) {
    return new TableStore({ connectionString: settings.storageConnectionString, prefix: settings.tablePrefix });
  }
  const tableServiceUri =
    settings.storageTableServiceUri ??
    (settings.storageAccountName ? `https://${settings.storageAccountName}.table.core.windows.net` : undefined);
  if (!tableServiceUri || !credential) {
    throw new Error(
      "Storage is not configured: set AzureWebJobsStorage to a connection string, or AzureWebJobsStorage__accountName with AZURE_CLIENT_ID for a managed identity.",
    );
  }
  return new TableStore({ tableServiceUri, credential, prefix: settings.tablePrefix });
}

let current: Services | undefined;
let defaultPortFactory: ((context: InvocationContext) => OrchestrationPort) | undefined;

/** Sets how `getServices` reaches orchestrations when it builds the services itself (the Functions host). */
export function setDefaultPortFactory(factory: (context: InvocationContext) => OrchestrationPort): void {
  defaultPortFactory = factory;
}

/** Returns the process-wide services, building them from the settings on first use. */
export function getServices(): Services {
  if (!current) {
    if (!defaultPortFactory) throw new Error("No orchestration port is configured: the host must call setServices or setDefaultPortFactory first.");
    current = new Services(getSettings(), defaultPortFactory);
  }
  return current;
}

/** Replaces the process-wide services; hosts and tests call this. */
export function setServices(services: Services | undefined): void {
  current = services;
}
