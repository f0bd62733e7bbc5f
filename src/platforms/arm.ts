import type { Services } from "../app/services";
import { armError, armRequest } from "../investigation/azure";

/**
 * Azure Resource Manager calls of the agent's write actions. They go through the investigation's
 * shared ARM pipeline (`armRequest`: bearer token from the app's credential, the SDK's retry, and
 * TLS options that tests set with `setAzureTlsOptions`), and turn every non-2xx response into an
 * `ArmError`.
 */

export interface ArmCallOptions {
  apiVersion: string;
  query?: Record<string, string>;
  body?: unknown;
}

/** ARM as the platform functions use it; any 2xx resolves, anything else rejects with `ArmError`. */
export interface Arm {
  request<T = unknown>(method: "GET" | "POST" | "PUT" | "PATCH", path: string, options: ArmCallOptions): Promise<{ status: number; body: T }>;
}

/** A non-2xx response from ARM, with the code and message of ARM's error envelope. */
export class ArmError extends Error {
  override name = "ArmError";

  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Returns ARM for the app, or undefined when no Azure credential is configured (Azure writes are
 * off then).
 */
export function armFor(services: Services): Arm | undefined {
  const credential = services.azureCredential;
  if (!credential) return undefined;
  return {
    async request<T>(method: "GET" | "POST" | "PUT" | "PATCH", path: string, options: ArmCallOptions) {
      const response = await armRequest(services, credential, { method, path, ...options });
      if (response.status >= 200 && response.status < 300) return { status: response.status, body: response.body as T };
      const error = armError(response.body);
      const detail = error.message ? `: ${error.code ?? "error"}: ${error.message}` : "";
      throw new ArmError(`ARM ${method} ${path} returned HTTP ${response.status}${detail}`, response.status, error.code);
    },
  };
}

const RESOURCE_ID = /^\/subscriptions\/[^/?#\s]+\/resourcegroups\/[^/?#\s]+\/providers\/([^/?#\s]+\/[^/?#\s]+)\/[^/?#\s]+$/i;

/**
 * Checks that `resourceId` is a plain ARM id of one of `types` (`Microsoft.Web/sites`), so nothing
 * in it can smuggle another path or a query into the request URL. Returns an error message, or
 * undefined when the id is fine.
 */
export function resourceIdProblem(resourceId: string, ...types: string[]): string | undefined {
  const match = RESOURCE_ID.exec(resourceId);
  if (!match || resourceId.includes("..") || /%/.test(resourceId)) {
    return `"${resourceId}" is not an ARM resource id of the form /subscriptions/{id}/resourceGroups/{group}/providers/${types[0]}/{name}.`;
  }
  if (!types.some((type) => type.toLowerCase() === match[1].toLowerCase())) {
    return `"${resourceId}" is a ${match[1]} resource; this action needs ${types.join(" or ")}.`;
  }
  return undefined;
}
