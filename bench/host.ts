import type { Logger } from "../src/app/logger";
import { startLocalHost } from "../src/local/host";

/**
 * The local host in its own process, for the benchmarks: reads its settings as JSON from
 * BENCH_HOST_ENV, writes only errors (one line each, to stderr), and prints `listening <url>` once
 * it serves. SIGTERM stops it cleanly. BENCH_DURABLE_LIMIT=n sets LOCAL_DURABLE_CONCURRENCY, the
 * number of episodes and of activities the local durable runtime runs at once.
 */

/** Error lines written before the logger only counts, so a storm of failures cannot flood the parent. */
const MAX_ERROR_LINES = 200;

function errorLogger(): Logger {
  let written = 0;
  let suppressed = 0;
  const describe = (args: unknown[]) =>
    args
      .map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : typeof arg === "string" ? arg : safeJson(arg)))
      .join(" ")
      .replace(/\s+/g, " ")
      .slice(0, 600);
  process.on("exit", () => {
    if (suppressed > 0) process.stderr.write(`error: ${suppressed} more error lines were not written\n`);
  });
  return {
    log: () => undefined,
    warn: () => undefined,
    error: (...args) => {
      if (written >= MAX_ERROR_LINES) {
        suppressed++;
        return;
      }
      written++;
      process.stderr.write(`error: ${describe(args)}\n`);
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

async function main(): Promise<void> {
  const env = JSON.parse(process.env.BENCH_HOST_ENV ?? "{}") as Record<string, string>;
  if (process.env.BENCH_DURABLE_LIMIT) env.LOCAL_DURABLE_CONCURRENCY = process.env.BENCH_DURABLE_LIMIT;
  const host = await startLocalHost({ env, logger: errorLogger(), port: Number(env.PORT ?? 0) });
  process.stdout.write(`listening ${host.url}\n`);

  process.once("SIGTERM", () => {
    host
      .stop()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  });
}

main().catch((error: Error) => {
  process.stderr.write(`error: the benchmark host failed to start: ${error.message}\n`);
  process.exit(1);
});
