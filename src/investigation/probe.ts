import * as http from "node:http";
import * as https from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import type { SecureContextOptions } from "node:tls";
import type { CollectorContext, CollectorOutcome } from "./collector";
import { armRequest } from "./azure";
import type { ProbeFindings } from "./evidence";
import { addressRejection, bareHostname, hostnameRejection, isAllowedHost, systemResolver, type ResolvedAddress, type Resolver } from "./probeAddress";

/** Bytes of the body the probe reads; the rest is dropped. */
const MAX_BODY_BYTES = 64 * 1024;
const EXCERPT_CHARS = 300;

export interface ProbeOptions {
  /** Time limit of one attempt; the probe makes at most two. */
  attemptTimeoutMs: number;
  /** When set and non-empty, the URL's host must be one of these. */
  allowedHosts?: string[];
  resolve?: Resolver;
  /** Extra TLS options (tests pass the loopback CA). */
  tls?: Pick<SecureContextOptions, "ca">;
  abortSignal?: AbortSignal;
}

interface AttemptResult {
  statusCode?: number;
  latencyMs: number;
  excerpt?: string;
  location?: string;
  error?: string;
  timedOut?: boolean;
}

let probeTls: Pick<SecureContextOptions, "ca"> | undefined;

/** Sets extra TLS options for probes; tests pass the loopback certificate so https fakes can be probed. */
export function setProbeTlsOptions(options: Pick<SecureContextOptions, "ca"> | undefined): void {
  probeTls = options;
}

/** Returns a lookup that resolves every name to the address the probe already checked, so DNS cannot change between check and connect. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  }) as unknown as LookupFunction;
}

function sendGet(url: URL, address: ResolvedAddress, options: ProbeOptions): Promise<AttemptResult> {
  const started = Date.now();
  const client = url.protocol === "https:" ? https : http;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };

    const request = client.request(url, {
      method: "GET",
      agent: false,
      lookup: pinnedLookup(address),
      headers: { accept: "*/*", "user-agent": "sre-incident-agent-probe" },
      signal: options.abortSignal,
      ...(url.protocol === "https:" && options.tls ? options.tls : {}),
    });
    const timer = setTimeout(() => {
      finish({ latencyMs: Date.now() - started, timedOut: true, error: `no answer within ${options.attemptTimeoutMs} ms` });
      request.destroy();
    }, options.attemptTimeoutMs);

    request.on("response", (response) => {
      const latencyMs = Date.now() - started;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish({
          statusCode: response.statusCode,
          latencyMs,
          excerpt: Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT_CHARS),
          location: typeof response.headers.location === "string" ? response.headers.location : undefined,
        });
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) {
          done();
          response.destroy();
        }
      });
      response.on("end", done);
      response.on("error", done);
    });
    request.on("error", (error) => finish({ latencyMs: Date.now() - started, error: error.message }));
    request.end();
  });
}

/** Retries once on no response or a server error, because a single dropped connection should not fail a healthy service. */
function worthRetry(result: AttemptResult): boolean {
  return result.statusCode === undefined || result.statusCode >= 500;
}

/**
 * Probes `rawUrl` with GET under the address rules. Never throws. Rejected URLs (scheme, host,
 * address) return `error` without any request made.
 */
