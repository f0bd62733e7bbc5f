import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

/** The response of one request with its latency, from the call until the whole body arrived. */
export interface Answer {
  status: number;
  text: string;
  latencyMs: number;
  /** Set when no response arrived (connection refused or reset); `status` is 0 then. */
  error?: string;
}

/**
 * A keep-alive HTTP/1.1 client for one loopback origin, with at most `maxSockets` connections, so
 * the benchmark's concurrency is the number of requests in flight. Plain `node:http` costs the
 * load generator less CPU than fetch, which matters when it shares two cores with the host.
 */
export class LoopbackClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.base = new URL(baseUrl);
    if (this.base.hostname !== "127.0.0.1") throw new Error(`The benchmark client talks only to 127.0.0.1, not ${this.base.hostname}.`);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  post(path: string, body: Buffer | string, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send("POST", path, body, { "content-type": "application/json", ...headers });
  }

  get(path: string): Promise<Answer> {
    return this.send("GET", path, undefined, {});
  }

  close(): void {
    this.agent.destroy();
  }

  private send(method: string, path: string, body: Buffer | string | undefined, headers: Record<string, string>): Promise<Answer> {
    const started = performance.now();
    return new Promise<Answer>((resolve) => {
      const outgoing = request(
        {
          host: "127.0.0.1",
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) },
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
          incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), latencyMs: performance.now() - started }));
          incoming.on("error", (error) => resolve({ status: 0, text: "", latencyMs: performance.now() - started, error: error.message }));
        },
      );
      outgoing.on("error", (error) => resolve({ status: 0, text: "", latencyMs: performance.now() - started, error: error.message }));
      outgoing.end(body);
    });
  }
}

/** Runs `work` over `items` with at most `concurrency` calls in flight; results keep the input order. */
export async function runConcurrently<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
