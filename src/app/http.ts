import type { HttpHandler, HttpMethod, HttpResponseInit } from "@azure/functions";

/**
 * One HTTP endpoint, as both hosts serve it: `src/functions/` registers it with the Functions host
 * and the local host routes to the same handler.
 */
export interface HttpRoute {
  /** Function name in Azure; unique. */
  name: string;
  methods: HttpMethod[];
  /** Route template below the `api` prefix, for example `incidents/{incidentKey}/thread`. */
  route: string;
  /** Functions-level authorization in Azure; the local host enforces none and listens on loopback only. */
  authLevel: "anonymous" | "function" | "admin";
  handler: HttpHandler;
}

/** Builds a JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    jsonBody: body,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  };
}

/** Builds a JSON error response with a message that names the problem and the fix. */
export function problem(status: number, message: string, details?: Record<string, unknown>): HttpResponseInit {
  return json(status, { error: { status, message, ...details } });
}