export async function probeUrl(rawUrl: string, source: string, options: ProbeOptions): Promise<CollectorOutcome> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: "error", summary: `The probe URL "${rawUrl}" is not an absolute URL.`, response: { code: "InvalidProbeUrl" } };
  }
  const rejected = (message: string): CollectorOutcome => ({
    status: "error",
    summary: `Not probed: ${message}.`,
    response: { code: "ProbeUrlRejected", message },
  });

  if (url.protocol !== "http:" && url.protocol !== "https:") return rejected(`only http and https URLs are probed, not ${url.protocol}`);
  const hostname = bareHostname(url.hostname);
  if (options.allowedHosts && options.allowedHosts.length > 0 && !isAllowedHost(hostname, options.allowedHosts)) {
    return rejected(`host ${hostname} is not in the handler's probe.allowedHosts`);
  }
  const nameProblem = hostnameRejection(hostname);
  if (nameProblem) return rejected(nameProblem);

  let addresses: ResolvedAddress[];
  if (isIP(hostname) !== 0) {
    addresses = [{ address: hostname, family: isIP(hostname) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? systemResolver)(hostname);
    } catch (error) {
      return { status: "error", summary: `Not probed: ${hostname} did not resolve (${(error as Error).message}).`, response: { code: "ProbeDnsFailed", message: (error as Error).message } };
    }
  }
  if (addresses.length === 0) return { status: "error", summary: `Not probed: ${hostname} resolved to no address.`, response: { code: "ProbeDnsFailed" } };
  for (const entry of addresses) {
    const problem = addressRejection(entry.address);
    if (problem) return rejected(`${hostname} resolves to ${problem}`);
  }

  const target = url.toString();
  let result = await sendGet(url, addresses[0], options);
  let attempts = 1;
  if (worthRetry(result) && !options.abortSignal?.aborted) {
    result = await sendGet(url, addresses[0], options);
    attempts = 2;
  }

  const findings: ProbeFindings = { url: target, source, attempts, latencyMs: result.latencyMs };
  if (result.statusCode === undefined) {
    findings.healthy = false;
    return {
      status: result.timedOut ? "timeout" : "error",
      summary: `GET ${target} failed after ${attempts} attempts: ${result.error ?? "no answer"}.`,
      response: { message: result.error },
      findings: { ...findings },
    };
  }

  findings.statusCode = result.statusCode;
  const status = result.statusCode;
  let verdict: string;
  if (status >= 200 && status < 300) {
    findings.healthy = true;
    verdict = "healthy";
  } else if (status >= 300 && status < 400) {
    verdict = `a redirect to ${result.location ?? "an unnamed location"}, which the probe does not follow`;
  } else {
    findings.healthy = false;
    verdict = "unhealthy";
  }
  return {
    status: "success",
    summary: `GET ${target} answered ${status} in ${result.latencyMs} ms (${verdict}${attempts > 1 ? ", second attempt" : ""}).`,
    response: { status, excerpt: result.excerpt },
    findings: { ...findings },
  };
}

const TAG_API_VERSION = "2021-04-01";

/** Reads the target's `healthProbeUrl` tag through the ARM tags API; undefined when absent or unreadable. */
async function tagProbeUrl(context: CollectorContext): Promise<string | undefined> {
  const credential = context.services.azureCredential;
  const target = context.incident.targets[0];
  if (!credential || !target) return undefined;
  try {
    const response = await armRequest(context.services, credential, {
      method: "GET",
      path: `${target}/providers/Microsoft.Resources/tags/default`,
      apiVersion: TAG_API_VERSION,
      abortSignal: context.abortSignal,
    });
    context.attempt.tagLookup = { resource: target, status: response.status };
    if (response.status !== 200) return undefined;
    const tags = (response.body as { properties?: { tags?: Record<string, unknown> } } | undefined)?.properties?.tags ?? {};
    const entry = Object.entries(tags).find(([name]) => name.toLowerCase() === "healthprobeurl");
    return typeof entry?.[1] === "string" && entry[1].trim() !== "" ? entry[1].trim() : undefined;
  } catch (error) {
    context.attempt.tagLookup = { resource: target, error: (error as Error).message };
    return undefined;
  }
}

/**
 * Probes the incident's health endpoint (the probe collector). The URL comes from, in order: the alert's `healthProbeUrl`, the
 * first target's `healthProbeUrl` tag, the handler's `probe.url`. The handler's `allowedHosts`
 * applies to URLs from the alert and the tag; the handler's own URL is trusted as configured.
 */
export async function collectProbe(context: CollectorContext): Promise<CollectorOutcome> {
  let url = context.incident.healthProbeUrl;
  let source = "alert";
  if (!url) {
    url = await tagProbeUrl(context);
    source = "resource-tag";
  }
  if (!url && context.handler.probe?.url) {
    url = context.handler.probe.url;
    source = "handler";
  }
  if (!url) {
    return {
      status: "not_configured",
      summary: "No health probe URL: set the alert's healthProbeUrl custom property, a healthProbeUrl tag on the target, or the handler's probe.url.",
    };
  }

  context.attempt.url = url;
  context.attempt.source = source;
  return probeUrl(url, source, {
    // Two attempts must fit inside the collector's time limit.
    attemptTimeoutMs: Math.max(500, Math.floor(context.timeoutMs * 0.45)),
    allowedHosts: source === "handler" ? undefined : context.handler.probe?.allowedHosts,
    abortSignal: context.abortSignal,
    tls: probeTls,
  });
}
