import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { setServices, type Services } from "../../src/app/services";
import { handlersRoutes } from "../../src/handlers/routes";
import { handlerStore } from "../../src/handlers/store";
import { defaultTools } from "../../src/tools/catalog";
import { handlerTestServices } from "./services";

function route(name: string) {
  const found = handlersRoutes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`No route ${name}.`);
  return found;
}

async function call(
  method: "GET" | "PUT" | "DELETE",
  name: string | undefined,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<HttpResponseInit & { headers: Record<string, string>; jsonBody: any }> {
  const routeName = name === undefined ? "listHandlers" : { GET: "getHandler", PUT: "putHandler", DELETE: "deleteHandler" }[method];
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const request = new HttpRequest({
    method,
    url: `http://127.0.0.1/api/handlers${name === undefined ? "" : `/${encodeURIComponent(name)}`}`,
    headers: options.headers ?? {},
    params: name === undefined ? {} : { name },
    body: body === undefined ? undefined : { string: body },
  });
  const response = await route(routeName).handler(request, new InvocationContext({ logHandler: () => undefined }));
  return response as HttpResponseInit & { headers: Record<string, string>; jsonBody: any };
}

describe("handlers API", () => {
  let services: Services;

  beforeEach(() => {
    services = handlerTestServices("hapi");
    setServices(services);
  });

  afterAll(() => setServices(undefined));

  test("routes are admin endpoints", () => {
    expect(handlersRoutes.map((entry) => [entry.name, entry.methods, entry.route, entry.authLevel])).toEqual([
      ["listHandlers", ["GET"], "handlers", "admin"],
      ["getHandler", ["GET"], "handlers/{name}", "admin"],
      ["putHandler", ["PUT"], "handlers/{name}", "admin"],
      ["deleteHandler", ["DELETE"], "handlers/{name}", "admin"],
    ]);
  });

  test("PUT creates and GET returns it with its etag", async () => {
    const config = { autonomy: "autonomous", match: { priorities: ["P5"] } };

    const created = await call("PUT", "p5-auto", { body: config });
    const read = await call("GET", "p5-auto");

    expect(created.status).toBe(201);
    expect(created.headers.location).toBe("/api/handlers/p5-auto");
    expect(created.headers.etag).toMatch(/^W\/"/);
    expect(created.jsonBody).toEqual(config);
    expect(read.status).toBe(200);
    expect(read.jsonBody).toEqual(config);
    expect(read.headers.etag).toBe(created.headers.etag);
  });

  test("PUT without If-Match replaces", async () => {
    const first = await call("PUT", "h", { body: { autonomy: "reader" } });

    const second = await call("PUT", "h", { body: { autonomy: "reader", order: 7 } });

    expect(second.status).toBe(200);
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect((await call("GET", "h")).jsonBody).toEqual({ autonomy: "reader", order: 7 });
  });

  test("PUT with the current etag replaces", async () => {
    const first = await call("PUT", "h", { body: { autonomy: "reader" } });

    const second = await call("PUT", "h", { body: { autonomy: "reader", order: 8 }, headers: { "if-match": first.headers.etag } });

    expect(second.status).toBe(200);
    expect((await call("GET", "h")).jsonBody).toEqual({ autonomy: "reader", order: 8 });
  });

  test("PUT with a stale etag is rejected with 412", async () => {
    const first = await call("PUT", "h", { body: { autonomy: "reader" } });
    await call("PUT", "h", { body: { autonomy: "reader", order: 2 }, headers: { "if-match": first.headers.etag } });

    const stale = await call("PUT", "h", { body: { autonomy: "autonomous" }, headers: { "if-match": first.headers.etag } });

    expect(stale.status).toBe(412);
    expect(stale.jsonBody.error.message).toContain("send that ETag in If-Match");
    expect((await call("GET", "h")).jsonBody).toEqual({ autonomy: "reader", order: 2 });
  });

  test("If-Match without the weak prefix still matches", async () => {
    const first = await call("PUT", "h", { body: { autonomy: "reader" } });
    const strong = first.headers.etag.replace(/^W\//, "");

    const second = await call("PUT", "h", { body: { autonomy: "reader", order: 3 }, headers: { "if-match": strong } });

    expect(second.status).toBe(200);
  });

  test("If-Match on a missing handler is rejected with 412", async () => {
    const response = await call("PUT", "missing", { body: { autonomy: "reader" }, headers: { "if-match": "*" } });

    expect(response.status).toBe(412);
    expect(await handlerStore(services).get("missing")).toBeUndefined();
  });

  test("If-None-Match * creates only", async () => {
    const created = await call("PUT", "h", { body: { autonomy: "reader" }, headers: { "if-none-match": "*" } });
    const again = await call("PUT", "h", { body: { autonomy: "autonomous" }, headers: { "if-none-match": "*" } });

    expect(created.status).toBe(201);
    expect(again.status).toBe(412);
    expect((await call("GET", "h")).jsonBody).toEqual({ autonomy: "reader" });
  });

  test("If-None-Match with an etag is a bad request", async () => {
    const response = await call("PUT", "h", { body: { autonomy: "reader" }, headers: { "if-none-match": '"abc"' } });

    expect(response.status).toBe(400);
  });

  test("DELETE removes the handler", async () => {
    await call("PUT", "h", { body: { autonomy: "reader" } });

    const deleted = await call("DELETE", "h");
    const read = await call("GET", "h");
    const again = await call("DELETE", "h");

    expect(deleted.status).toBe(204);
    expect(read.status).toBe(404);
    expect(again.status).toBe(404);
  });

  test("DELETE with a stale etag is rejected with 412", async () => {
    const first = await call("PUT", "h", { body: { autonomy: "reader" } });
    await call("PUT", "h", { body: { autonomy: "reader", order: 4 } });

    const stale = await call("DELETE", "h", { headers: { "if-match": first.headers.etag } });

    expect(stale.status).toBe(412);
    expect((await call("GET", "h")).status).toBe(200);
  });

  test("DELETE with the current etag removes the handler", async () => {
    const created = await call("PUT", "h", { body: { autonomy: "reader" } });

    const deleted = await call("DELETE", "h", { headers: { "if-match": created.headers.etag } });

    expect(deleted.status).toBe(204);
  });

  test("invalid body lists every violation with its pointer", async () => {
    const response = await call("PUT", "bad", {
      body: {
        autonomy: "boss",
        tools: ["logs.query", "shell.exec"],
        match: { priorities: ["P0"], titleRegex: "([a-z]+)*$", severity: ["Sev1"] },
      },
    });

    expect(response.status).toBe(400);
    expect(response.jsonBody.error.message).toBe("Handler bad is invalid: 5 violations. docs/handlers.md describes every property.");
    const byPointer = Object.fromEntries(response.jsonBody.error.violations.map((violation: any) => [violation.pointer, violation.message]));
    expect(byPointer["/autonomy"]).toBe('"boss" is not a known autonomy level; use one of reader, autonomous');
    expect(byPointer["/tools/1"]).toContain('"shell.exec" is not a known tool; use one of logs.query');
    expect(byPointer["/match/priorities/0"]).toBe('"P0" is not a known priority; use one of P1, P2, P3, P4, P5');
    expect(byPointer["/match/titleRegex"]).toContain("exponential time");
    expect(byPointer["/match/severity"]).toContain("did you mean severities?");
    expect(await handlerStore(services).get("bad")).toBeUndefined();
  });

  test("invalid regex is a bad request", async () => {
    const response = await call("PUT", "bad", { body: { autonomy: "reader", match: { titleRegex: "[unclosed" } } });

    expect(response.status).toBe(400);
    expect(response.jsonBody.error.violations).toEqual([
      { pointer: "/match/titleRegex", message: expect.stringContaining("is not a valid regular expression") },
    ]);
  });

  test("missing autonomy is a bad request", async () => {
    const response = await call("PUT", "bad", { body: { order: 1 } });

    expect(response.status).toBe(400);
    expect(response.jsonBody.error.violations).toEqual([{ pointer: "/autonomy", message: "is required; use one of reader, autonomous" }]);
  });

  test("body that is not JSON is a bad request", async () => {
    const response = await call("PUT", "bad", { rawBody: "{autonomy: reader}" });

    expect(response.status).toBe(400);
    expect(response.jsonBody.error.message).toMatch(/^The request body is not valid JSON/);
  });

  test("empty body is a bad request", async () => {
    const response = await call("PUT", "bad", { rawBody: "" });

    expect(response.status).toBe(400);
    expect(response.jsonBody.error.message).toContain("The request body is empty");
  });

  test.each([["has space"], ["a.b"], ["x".repeat(65)]])("invalid name %j is a bad request", async (name) => {
    const put = await call("PUT", name, { body: { autonomy: "reader" } });
    const get = await call("GET", name);
    const del = await call("DELETE", name);

    expect([put.status, get.status, del.status]).toEqual([400, 400, 400]);
    expect(put.jsonBody.error.message).toContain("use 1 to 64 letters, digits, '-' or '_'");
  });

  test("GET list shows effective handlers in order and flags invalid stored ones", async () => {
    await call("PUT", "late", { body: { autonomy: "reader", order: 900 } });
    await call("PUT", "early", { body: { autonomy: "autonomous", order: 5, tools: [] } });
    await handlerStore(services).put("broken", { autonomy: "sometimes" }, { origin: "api" });

    const response = await call("GET", undefined);

    expect(response.status).toBe(200);
    const handlers = response.jsonBody.handlers;
    expect(handlers.map((entry: any) => entry.name)).toEqual(["early", "broken", "late"]);
    expect(handlers[0].effective.tools).toEqual([]);
    expect(handlers[0].origin).toBe("api");
    expect(handlers[2].effective.tools).toEqual(defaultTools("reader"));
    expect(handlers[2].effective.approval.timeoutMinutes).toBe(30);
    expect(handlers[1].effective).toBeUndefined();
    expect(handlers[1].violations[0].pointer).toBe("/autonomy");
  });
});
