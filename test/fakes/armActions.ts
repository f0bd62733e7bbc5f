import type { ServerResponse } from "node:http";
import type { TokenCredential } from "@azure/core-auth";
import { sendJson, startFake, type RecordedRequest, type RunningFake } from "./https";

/**
 * A loopback ARM (HTTPS with the test certificate) for the agent's write actions: Azure Monitor
 * alert state (GET alert, POST changestate), web app restart, App Service plan scale (GET site,
 * GET and PUT plan) and virtual machine restart. Ids compare case-insensitively, as ARM's do.
 * `routes` lets a test answer other paths, or override these, before the built-in handling.
 */

export interface FakeAlert {
  state: "New" | "Acknowledged" | "Closed";
  /** Each state change: the new state and the comment sent with it. */
  changes: Array<{ newState: string; comment?: string; apiVersion: string | null }>;
}

export interface FakeSite {
  serverFarmId: string;
  restarts: number;
}

export interface FakePlan {
  capacity: number;
  puts: number;
}

export type ArmRoute = (request: RecordedRequest, response: ServerResponse) => boolean;

export interface FakeArmActions extends RunningFake {
  alerts: Map<string, FakeAlert>;
  sites: Map<string, FakeSite>;
  plans: Map<string, FakePlan>;
  vms: Map<string, { restarts: number }>;
  /** Extra handlers, tried first; one returns true when it answered. */
  routes: ArmRoute[];
  addAlert(alertId: string, state?: FakeAlert["state"]): FakeAlert;
  addSite(siteId: string, planId: string, capacity?: number): FakeSite;
  addVm(vmId: string): { restarts: number };
  /** The write requests (POST, PUT, PATCH) received. */
  writes(): RecordedRequest[];
}

/** A credential that hands out a fixed token, so nothing contacts a real identity endpoint. */
export const testCredential: TokenCredential = {
  getToken: async () => ({ token: "test-arm-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export async function startFakeArmActions(): Promise<FakeArmActions> {
  const alerts = new Map<string, FakeAlert>();
  const sites = new Map<string, FakeSite>();
  const plans = new Map<string, FakePlan>();
  const vms = new Map<string, { restarts: number }>();
  const routes: ArmRoute[] = [];

  function notFound(response: ServerResponse, path: string): void {
    sendJson(response, 404, { error: { code: "ResourceNotFound", message: `The resource ${path} was not found.` } });
  }

  function handle(request: RecordedRequest, response: ServerResponse): void {
    for (const route of routes) {
      if (route(request, response)) return;
    }
    if (request.headers.authorization !== "Bearer test-arm-token") {
      return sendJson(response, 401, { error: { code: "AuthenticationFailed", message: "Missing or invalid bearer token." } });
    }
    if (!request.query.get("api-version")) {
      return sendJson(response, 400, { error: { code: "MissingApiVersionParameter", message: "The api-version query parameter is required." } });
    }

    const path = request.path.toLowerCase();
    const action = /^(.*)\/(changestate|restart)$/.exec(path);
    const resource = action ? action[1] : path;

    const alert = alerts.get(resource);
    if (alert) {
      if (!action && request.method === "GET") return sendJson(response, 200, alertView(resource, alert));
      if (action?.[2] === "changestate" && request.method === "POST") {
        const newState = request.query.get("newState");
        if (newState !== "New" && newState !== "Acknowledged" && newState !== "Closed") {
          return sendJson(response, 400, { error: { code: "InvalidNewState", message: `newState ${newState} is invalid.` } });
        }
        const comment = request.body ? (JSON.parse(request.body) as { comment?: string }).comment : undefined;
        alert.state = newState;
        alert.changes.push({ newState, comment, apiVersion: request.query.get("api-version") });
        return sendJson(response, 200, alertView(resource, alert));
      }
    }

    const site = sites.get(resource);
    if (site) {
      if (action?.[2] === "restart" && request.method === "POST") {
        site.restarts++;
        response.writeHead(200);
        return void response.end();
      }
      if (!action && request.method === "GET") return sendJson(response, 200, { id: request.path, properties: { serverFarmId: site.serverFarmId } });
    }

    const plan = plans.get(resource);
    if (plan && !action) {
      if (request.method === "GET") return sendJson(response, 200, planView(request.path, plan));
      if (request.method === "PUT") {
        const body = JSON.parse(request.body) as { sku?: { capacity?: number } };
        if (typeof body.sku?.capacity !== "number") {
          return sendJson(response, 400, { error: { code: "InvalidRequestContent", message: "sku.capacity is required." } });
        }
        plan.capacity = body.sku.capacity;
        plan.puts++;
        return sendJson(response, 200, planView(request.path, plan));
      }
    }

    const vm = vms.get(resource);
    if (vm && action?.[2] === "restart" && request.method === "POST") {
      vm.restarts++;
      response.writeHead(202, { location: `${request.path}/operations/restart-${vm.restarts}` });
      return void response.end();
    }

    return notFound(response, request.path);
  }

  const fake = await startFake(handle, { tls: true });
  return {
    ...fake,
    alerts,
    sites,
    plans,
    vms,
    routes,
    addAlert(alertId, state = "New") {
      const alert: FakeAlert = { state, changes: [] };
      alerts.set(alertId.toLowerCase(), alert);
      return alert;
    },
    addSite(siteId, planId, capacity = 1) {
      const site: FakeSite = { serverFarmId: planId, restarts: 0 };
      sites.set(siteId.toLowerCase(), site);
      if (!plans.has(planId.toLowerCase())) plans.set(planId.toLowerCase(), { capacity, puts: 0 });
      return site;
    },
    addVm(vmId) {
      const vm = { restarts: 0 };
      vms.set(vmId.toLowerCase(), vm);
      return vm;
    },
    writes() {
      return fake.requests.filter((request) => request.method !== "GET");
    },
  };
}

function alertView(id: string, alert: FakeAlert) {
  return { id, type: "Microsoft.AlertsManagement/alerts", properties: { essentials: { alertState: alert.state, monitorCondition: "Fired" } } };
}

function planView(id: string, plan: FakePlan) {
  return {
    id,
    location: "westeurope",
    kind: "app",
    sku: { name: "S1", tier: "Standard", size: "S1", family: "S", capacity: plan.capacity },
    properties: { numberOfWorkers: plan.capacity },
  };
}
