import { startFake, type RecordedRequest, type RunningFake } from "../../fakes/https";

/** A response the proxy sends instead of forwarding, or after forwarding (`afterForward`). */
export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Forward the request first, so the upstream applies it, then send this response instead of the upstream's. */
  afterForward?: boolean;
}

/** One request that reached the proxy, with what the proxy did with it and when. */
export interface ProxyExchange {
  request: RecordedRequest;
  /** The status the client received. */
  status: number;
  /** Whether the upstream saw the request. */
  forwarded: boolean;
  /** `Date.now()` when the request arrived. */
  at: number;
}

export interface FaultyProxy extends RunningFake {
  exchanges: ProxyExchange[];
}

/**
 * Starts a loopback HTTP proxy in front of `upstreamUrl` that responds to some requests with scripted
 * faults. `plan` returns the faults for a request, by its method, path and body: the first
 * arrival of that request gets the first fault, the next arrival the second, and so on; once the
 * faults run out the request is forwarded unchanged.
 */
export async function startFaultyProxy(upstreamUrl: string, plan: (request: RecordedRequest) => Fault[]): Promise<FaultyProxy> {
  const arrivals = new Map<string, number>();
  const exchanges: ProxyExchange[] = [];

  const forward = async (request: RecordedRequest) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || ["host", "connection", "content-length"].includes(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const query = request.query.toString();
    const response = await fetch(`${upstreamUrl}${request.path}${query ? `?${query}` : ""}`, {
      method: request.method,
      headers,
      body: request.method === "GET" || request.method === "HEAD" ? undefined : request.body,
    });
    return { status: response.status, contentType: response.headers.get("content-type") ?? "application/json", text: await response.text() };
  };

  const fake = await startFake(async (request, response) => {
    const at = Date.now();
    const key = `${request.method} ${request.path} ${request.body}`;
    const arrival = arrivals.get(key) ?? 0;
    arrivals.set(key, arrival + 1);
    const fault = plan(request)[arrival];

    if (fault && !fault.afterForward) {
      exchanges.push({ request, status: fault.status, forwarded: false, at });
      response.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      response.end(JSON.stringify(fault.body ?? { error: { message: "Scripted fault", code: 2000 + fault.status } }));
      return;
    }

    const upstream = await forward(request);
    if (fault?.afterForward) {
      exchanges.push({ request, status: fault.status, forwarded: true, at });
      response.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      response.end(JSON.stringify(fault.body ?? { error: { message: "Scripted fault after the upstream applied the request", code: 2000 + fault.status } }));
      return;
    }
    exchanges.push({ request, status: upstream.status, forwarded: true, at });
    response.writeHead(upstream.status, { "content-type": upstream.contentType });
    response.end(upstream.text);
  }, { tls: false });

  return { ...fake, exchanges };
}
