import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { readSettings } from "../../src/config/settings";
import { Services, setServices } from "../../src/app/services";
import { incidentListPage } from "../../src/web/incidentList";
import { threadPage } from "../../src/web/threadPage";
import { takeOverIncident } from "../../src/web/takeover";
import { CSRF_COOKIE } from "../../src/web/csrf";
import { testTables } from "../support/storage";
import { RecordingPort } from "./fakePort";
import { sampleIncident, sampleThread, seedIncident } from "./fixtures";

const BASE = "http://127.0.0.1:7071/api/ui/incidents";

function quiet(): InvocationContext {
  return new InvocationContext({ logHandler: () => undefined });
}

describe("web page handlers", () => {
  const port = new RecordingPort();
  const services = new Services(readSettings({}), () => port, { tables: testTables("web") });
  const incident = sampleIncident();
  const older = sampleIncident({ key: "pagerduty-q1older", source: "pagerduty", title: "Older P1", priority: "P1", status: "resolved", createdAt: "2026-03-01T08:00:00.000Z" });

  beforeAll(async () => {
    setServices(services);
    await seedIncident(services.incidents, services.threads, incident, sampleThread());
    await seedIncident(services.incidents, services.threads, older, []);
  });

  afterAll(() => setServices(undefined));

  function get(url: string, headers: Record<string, string> = {}, params: Record<string, string> = {}) {
    return new HttpRequest({ method: "GET", url, headers, params });
  }

  function bodyOf(response: HttpResponseInit): string {
    return String(response.body);
  }

  test("list shows incidents newest first", async () => {
    const response = await incidentListPage(get(BASE), quiet());
    const body = bodyOf(response);

    expect(response.status).toBe(200);
    expect(body.indexOf(incident.title)).toBeGreaterThan(-1);
    expect(body.indexOf(incident.title)).toBeLessThan(body.indexOf("Older P1"));
    expect((response.headers as Record<string, string>)["content-security-policy"]).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
  });

  test("list filters by status and priority", async () => {
    const response = await incidentListPage(get(`${BASE}?status=resolved&priority=P1`), quiet());
    const body = bodyOf(response);

    expect(body).toContain("Older P1");
    expect(body).not.toContain(incident.title);
    expect(body).toMatch(/<option value="resolved" selected>/);
  });

  test("list rejects an unknown status", async () => {
    const response = await incidentListPage(get(`${BASE}?status=bogus`), quiet());

    expect(response.status).toBe(400);
    expect(bodyOf(response)).toContain("bogus");
  });

  test("list rows view is a fragment", async () => {
    const response = await incidentListPage(get(`${BASE}?view=rows`), quiet());

    expect(bodyOf(response).startsWith("<tr")).toBe(true);
    expect(bodyOf(response)).not.toContain("<html");
  });

  test("thread page sets a CSRF cookie and renders the timeline", async () => {
    const response = await threadPage(get(`${BASE}/${incident.key}`, {}, { incidentKey: incident.key }), quiet());
    const body = bodyOf(response);
    const cookie = (response.headers as Record<string, string>)["set-cookie"];

    expect(response.status).toBe(200);
    expect(cookie).toMatch(new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]{43}; Path=/api/ui; HttpOnly; SameSite=Lax$`));
    expect(body).toContain(`value="${/=([^;]+)/.exec(cookie)![1]}"`);
    expect(body).toContain('id="evidence-metrics-1"');
    expect(body).toContain("https://portal.azure.com/#resource");
    expect(body).not.toContain("javascript:");
  });

  test("thread page is 404 for an unknown key", async () => {
    const response = await threadPage(get(`${BASE}/nope`, {}, { incidentKey: "nope" }), quiet());

    expect(response.status).toBe(404);
  });

  test("thread page shows the signed-in user instead of a name field", async () => {
    const response = await threadPage(
      get(`${BASE}/${incident.key}`, { "x-ms-client-principal-name": "ada@example.com" }, { incidentKey: incident.key }),
      quiet(),
    );

    expect(bodyOf(response)).toContain("Signed in as <strong>ada@example.com</strong>");
    expect(bodyOf(response)).not.toContain('name="name"');
  });

  describe("takeover", () => {
    const token = "a".repeat(43);

    function post(key: string, form: Record<string, string>, headers: Record<string, string> = {}) {
      return new HttpRequest({
        method: "POST",
        url: `${BASE}/${key}/takeover`,
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        params: { incidentKey: key },
        body: { string: new URLSearchParams(form).toString() },
      });
    }

    test("is refused without the CSRF cookie", async () => {
      const response = await takeOverIncident(post(incident.key, { csrf: token, name: "Mallory" }), quiet());

      expect(response.status).toBe(403);
      expect((await services.incidents.get(incident.key))?.incident.takenOverBy).toBeUndefined();
    });

    test("is refused when the field does not match the cookie", async () => {
      const response = await takeOverIncident(post(incident.key, { csrf: "b".repeat(43), name: "Mallory" }, { cookie: `${CSRF_COOKIE}=${token}` }), quiet());

      expect(response.status).toBe(403);
    });

    test("needs a name without App Service authentication", async () => {
      const response = await takeOverIncident(post(incident.key, { csrf: token, name: "  " }, { cookie: `${CSRF_COOKIE}=${token}` }), quiet());

      expect(response.status).toBe(400);
    });

    test("records who, appends to the thread and raises the event", async () => {
      const response = await takeOverIncident(
        post(incident.key, { csrf: token, name: "Grace" }, { cookie: `other=1; ${CSRF_COOKIE}=${token}` }),
        quiet(),
      );

      expect(response.status).toBe(303);
      expect((response.headers as Record<string, string>).location).toBe(`/api/ui/incidents/${incident.key}`);
      expect((await services.incidents.get(incident.key))?.incident.takenOverBy).toBe("Grace");
      const messages = await services.threads.list(incident.key);
      const takeover = messages.find((message) => message.kind === "takeover");
      expect(takeover?.author).toBe("human");
      expect(takeover?.data).toMatchObject({ by: "Grace" });
      expect(port.events).toEqual([{ instanceId: incident.key, eventName: "Takeover", data: { by: "Grace" } }]);
    });

    test("a second takeover changes nothing", async () => {
      const response = await takeOverIncident(
        post(incident.key, { csrf: token }, { cookie: `${CSRF_COOKIE}=${token}`, "x-ms-client-principal-name": "linus@example.com" }),
        quiet(),
      );

      expect(response.status).toBe(303);
      expect((await services.incidents.get(incident.key))?.incident.takenOverBy).toBe("Grace");
      expect(port.events).toHaveLength(1);
    });

    test("prefers the App Service identity over the form", async () => {
      const response = await takeOverIncident(
        post(older.key, { csrf: token, name: "Someone else" }, { cookie: `${CSRF_COOKIE}=${token}`, "x-ms-client-principal-name": "linus@example.com" }),
        quiet(),
      );

      expect(response.status).toBe(303);
      expect((await services.incidents.get(older.key))?.incident.takenOverBy).toBe("linus@example.com");
    });

    test("is 404 for an unknown incident", async () => {
      const response = await takeOverIncident(post("nope", { csrf: token, name: "Grace" }, { cookie: `${CSRF_COOKIE}=${token}` }), quiet());

      expect(response.status).toBe(404);
    });
  });
});
