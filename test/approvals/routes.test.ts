import { HttpRequest, InvocationContext } from "@azure/functions";
import { readSettings } from "../../src/config/settings";
import { Services, setServices } from "../../src/app/services";
import { silentLogger } from "../../src/app/logger";
import { approvalsRoutes } from "../../src/approvals/routes";
import { requestApproval } from "../../src/approvals/request";
import { signApprovalToken } from "../../src/approvals/token";
import { approvalStore } from "../../src/storage/approvals";
import { safeKey } from "../../src/storage/keys";
import { plannedAction } from "../../src/tools/plan";
import { INCIDENT_ORCHESTRATOR } from "../../src/workflow/names";
import type { Incident } from "../../src/intake/incident";
import type { Handler } from "../../src/handlers/handler";
import { RecordingPort } from "../support/recordingPort";
import { testTables } from "../support/storage";
import { azureIncident, handler as makeHandler, SITE_ID } from "./support";

const KEY = "routes-test-signing-key-0123456789abcdef";
const BASE = "https://agent.example.com";
const route = approvalsRoutes[0];
const quietContext = () => new InvocationContext({ logHandler: () => undefined });

describe("approval routes", () => {
  let services: Services;
  let port: RecordingPort;
  let counter = 0;

  beforeAll(() => {
    port = new RecordingPort();
    services = new Services(readSettings({ APPROVAL_SIGNING_KEY: KEY, PUBLIC_BASE_URL: BASE }), () => port, { tables: testTables("apr") });
    setServices(services);
  });

  afterAll(() => setServices(undefined));

  /** Stores a new incident with a running orchestration and a pending approval; returns its token. */
  async function pendingApproval(options: { handler?: Partial<Handler>; incident?: Partial<Incident>; description?: string } = {}) {
    counter++;
    const incident = azureIncident({ key: `azure-monitor-route-${counter}`, ...options.incident });
    await services.incidents.create(incident);
    await services.threads.append(incident.key, {
      id: "evidence-probe",
      author: "agent",
      kind: "evidence",
      text: "probe: success",
      data: { id: "probe", collector: "probe", status: "success", summary: "GET /health answered 503.", attempted: {}, startedAt: "", durationMs: 1 },
    });
    await port.start(INCIDENT_ORCHESTRATOR, safeKey(incident.key), { incidentKey: incident.key });
    const rule = makeHandler({ notify: undefined, ...options.handler });
    const action = { ...plannedAction("act", "appService.restart", { resourceId: SITE_ID }, "The app answers 503."), ...(options.description ? { description: options.description } : {}) };
    const request = await requestApproval(services, incident, rule, action, silentLogger);
    const token = request.link!.split("/").pop()!;
    return { incident, action, request, token };
  }

  function get(token: string, headers: Record<string, string> = {}) {
    const request = new HttpRequest({ method: "GET", url: `${BASE}/api/approvals/${token}`, headers, params: { token } });
    return route.handler(request, quietContext());
  }

  function post(token: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const request = new HttpRequest({
      method: "POST",
      url: `${BASE}/api/approvals/${token}`,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: { string: new URLSearchParams(fields).toString() },
      params: { token },
    });
    return route.handler(request, quietContext());
  }

  async function csrfOf(token: string): Promise<string> {
    const page = String((await get(token)).body);
    const match = /name="csrf" value="([^"]+)"/.exec(page);
    if (!match) throw new Error(`No CSRF field on the page:\n${page}`);
    return match[1];
  }

  test("link is one segment on the public base URL", async () => {
    const { request, token } = await pendingApproval();

    expect(request.link).toBe(`${BASE}/api/approvals/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test("GET shows the action and changes nothing", async () => {
    const { incident, request, token } = await pendingApproval();
    const before = await approvalStore(services).get(incident.key, request.approvalId);

    const response = await get(token);

    expect(response.status).toBe(200);
    const page = String(response.body);
    expect(page).toContain("Restart App Service app");
    expect(page).toContain("GET /health answered 503.");
    expect(page).toContain(incident.title);
    expect(page).toMatch(/name="decision" value="approve"/);
    expect(page).toMatch(/name="name"/);
    expect(response.headers).toMatchObject({ "referrer-policy": "no-referrer", "cache-control": "no-store" });
    const after = await approvalStore(services).get(incident.key, request.approvalId);
    expect(after?.etag).toBe(before?.etag);
    expect(port.events.filter((event) => event.instanceId === safeKey(incident.key))).toHaveLength(0);
  });

  test("GET escapes what the page shows", async () => {
    const { token } = await pendingApproval({ description: `<script>alert(1)</script>`, incident: { title: `<img src=x onerror=alert(2)>` } });

    const page = String((await get(token)).body);

    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  test("approve records who and raises the event", async () => {
    const { incident, request, token } = await pendingApproval();

    const response = await post(token, { decision: "approve", csrf: await csrfOf(token), name: "Ada Lovelace", comment: "go ahead" });

    expect(response.status).toBe(200);
    expect(String(response.body)).toContain("Approved");
    const record = (await approvalStore(services).get(incident.key, request.approvalId))!.record;
    expect(record).toMatchObject({ state: "approved", decidedBy: "Ada Lovelace", comment: "go ahead" });
    const events = port.events.filter((event) => event.instanceId === safeKey(incident.key));
    expect(events).toHaveLength(1);
    expect(events[0].eventName).toBe(`ApprovalDecision-${request.approvalId}`);
    expect(events[0].data).toMatchObject({ decision: "approved", by: "Ada Lovelace", comment: "go ahead" });
  });

  test("reused token gets 409", async () => {
    const { token } = await pendingApproval();
    const csrf = await csrfOf(token);
    await post(token, { decision: "deny", csrf, name: "Ada" });

    const again = await post(token, { decision: "approve", csrf, name: "Grace" });

    expect(again.status).toBe(409);
    expect(String(again.body)).toContain("already denied by Ada");
  });

  test("forged token gets 403 and changes nothing", async () => {
    const { incident, request } = await pendingApproval();
    const forged = signApprovalToken("not-the-signing-key", { incidentKey: incident.key, approvalId: request.approvalId, expiresAt: Math.floor(Date.now() / 1000) + 600, nonce: "x" });

    const shown = await get(forged);
    const posted = await post(forged, { decision: "approve", csrf: "x", name: "Mallory" });

    expect(shown.status).toBe(403);
    expect(posted.status).toBe(403);
    expect(String(posted.body)).toContain("not valid");
    expect((await approvalStore(services).get(incident.key, request.approvalId))!.record.state).toBe("pending");
  });

  test("token for another nonce is not found", async () => {
    const { incident, request } = await pendingApproval();
    const stale = signApprovalToken(KEY, { incidentKey: incident.key, approvalId: request.approvalId, expiresAt: Math.floor(Date.now() / 1000) + 600, nonce: "old-nonce" });

    expect((await get(stale)).status).toBe(404);
  });

  test("expired token gets 410", async () => {
    const { incident, request } = await pendingApproval();
    const record = (await approvalStore(services).get(incident.key, request.approvalId))!.record;
    const past = new Date(Date.now() - 60_000);
    await approvalStore(services).create({ ...record, approvalId: "expired-one", requestedAt: new Date(past.getTime() - 60_000).toISOString(), expiresAt: past.toISOString() });
    const token = signApprovalToken(KEY, { incidentKey: incident.key, approvalId: "expired-one", expiresAt: Math.ceil(past.getTime() / 1000), nonce: record.nonce });

    const shown = await get(token);
    const posted = await post(token, { decision: "approve", csrf: "x", name: "Ada" });

    expect(shown.status).toBe(410);
    expect(posted.status).toBe(410);
    expect(String(posted.body)).toContain("expired");
    expect((await approvalStore(services).get(incident.key, "expired-one"))!.record.state).toBe("pending");
  });

  test("missing CSRF token gets 403", async () => {
    const { token } = await pendingApproval();

    const response = await post(token, { decision: "approve", name: "Ada" });

    expect(response.status).toBe(403);
  });

  test("finished orchestration gets window closed", async () => {
    const { incident, request, token } = await pendingApproval();
    const csrf = await csrfOf(token);
    port.finish(safeKey(incident.key));

    const response = await post(token, { decision: "approve", csrf, name: "Ada" });

    expect(response.status).toBe(409);
    expect(String(response.body)).toContain("Approval window closed");
    expect((await approvalStore(services).get(incident.key, request.approvalId))!.record.state).toBe("pending");
  });

  test("App Service identity is checked against approvers", async () => {
    const { incident, request, token } = await pendingApproval({ handler: { approval: { timeoutMinutes: 30, approvers: ["oncall@example.com"], onTimeout: "escalate" } } });
    const csrf = await csrfOf(token);
    const principal = (email: string) =>
      Buffer.from(JSON.stringify({ auth_typ: "aad", name_typ: "name", claims: [{ typ: "preferred_username", val: email }, { typ: "name", val: "On Call" }] })).toString("base64");

    const outsider = await post(token, { decision: "approve", csrf, name: "oncall@example.com" }, { "x-ms-client-principal-name": "mallory@example.com", "x-ms-client-principal": principal("mallory@example.com") });
    const approver = await post(token, { decision: "approve", csrf }, { "x-ms-client-principal": principal("OnCall@Example.com") });

    expect(outsider.status).toBe(403);
    expect(approver.status).toBe(200);
    expect((await approvalStore(services).get(incident.key, request.approvalId))!.record.decidedBy).toBe("OnCall@Example.com");
  });

  test("sign-in required refuses a typed name", async () => {
    const { incident, request, token } = await pendingApproval();
    const csrf = await csrfOf(token);
    setServices(new Services(readSettings({ APPROVAL_SIGNING_KEY: KEY, PUBLIC_BASE_URL: BASE, WEBSITE_SITE_NAME: "agent-app" }), () => port, { tables: services.tables }));

    try {
      const typed = await post(token, { decision: "approve", csrf, name: "someone@example.com" });
      const signedIn = await post(token, { decision: "approve", csrf }, { "x-ms-client-principal-name": "oncall@example.com" });

      expect(typed.status).toBe(401);
      expect(String(typed.body)).toContain("APPROVAL_REQUIRE_SIGN_IN");
      expect(signedIn.status).toBe(200);
      expect((await approvalStore(services).get(incident.key, request.approvalId))!.record.decidedBy).toBe("oncall@example.com");
    } finally {
      setServices(services);
    }
  });

  test("100 concurrent decisions: exactly one wins", async () => {
    const { incident, request, token } = await pendingApproval();
    const csrf = await csrfOf(token);

    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) => post(token, { decision: index % 2 === 0 ? "approve" : "deny", csrf, name: `person-${index}` })),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(99);
    const events = port.events.filter((event) => event.instanceId === safeKey(incident.key));
    expect(events).toHaveLength(1);
    const record = (await approvalStore(services).get(incident.key, request.approvalId))!.record;
    expect((events[0].data as { by: string }).by).toBe(record.decidedBy);
  });
});
