import { readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

/** The loopback test certificate (PEM), for clients that must trust the HTTPS fakes. */
export const loopbackCertificate = readFileSync(path.join(__dirname, "certs", "loopback.crt"), "utf8");
const loopbackKey = readFileSync(path.join(__dirname, "certs", "loopback.key"), "utf8");

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface RunningFake {
  /** Base URL without a trailing slash, for example `https://127.0.0.1:41234`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a loopback server (HTTPS with the test certificate, or plain HTTP) that records requests. */
export async function startFake(handler: FakeHandler, options: { tls?: boolean } = {}): Promise<RunningFake> {
  const requests: RecordedRequest[] = [];
  const listener = (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const url = new URL(incoming.url ?? "/", "http://fake");
      const recorded: RecordedRequest = {
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      try {
        await handler(recorded, response);
      } catch (error) {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { code: "FakeError", message: (error as Error).message } }));
      }
    });
  };
  const tls = options.tls ?? true;
  const server: Server = tls ? createHttpsServer({ cert: loopbackCertificate, key: loopbackKey }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

/** Delays for fakes that answer slowly; `clear` ends every pending delay, so a closed fake keeps no timer. */
export function createPauses(): { pause(ms: number): Promise<void>; clear(): void } {
  const timers = new Set<NodeJS.Timeout>();
  return {
    pause: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    clear: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
