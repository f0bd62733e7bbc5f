import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { randomUUID } from "node:crypto";
import { HttpRequest, HttpResponse, InvocationContext } from "@azure/functions";
import type { HttpRoute } from "../app/http";
import type { Logger } from "../app/logger";
import { Router } from "./router";

/**
 * Largest body the local host buffers. Larger ones are rejected before a handler runs, so a
 * hostile client cannot make it buffer unbounded data. Intake applies its own, smaller limit.
 */
const MAX_BUFFERED_BODY_BYTES = 8 * 1024 * 1024;

export interface LocalServerOptions {
  routes: HttpRoute[];
  logger: Logger;
}

/** Creates the local host's HTTP server: the same handlers as the Functions registrations, under `/api`. */
export function createLocalServer(options: LocalServerOptions): Server {
  const router = new Router(options.routes);
  return createServer((incoming, outgoing) => {
    handle(router, options.logger, incoming, outgoing).catch((error) => {
      options.logger.error("Local host failed to serve a request.", { path: incoming.url, error: (error as Error).message });
      if (!outgoing.headersSent) {
        outgoing.writeHead(500, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ error: { status: 500, message: "Internal error in the local host." } }));
      } else {
        outgoing.destroy();
      }
    });
  });
}

async function handle(router: Router, logger: Logger, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "127.0.0.1"}`);
  const method = (incoming.method ?? "GET").toUpperCase();
  const match = router.match(method, url.pathname);

  if (match === undefined) return sendError(outgoing, 404, `No route for ${url.pathname}. The API lives under /api; see the README for the routes.`);
  if (match === "invalid-path") return sendError(outgoing, 400, `The path ${url.pathname} is not valid percent-encoding; encode incident keys and names with encodeURIComponent.`);
  if ("allowed" in match) {
    return sendError(outgoing, 405, `Method ${method} is not allowed on ${url.pathname}; use ${match.allowed.join(", ")}.`, { allow: match.allowed.join(", ") });
  }

  const declaredLength = Number(incoming.headers["content-length"] ?? 0);
  if (declaredLength > MAX_BUFFERED_BODY_BYTES) {
    incoming.resume();
    return sendError(outgoing, 413, `Request body of ${declaredLength} bytes is over the local host's limit of ${MAX_BUFFERED_BODY_BYTES} bytes.`, { connection: "close" });
  }
  const body = await readBody(incoming);
  if (body === "too-large") {
    return sendError(outgoing, 413, `Request body is over the local host's limit of ${MAX_BUFFERED_BODY_BYTES} bytes.`, { connection: "close" });
  }

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const request = new HttpRequest({
    method,
    url: url.toString(),
    headers,
    params: match.params,
    body: body.length > 0 || !["GET", "HEAD"].includes(method) ? { bytes: body } : undefined,
  });
  const invocationId = randomUUID();
  const context = new InvocationContext({
    invocationId,
    functionName: match.route.name,
    logHandler: (level, ...args) => {
      if (level === "error" || level === "critical") logger.error(`[${match.route.name}]`, ...args);
      else if (level === "warning") logger.warn(`[${match.route.name}]`, ...args);
      else if (level === "information") logger.log(`[${match.route.name}]`, ...args);
    },
  });

  const init = await match.route.handler(request, context);
  const response = init instanceof HttpResponse ? init : new HttpResponse(init ?? { status: 204 });
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    responseHeaders[name] = value;
  });
  outgoing.writeHead(response.status, responseHeaders);
  if (!response.body || method === "HEAD") {
    outgoing.end();
    return;
  }
  const stream = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
  stream.on("error", () => outgoing.destroy());
  incoming.on("close", () => stream.destroy());
  stream.pipe(outgoing);
}

function readBody(incoming: IncomingMessage): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BUFFERED_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    });
    incoming.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    incoming.on("error", reject);
  });
}

function sendError(outgoing: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  outgoing.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  outgoing.end(JSON.stringify({ error: { status, message } }));
}
