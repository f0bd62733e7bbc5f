/**
 * Application settings, read once from the environment into a typed object.
 *
 * A setting is required only by the feature that uses it: a missing one turns that feature off
 * (see `featureNotices`), and only a malformed value stops start-up with a `SettingsError`.
 * Orchestrators never read settings; what they need travels in their input.
 */

export class SettingsError extends Error {
  override name = "SettingsError";
}

export type Priority = "P1" | "P2" | "P3" | "P4" | "P5";

export interface Settings {
  /** Storage connection string (`AzureWebJobsStorage`), or undefined when identity-based settings are used. */
  storageConnectionString?: string;
  /** Storage account name for identity-based access (`AzureWebJobsStorage__accountName`). */
  storageAccountName?: string;
  /** Table service URL for identity-based access (`AzureWebJobsStorage__tableServiceUri`). */
  storageTableServiceUri?: string;
  /** Prefix for every table name, so several deployments or test files can share one account. */
  tablePrefix: string;
  /** Durable task hub name (`DURABLE_TASK_HUB`). */
  taskHub: string;

  /** Base URL that people reach the app on; approval links are built on it. */
  publicBaseUrl: string;

  /** Local host port (`PORT`). */
  port: number;
  /** Folder for the local host's Azurite data, or `:memory:` (`LOCAL_STORAGE_PATH`). */
  localStoragePath: string;

  intakeMaxBodyBytes: number;
  azureMonitorWebhookToken?: string;

  pagerDuty: {
    webhookSecret?: string;
    allowUnsigned: boolean;
    apiKey?: string;
    fromEmail?: string;
    agentUserId?: string;
    apiUrl: string;
    urgencyPriority: { high: Priority; low: Priority };
  };

  approvals: {
    /** Secret for signing approval tokens; undefined means the host must create one. */
    signingKey?: string;
    defaultTimeoutMinutes: number;
    /**
     * Decisions need an App Service authentication identity; a typed name is refused. On by
     * default in Azure (where `WEBSITE_SITE_NAME` is set), off on the local host.
     */
    requireSignIn: boolean;
  };

  /** Global switch: `false` turns every write into a recommendation. */
  agentWritesEnabled: boolean;

  /** Path of a JSON file with handler declarations (`HANDLERS_FILE`). */
  handlersFile?: string;

  azure: {
    /**
     * Kind of Azure credential to build: `managed-identity` (with `clientId` for a user-assigned
     * identity), `default` (DefaultAzureCredential chain), or undefined for none.
     */
    credential?: "managed-identity" | "default";
    clientId?: string;
    /** ARM endpoint, overridable so tests reach an HTTPS loopback fake. */
    armEndpoint: string;
    /** Log Analytics query endpoint, overridable for tests. */
    logsEndpoint: string;
    /** Default Log Analytics workspace id (GUID) for log evidence. */
    logAnalyticsWorkspaceId?: string;
  };

  llm: {
    /** `azure-openai`, `openai-compatible`, or undefined for the rule-based analyst only. */
    provider?: "azure-openai" | "openai-compatible";
    azureEndpoint?: string;
    azureDeployment?: string;
    azureApiVersion: string;
    apiKey?: string;
    baseUrl?: string;
    model?: string;
    promptTokenBudget: number;
  };

  /** Orchestration episodes and activities the local host runs at once (`LOCAL_DURABLE_CONCURRENCY`). */
  localDurableConcurrency: number;
  collectorTimeoutSeconds: number;
  verifyDelayMinutes: number;
  retentionDays: number;
}

type Env = Record<string, string | undefined>;

const PRIORITIES: Priority[] = ["P1", "P2", "P3", "P4", "P5"];

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = text(env, name);
  if (value === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new SettingsError(`Setting ${name} is invalid: "${value}". Use true or false.`);
}

function positiveNumber(env: Env, name: string, fallback: number, options: { integer?: boolean } = {}): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || (options.integer && !Number.isInteger(parsed))) {
    const kind = options.integer ? "a positive whole number" : "a positive number";
    throw new SettingsError(`Setting ${name} is invalid: "${value}". Use ${kind}.`);
  }
  return parsed;
}

