import { Router } from "../../src/local/router";
import type { HttpRoute } from "../../src/app/http";

const handler: HttpRoute["handler"] = async () => ({ status: 204 });
const routes: HttpRoute[] = [
  { name: "list", methods: ["GET"], route: "incidents", authLevel: "function", handler },
  { name: "thread", methods: ["GET"], route: "incidents/{incidentKey}/thread", authLevel: "function", handler },
  { name: "put", methods: ["PUT", "DELETE"], route: "handlers/{name}", authLevel: "admin", handler },
];

describe("Router", () => {
  const router = new Router(routes);

  test("matches a template and decodes parameters", () => {
    const match = router.match("GET", "/api/incidents/azure-monitor-a%2Fb/thread");

    expect(match).toMatchObject({ route: { name: "thread" }, params: { incidentKey: "azure-monitor-a/b" } });
  });

  test("literal segments ignore case and trailing slash", () => {
    expect(router.match("GET", "/API/Incidents/")).toMatchObject({ route: { name: "list" } });
  });

  test("HEAD is served by a GET route", () => {
    expect(router.match("HEAD", "/api/incidents")).toMatchObject({ route: { name: "list" } });
  });

  test("wrong method lists the allowed ones", () => {
    expect(router.match("POST", "/api/handlers/x")).toEqual({ allowed: ["DELETE", "PUT"] });
    expect(router.match("DELETE", "/api/incidents")).toEqual({ allowed: ["GET", "HEAD"] });
  });

  test("malformed percent-encoding is an invalid path", () => {
    expect(router.match("GET", "/api/incidents/%ZZ/thread")).toBe("invalid-path");
  });

  test("unknown paths do not match", () => {
    expect(router.match("GET", "/api/nothing")).toBeUndefined();
    expect(router.match("GET", "/incidents")).toBeUndefined();
  });
});
