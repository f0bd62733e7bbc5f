import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineRetryOptions,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import { MonitorClient } from "@azure/arm-monitor";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { Services } from "../app/services";

/**
 * The Azure clients of the investigation, one per service (and per subscription for the monitor
 * client) for the app's lifetime, through `services.memo`. The write tools reuse `armRequest`.
 */

let tlsOptions: TlsSettings | undefined;

/**
 * Sets the TLS options of every Azure client created after the call. Tests pass the loopback test
 * certificate as `ca`, because the SDK's bearer-token policy refuses plain http, so the fakes serve
 * https. Production leaves it unset and trusts the system CAs.
 */
export function setAzureTlsOptions(options: TlsSettings | undefined): void {
  tlsOptions = options;
}

/**
 * One retry with a short delay: collectors run under a time limit of their own and the activity
 * that runs them has its own retry, so the SDK's default of three retries with backoff would only
 * use up that limit.
 */
const RETRY_OPTIONS: PipelineRetryOptions = { maxRetries: 1, retryDelayInMs: 500, maxRetryDelayInMs: 2000 };

/** Pipeline options every Azure client of the app gets: TLS (tests only) and the retry policy. */
export function azureClientOptions(): { tlsOptions?: TlsSettings; retryOptions: PipelineRetryOptions } {
  return { ...(tlsOptions ? { tlsOptions } : {}), retryOptions: RETRY_OPTIONS };
}

/** Returns the token scope for ARM. A loopback endpoint (tests) gets the public-cloud scope. */
export function armScope(armEndpoint: string): string {
  const url = new URL(armEndpoint);
  return url.hostname.startsWith("management.") ? `${url.origin}/.default` : "https://management.azure.com/.default";
}

/** Returns the Log Analytics token scope for `logsEndpoint`; a loopback endpoint gets the public-cloud scope. */
export function logsScope(logsEndpoint: string): string {
  const url = new URL(logsEndpoint);
  return url.hostname.startsWith("api.loganalytics.") ? `${url.origin}/.default` : "https://api.loganalytics.io/.default";
}

/** Returns the Logs query client, built once. */
export function logsQueryClient(services: Services, credential: TokenCredential): LogsQueryClient {
  return services.memo("investigation.logsQueryClient", () => {
    const base = services.settings.azure.logsEndpoint;
    // monitor-query-logs 1.0.0 uses `endpoint` as the full base URL, API version included.
    return new LogsQueryClient(credential, {
      endpoint: `${base}/v1`,
      credentials: { scopes: [logsScope(base)] },
      ...azureClientOptions(),
    });
  });
}

/** Returns the ARM monitor client for `subscriptionId`, built once per subscription. */
export function monitorClient(services: Services, credential: TokenCredential, subscriptionId: string): MonitorClient {
  return services.memo(`investigation.monitorClient.${subscriptionId.toLowerCase()}`, () => {
    const endpoint = services.settings.azure.armEndpoint;
    return new MonitorClient(credential, subscriptionId, {
      endpoint,
      credentials: { scopes: [armScope(endpoint)] },
      ...azureClientOptions(),
    });
  });
}

interface ArmTransport {
  pipeline: Pipeline;
  httpClient: HttpClient;
}

function armTransport(services: Services, credential: TokenCredential): ArmTransport {
  return services.memo("investigation.armTransport", () => {
    const pipeline = createPipelineFromOptions(azureClientOptions());
    pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: armScope(services.settings.azure.armEndpoint) }));
    return { pipeline, httpClient: createDefaultHttpClient() };
  });
}

export interface ArmRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the ARM endpoint, starting with `/`, without the query string. */
  path: string;
  apiVersion: string;
  query?: Record<string, string>;
  body?: unknown;
  abortSignal?: AbortSignal;
}

export interface ArmResponse {
  status: number;
  /** Parsed JSON body, or the text when it is not JSON, or undefined when empty. */
  body: unknown;
  headers: Record<string, string>;
}

/**
 * Sends one ARM request through the shared pipeline (bearer token, retry, TLS options). Returns any
 * HTTP status without throwing; throws only when no response arrived (network error, abort).
 */
export async function armRequest(services: Services, credential: TokenCredential, request: ArmRequest): Promise<ArmResponse> {
  const { pipeline, httpClient } = armTransport(services, credential);
  const url = new URL(services.settings.azure.armEndpoint + request.path);
  url.searchParams.set("api-version", request.apiVersion);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);

  const headers = createHttpHeaders({ accept: "application/json" });
  if (request.body !== undefined) headers.set("content-type", "application/json");
  const pipelineRequest = createPipelineRequest({
    url: url.toString(),
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    abortSignal: request.abortSignal,
  });
  const response = await pipeline.sendRequest(httpClient, pipelineRequest);

  let body: unknown = response.bodyAsText ?? undefined;
  if (typeof body === "string" && body.length > 0) {
    try {
      body = JSON.parse(body);
    } catch {
      // Not JSON: keep the text for the error message.
    }
  } else {
    body = undefined;
  }
  return { status: response.status, body, headers: response.headers.toJSON() };
}

/** Reads ARM's error body `{ error: { code, message } }`. */
export function armError(body: unknown): { code?: string; message?: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (!error || typeof error !== "object") return typeof body === "string" ? { message: body.slice(0, 300) } : {};
  return {
    code: typeof error.code === "string" ? error.code : undefined,
    message: typeof error.message === "string" ? error.message : undefined,
  };
}
