import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback PagerDuty REST API v2 for the benchmarks: the incident, notes, alerts, users and
 * priorities endpoints that the agent calls, in PagerDuty's response shapes. It keeps incident
 * state and records when each incident's first acknowledge arrived, on this process's clock.
 */

interface FakeIncident {
  id: string;
  status: "triggered" | "acknowledged" | "resolved";
  notes: Array<{ id: string; content: string; created_at: string }>;
  /** `Date.now()` when the first PUT that acknowledged the incident arrived. */
  acknowledgedAt?: number;
}

export interface BenchPagerDuty {
  url: string;
  apiKey: string;
  fromEmail: string;
  agentUserId: string;
  /** Registers an incident in the triggered state, as PagerDuty has it before it sends the webhook. */
  add(incidentId: string): void;
  acknowledgedAt(incidentId: string): number | undefined;
  /** Counts of requests by `METHOD /first-segment[/sub]`, for the report. */
  requestCounts(): Record<string, number>;
  close(): Promise<void>;
}

export async function startBenchPagerDuty(): Promise<BenchPagerDuty> {
  const apiKey = "bench-pagerduty-key";
  const fromEmail = "sre-agent@example.com";
  const agentUserId = "PBENCH1";
  const incidents = new Map<string, FakeIncident>();
  const counts = new Map<string, number>();
  let noteSequence = 0;

  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
    response.end(text);
  };
  const notFound = (response: ServerResponse) => send(response, 404, { error: { message: "Not Found", code: 2100 } });

  const handle = (request: IncomingMessage, body: string, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const segments = url.pathname.split("/").filter(Boolean);
    const method = request.method ?? "GET";
    const label = `${method} /${segments[0] ?? ""}${segments[2] ? `/${segments[2]}` : ""}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);

    if (request.headers.authorization !== `Token token=${apiKey}`) return send(response, 401, { error: { message: "Unauthorized", code: 2006 } });
    if (segments[0] === "users" && method === "GET") {
      return send(response, 200, { users: [{ id: agentUserId, email: fromEmail, name: "SRE agent" }], more: false });
    }
    if (segments[0] === "priorities" && method === "GET") {
      const priorities = ["P1", "P2", "P3", "P4", "P5"].map((name, index) => ({ id: `PRIO${index + 1}`, name }));
      return send(response, 200, { priorities, more: false });
    }
    if (segments[0] !== "incidents" || !segments[1]) return notFound(response);

    const incident = incidents.get(segments[1]);
    if (!incident) return send(response, 404, { error: { message: "Incident Not Found", code: 5001 } });
    const view = () => ({ id: incident.id, type: "incident", status: incident.status, title: `Incident ${incident.id}`, urgency: "high", priority: null });

    if (segments.length === 2 && method === "GET") return send(response, 200, { incident: view() });
    if (segments.length === 2 && method === "PUT") {
      const change = (JSON.parse(body) as { incident?: { status?: FakeIncident["status"] } }).incident;
      if (change?.status) {
        if (change.status === "acknowledged" && incident.acknowledgedAt === undefined) incident.acknowledgedAt = Date.now();
        incident.status = change.status;
      }
      return send(response, 200, { incident: view() });
    }
    if (segments[2] === "notes" && method === "GET") return send(response, 200, { notes: incident.notes });
    if (segments[2] === "notes" && method === "POST") {
      const content = (JSON.parse(body) as { note?: { content?: string } }).note?.content ?? "";
      const note = { id: `PNOTE${++noteSequence}`, content, created_at: new Date().toISOString() };
      incident.notes.push(note);
      return send(response, 201, { note });
    }
    if (segments[2] === "alerts" && method === "GET") return send(response, 200, { alerts: [], limit: 100, offset: 0, more: false });
    return notFound(response);
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        handle(request, Buffer.concat(chunks).toString("utf8"), response);
      } catch (error) {
        send(response, 500, { error: { message: (error as Error).message } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    fromEmail,
    agentUserId,
    add(incidentId) {
      incidents.set(incidentId, { id: incidentId, status: "triggered", notes: [] });
    },
    acknowledgedAt: (incidentId) => incidents.get(incidentId)?.acknowledgedAt,
    requestCounts: () => Object.fromEntries([...counts.entries()].sort()),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
