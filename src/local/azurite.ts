import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect } from "node:net";
import { mkdirSync } from "node:fs";
import path from "node:path";

/** Azurite's documented development account; it is public and works only against Azurite. */
const DEV_ACCOUNT = "devstoreaccount1";
const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/**
 * Runs Azurite's entry point (the first argument) in a process that exits when its parent is gone,
 * so a host killed with SIGKILL leaves no Azurite behind holding the data folder.
 */
const EXIT_WITH_PARENT = [
  "const parent = process.ppid;",
  "setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 1000).unref();",
  "require(process.argv[1]);",
].join(" ");

export interface AzuriteOptions {
  /** Data folder, or `:memory:` to keep nothing. */
  location: string;
  /** Start blob and queue too (what `func start` needs), or only the table service. */
  services?: "all" | "table";
  /** Print Azurite's own output. */
  verbose?: boolean;
  /** Fixed ports, for example Azurite's defaults 10000–10002; free ports are picked otherwise. */
  ports?: { blob: number; queue: number; table: number };
}

export interface RunningAzurite {
  connectionString: string;
  ports: { blob?: number; queue?: number; table: number };
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Azurite exited with code ${child.exitCode} before it listened on port ${port}.`);
    if (await isListening(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Azurite did not listen on 127.0.0.1:${port} within ${timeoutMs} ms.`);
}

/**
 * Starts Azurite from the project's own dependency on free loopback ports and returns a
 * connection string for it. Azurite runs under the same Node binary as the caller.
 */
export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  const all = (options.services ?? "all") === "all";
  const table = options.ports?.table ?? (await freePort());
  const blob = all ? (options.ports?.blob ?? (await freePort())) : undefined;
  const queue = all ? (options.ports?.queue ?? (await freePort())) : undefined;

  const packageRoot = path.dirname(require.resolve("azurite/package.json"));
  const entry = path.join(packageRoot, "dist", "src", all ? "azurite.js" : path.join("table", "main.js"));
  const args = [entry, "--tableHost", "127.0.0.1", "--tablePort", String(table), "--skipApiVersionCheck", "--loose", "--disableTelemetry"];
  if (all) args.push("--blobHost", "127.0.0.1", "--blobPort", String(blob), "--queueHost", "127.0.0.1", "--queuePort", String(queue));
  if (!options.verbose) args.push("--silent");
  if (options.location === ":memory:") {
    args.push("--inMemoryPersistence");
  } else {
    mkdirSync(options.location, { recursive: true });
    args.push("--location", options.location);
  }

  const child = spawn(process.execPath, ["-e", EXIT_WITH_PARENT, ...args], { stdio: options.verbose ? "inherit" : ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });

  try {
    await waitForPort(table, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message} ${stderr.trim()}`.trim());
  }

  const endpoints = [`TableEndpoint=http://127.0.0.1:${table}/${DEV_ACCOUNT}`];
  if (all) {
    endpoints.push(`BlobEndpoint=http://127.0.0.1:${blob}/${DEV_ACCOUNT}`, `QueueEndpoint=http://127.0.0.1:${queue}/${DEV_ACCOUNT}`);
  }
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};${endpoints.join(";")};`;

  return {
    connectionString,
    ports: { table, blob, queue },
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        // SIGINT: Azurite 3.37's table-only entry saves its data on SIGINT but not on SIGTERM.
        child.kill("SIGINT");
        setTimeout(() => child.kill("SIGKILL"), 5000).unref();
      }),
  };
}