function url(env: Env, name: string, fallback?: string): string | undefined {
  const value = text(env, name) ?? fallback;
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new SettingsError(`Setting ${name} is invalid: "${value}" is not an absolute URL.`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SettingsError(`Setting ${name} is invalid: "${value}". Use an http or https URL.`);
  }
  return value.replace(/\/+$/, "");
}

function priority(env: Env, name: string, fallback: Priority): Priority {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const upper = value.toUpperCase() as Priority;
  if (!PRIORITIES.includes(upper)) {
    throw new SettingsError(`Setting ${name} is invalid: "${value}". Use one of ${PRIORITIES.join(", ")}.`);
  }
  return upper;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads every setting from `env`; throws `SettingsError` naming the first malformed one. */
export function readSettings(env: Env = process.env): Settings {
  const port = positiveNumber(env, "PORT", 7071, { integer: true });

  const pagerDutyApiKey = text(env, "PAGERDUTY_API_KEY");
  const fromEmail = text(env, "PAGERDUTY_FROM_EMAIL");
  if (pagerDutyApiKey !== undefined && (fromEmail === undefined || !EMAIL.test(fromEmail))) {
    throw new SettingsError(
      `Setting PAGERDUTY_FROM_EMAIL is ${fromEmail === undefined ? "missing" : `invalid: "${fromEmail}"`}. ` +
        "PagerDuty requires the email of a user on the account in the From header of every write; " +
        "set it to the agent's PagerDuty user email, or remove PAGERDUTY_API_KEY.",
    );
  }

  const credential = text(env, "AZURE_CREDENTIAL");
  if (credential !== undefined && credential !== "managed-identity" && credential !== "default") {
    throw new SettingsError(`Setting AZURE_CREDENTIAL is invalid: "${credential}". Use managed-identity or default.`);
  }
  const clientId = text(env, "AZURE_CLIENT_ID");

  const llmProvider = text(env, "LLM_PROVIDER");
  const azureOpenAiEndpoint = url(env, "AZURE_OPENAI_ENDPOINT");
  const openAiBaseUrl = url(env, "OPENAI_BASE_URL");
  let provider: Settings["llm"]["provider"];
  if (llmProvider !== undefined) {
    if (llmProvider !== "azure-openai" && llmProvider !== "openai-compatible") {
      throw new SettingsError(`Setting LLM_PROVIDER is invalid: "${llmProvider}". Use azure-openai or openai-compatible.`);
    }
    provider = llmProvider;
  } else if (azureOpenAiEndpoint !== undefined) {
    provider = "azure-openai";
  } else if (openAiBaseUrl !== undefined) {
    provider = "openai-compatible";
  }

  return {
    storageConnectionString: text(env, "AzureWebJobsStorage"),
    storageAccountName: text(env, "AzureWebJobsStorage__accountName"),
    storageTableServiceUri: url(env, "AzureWebJobsStorage__tableServiceUri"),
    tablePrefix: (text(env, "TABLE_PREFIX") ?? "sre").replace(/[^A-Za-z0-9]/g, ""),
    taskHub: text(env, "DURABLE_TASK_HUB") ?? "sreagent",
    publicBaseUrl: url(env, "PUBLIC_BASE_URL") ?? `http://127.0.0.1:${port}`,
    port,
    localStoragePath: text(env, "LOCAL_STORAGE_PATH") ?? ".local/storage",
    intakeMaxBodyBytes: positiveNumber(env, "INTAKE_MAX_BODY_BYTES", 512 * 1024, { integer: true }),
    azureMonitorWebhookToken: text(env, "AZURE_MONITOR_WEBHOOK_TOKEN"),
    pagerDuty: {
      webhookSecret: text(env, "PAGERDUTY_WEBHOOK_SECRET"),
      allowUnsigned: bool(env, "PAGERDUTY_ALLOW_UNSIGNED", false),
      apiKey: pagerDutyApiKey,
      fromEmail,
      agentUserId: text(env, "PAGERDUTY_AGENT_USER_ID"),
      apiUrl: url(env, "PAGERDUTY_API_URL", "https://api.pagerduty.com")!,
      urgencyPriority: {
        high: priority(env, "PAGERDUTY_HIGH_URGENCY_PRIORITY", "P3"),
        low: priority(env, "PAGERDUTY_LOW_URGENCY_PRIORITY", "P5"),
      },
    },
    approvals: {
      signingKey: text(env, "APPROVAL_SIGNING_KEY"),
      defaultTimeoutMinutes: positiveNumber(env, "APPROVAL_TIMEOUT_MINUTES", 30),
      requireSignIn: bool(env, "APPROVAL_REQUIRE_SIGN_IN", text(env, "WEBSITE_SITE_NAME") !== undefined),
    },
    agentWritesEnabled: bool(env, "AGENT_WRITES_ENABLED", true),
    handlersFile: text(env, "HANDLERS_FILE"),
    azure: {
      credential: credential ?? (clientId !== undefined ? "managed-identity" : undefined),
      clientId,
      armEndpoint: url(env, "AZURE_ARM_ENDPOINT", "https://management.azure.com")!,
      logsEndpoint: url(env, "AZURE_LOGS_ENDPOINT", "https://api.loganalytics.io")!,
      logAnalyticsWorkspaceId: text(env, "LOG_ANALYTICS_WORKSPACE_ID"),
    },
    llm: {
      provider,
      azureEndpoint: azureOpenAiEndpoint,
      azureDeployment: text(env, "AZURE_OPENAI_DEPLOYMENT"),
      azureApiVersion: text(env, "AZURE_OPENAI_API_VERSION") ?? "2024-10-21",
      apiKey: text(env, "OPENAI_API_KEY") ?? text(env, "AZURE_OPENAI_API_KEY"),
      baseUrl: openAiBaseUrl,
      model: text(env, "OPENAI_MODEL"),
      promptTokenBudget: positiveNumber(env, "LLM_PROMPT_TOKEN_BUDGET", 6000, { integer: true }),
    },
    localDurableConcurrency: positiveNumber(env, "LOCAL_DURABLE_CONCURRENCY", 4, { integer: true }),
    collectorTimeoutSeconds: positiveNumber(env, "COLLECTOR_TIMEOUT_SECONDS", 20),
    verifyDelayMinutes: positiveNumber(env, "VERIFY_DELAY_MINUTES", 5),
    retentionDays: positiveNumber(env, "RETENTION_DAYS", 90),
  };
}

/** Lists the features that are off because their settings are missing, one sentence each. */
export function featureNotices(settings: Settings): string[] {
  const notices: string[] = [];
  if (!settings.pagerDuty.webhookSecret && !settings.pagerDuty.allowUnsigned) {
    notices.push("PagerDuty intake is off: set PAGERDUTY_WEBHOOK_SECRET to the webhook subscription's secret.");
  }
  if (settings.pagerDuty.allowUnsigned) {
    notices.push("PagerDuty intake accepts unsigned webhooks (PAGERDUTY_ALLOW_UNSIGNED=true); use this for local development only.");
  }
  if (!settings.pagerDuty.apiKey) {
    notices.push("PagerDuty writes are off: set PAGERDUTY_API_KEY and PAGERDUTY_FROM_EMAIL to acknowledge, annotate and resolve incidents.");
  }
  if (!settings.azure.credential) {
    notices.push("Azure collectors and Azure Monitor alert state are off: set AZURE_CLIENT_ID (managed identity) or AZURE_CREDENTIAL.");
  }
  if (!settings.llm.provider) {
    notices.push("The LLM analyst is off: the rule-based analyst decides. Set AZURE_OPENAI_ENDPOINT or OPENAI_BASE_URL to use a model.");
  }
  if (!settings.agentWritesEnabled) {
    notices.push("Agent writes are off (AGENT_WRITES_ENABLED=false): every write becomes a recommendation.");
  }
  return notices;
}

let cached: Settings | undefined;

/** Returns the process-wide settings, read on first use. */
export function getSettings(): Settings {
  cached ??= readSettings();
  return cached;
}

/** Replaces the process-wide settings; for hosts and tests that build them explicitly. */
export function setSettings(settings: Settings | undefined): void {
  cached = settings;
}
