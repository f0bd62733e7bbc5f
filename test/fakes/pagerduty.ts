import type { ServerResponse } from "node:http";
import { sendJson, startFake, type RecordedRequest, type RunningFake } from "./https";

/**
 * A loopback PagerDuty REST API v2: incidents (GET, PUT status/priority), notes, alerts, users
 * and priorities, with PagerDuty's headers, status codes and error envelope. It keeps state, so
 * tests assert what the agent changed, and records every request.
 */

export interface FakeNote {
  id: string;
  content: string;
  created_at: string;
  user: { id: string; summary: string };
}

export interface FakeIncident {
  id: string;
  status: "triggered" | "acknowledged" | "resolved";
  title: string;
  urgency: "high" | "low";
  priority: { id: string; type: "priority_reference"; summary: string; name: string } | null;
  notes: FakeNote[];
  alerts: Array<{ id: string; status: string; summary: string; alert_key?: string; body?: unknown }>;
  /** Status changes made through PUT, in order, with `reopened` for an acknowledge after resolve. */
  changes: string[];
  /** The `resolution` text sent with the resolve. */
  resolution?: string;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakePagerDuty extends RunningFake {
  apiKey: string;
  fromEmail: string;
  incidents: Map<string, FakeIncident>;
  users: Array<{ id: string; email: string; name: string }>;
  priorities: Array<{ id: string; name: string; description: string }>;
  addIncident(incident: Partial<FakeIncident> & { id: string }): FakeIncident;
  /** Queues responses that the fake sends, in order, before it handles requests normally again. */
  script(...responses: ScriptedResponse[]): void;
  /** The PUT and POST requests received. */
  writes(): RecordedRequest[];
}

export interface FakePagerDutyOptions {
  apiKey?: string;
  fromEmail?: string;
  /** Response to a PUT `resolved` on a resolved incident: 200 (default) or PagerDuty's error 1001. */
  resolveResolved?: "ok" | "error-1001";
}

export async function startFakePagerDuty(options: FakePagerDutyOptions = {}): Promise<FakePagerDuty> {
  const apiKey = options.apiKey ?? "pd-test-key";
  const fromEmail = options.fromEmail ?? "agent@example.com";
  const incidents = new Map<string, FakeIncident>();
  const users = [{ id: "PAGENT1", email: fromEmail, name: "SRE agent" }];
  const priorities = ["P1", "P2", "P3", "P4", "P5"].map((name, index) => ({ id: `PRIO${index + 1}`, name, description: `${name} priority` }));
  const scripted: ScriptedResponse[] = [];
  let noteCounter = 0;

  function error(response: ServerResponse, status: number, code: number, message: string, errors: string[] = []): void {
    sendJson(response, status, { error: { message, code, errors } });
  }

  function handle(request: RecordedRequest, response: ServerResponse): void {
    const next = scripted.shift();
    if (next) {
      if (next.body === undefined) {
        response.writeHead(next.status, next.headers ?? {});
        response.end();
      } else {
        sendJson(response, next.status, next.body, next.headers);
      }
      return;
    }

    if (request.headers.authorization !== `Token token=${apiKey}`) {
      return error(response, 401, 2006, "Unauthorized");
    }
    if (request.headers.accept !== "application/vnd.pagerduty+json;version=2") {
      return error(response, 406, 2001, "Invalid Input Provided", ["Accept must be application/vnd.pagerduty+json;version=2"]);
    }
    const isWrite = request.method === "PUT" || request.method === "POST";
    if (isWrite && !request.headers.from) {
      return error(response, 400, 2011, "You must specify a requester_id or a From header");
    }
    if (isWrite && request.headers.from !== fromEmail) {
      return error(response, 400, 1008, "Requester User Not Found");
    }
    if (isWrite && !String(request.headers["content-type"] ?? "").startsWith("application/json")) {
      return error(response, 400, 2001, "Invalid Input Provided", ["Content-Type must be application/json"]);
    }

    const segments = request.path.split("/").filter(Boolean);
    if (segments[0] === "priorities" && request.method === "GET") {
      return sendJson(response, 200, { priorities, limit: 100, offset: 0, more: false });
    }
    if (segments[0] === "users" && request.method === "GET") {
      const query = (request.query.get("query") ?? "").toLowerCase();
      return sendJson(response, 200, { users: users.filter((user) => user.email.toLowerCase().includes(query) || user.name.toLowerCase().includes(query)), more: false });
    }
    if (segments[0] !== "incidents" || !segments[1]) {
      return error(response, 404, 2100, "Not Found");
    }

    const incident = incidents.get(segments[1]);
    if (!incident) return error(response, 404, 5001, "Incident Not Found");

    if (segments.length === 2 && request.method === "GET") {
      return sendJson(response, 200, { incident: view(incident) });
    }
    if (segments.length === 2 && request.method === "PUT") {
      return updateIncident(incident, request, response);
    }
    if (segments[2] === "notes" && request.method === "GET") {
      return sendJson(response, 200, { notes: incident.notes });
    }
    if (segments[2] === "notes" && request.method === "POST") {
      const content = (JSON.parse(request.body) as { note?: { content?: string } }).note?.content;
      if (typeof content !== "string" || content === "") return error(response, 400, 2001, "Invalid Input Provided", ["Note content is required"]);
      const note: FakeNote = { id: `PNOTE${++noteCounter}`, content, created_at: new Date().toISOString(), user: { id: "PAGENT1", summary: "SRE agent" } };
      incident.notes.push(note);
      return sendJson(response, 200, { note });
    }
    if (segments[2] === "alerts" && request.method === "GET") {
      return sendJson(response, 200, { alerts: incident.alerts, limit: 100, offset: 0, more: false });
    }
    return error(response, 404, 2100, "Not Found");
  }

  function updateIncident(incident: FakeIncident, request: RecordedRequest, response: ServerResponse): void {
    const body = JSON.parse(request.body) as { incident?: { type?: string; status?: string; resolution?: string; priority?: { id?: string } } };
    const change = body.incident;
    if (!change || (change.type !== "incident_reference" && change.type !== "incident")) {
      return error(response, 400, 2001, "Invalid Input Provided", ["incident.type is required"]);
    }
    if (change.status !== undefined) {
      if (!["triggered", "acknowledged", "resolved"].includes(change.status)) return error(response, 400, 1003, "Invalid Status");
      if (change.status === "resolved" && incident.status === "resolved" && options.resolveResolved === "error-1001") {
        return error(response, 400, 1001, "Incident Already Resolved");
      }
      // PagerDuty reopens a resolved incident that is set to triggered or acknowledged.
      if (incident.status === "resolved" && change.status !== "resolved") incident.changes.push("reopened");
      incident.changes.push(change.status);
      incident.status = change.status as FakeIncident["status"];
      if (change.resolution) incident.resolution = change.resolution;
    }
    if (change.priority !== undefined) {
      const priority = priorities.find((candidate) => candidate.id === change.priority?.id);
      if (!priority) return error(response, 400, 2001, "Invalid Input Provided", ["Priority not found"]);
      incident.priority = { id: priority.id, type: "priority_reference", summary: priority.name, name: priority.name };
      incident.changes.push(`priority:${priority.name}`);
    }
    return sendJson(response, 200, { incident: view(incident) });
  }

  const fake = await startFake(handle, { tls: false });
  return {
    ...fake,
    apiKey,
    fromEmail,
    incidents,
    users,
    priorities,
    addIncident(incident) {
      const full: FakeIncident = {
        status: "triggered",
        title: `Incident ${incident.id}`,
        urgency: "high",
        priority: null,
        notes: [],
        alerts: [],
        changes: [],
        ...incident,
      };
      incidents.set(full.id, full);
      return full;
    },
    script(...responses) {
      scripted.push(...responses);
    },
    writes() {
      return fake.requests.filter((request) => request.method === "PUT" || request.method === "POST");
    },
  };
}

function view(incident: FakeIncident) {
  const { notes: _notes, alerts: _alerts, changes: _changes, ...rest } = incident;
  return { ...rest, type: "incident", html_url: `https://example.pagerduty.com/incidents/${incident.id}` };
}
