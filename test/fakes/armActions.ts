import type { ServerResponse } from "node:http";
import type { TokenCredential } from "@azure/core-auth";
import { sendJson, startFake, type RecordedRequest, type RunningFake } from "./https";
import type { ArmFake } from "./arm";

/**
 * A loopback ARM (HTTPS with the test certificate) for the agent's write actions: Azure Monitor
 * alert state (GET alert, POST changestate), web app restart, App Service plan scale (GET site,
 * GET and PUT plan) and virtual machine restart. Ids compare case-insensitively, as ARM's do.
 * `routes` lets a test respond to other paths, or override these, before the built-in handling.
 * `installArmActions` adds the same actions to the investigation's ARM fake instead.
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

export interface FakeArmActions extends RunningFake, Omit<ArmActions, "handle"> {
  /** Extra handlers, tried first. A handler returns true when it sent the response. */
  routes: ArmRoute[];
  /** The write requests (POST, PUT, PATCH) received. */
  writes(): RecordedRequest[];
}

/** A credential that hands out a fixed token, so nothing contacts a real identity endpoint. */
export const testCredential: TokenCredential = {
  getToken: async () => ({ token: "test-arm-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** The write-action state and its request handler, shared by the standalone fake and `installArmActions`. */
export interface ArmActions {
  alerts: Map<string, FakeAlert>;
  sites: Map<string, FakeSite>;
  plans: Map<string, FakePlan>;
  vms: Map<string, { restarts: number }>;
  addAlert(alertId: string, state?: FakeAlert["state"]): FakeAlert;
  addSite(siteId: string, planId: string, capacity?: number): FakeSite;
  addVm(vmId: string): { restarts: number };
  /** Responds to a write-action request. Returns false when the path matches no known resource. */
  handle(request: RecordedRequest, response: ServerResponse): boolean;
}

export function createArmActions(): ArmActions {
  const alerts = new Map<string, FakeAlert>();
  const sites = new Map<string, FakeSite>();
  const plans = new Map<string, FakePlan>();
  const vms = new Map<string, { restarts: number }>();

  function handle(request: RecordedRequest, response: ServerResponse): boolean {
    const path = request.path.toLowerCase();
    const action = /^(.*)\/(changestate|restart)$/.exec(path);
    const resource = action ? action[1] : path;

    const alert = alerts.get(resource);
    if (alert) {
      if (!action && request.method === "GET") return answer(response, 200, alertView(resource, alert));
      if (action?.[2] === "changestate" && request.method === "POST") {
        const newState = request.query.get("newState");
        if (newState !== "New" && newState !== "Acknowledged" && newState !== "Closed") {
          return answer(response, 400, { error: { code: "InvalidNewState", message: `newState ${newState} is invalid.` } });
        }
        const comment = request.body ? (JSON.parse(request.body) as { comment?: string }).comment : undefined;
        alert.state = newState;
        alert.changes.push({ newState, comment, apiVersion: request.query.get("api-version") });
        return answer(response, 200, alertView(resource, alert));
      }
    }

    const site = sites.get(resource);
    if (site) {
      if (action?.[2] === "restart" && request.method === "POST") {
        site.restarts++;
        response.writeHead(200);
        response.end();
        return true;
      }
      if (!action && request.method === "GET") return answer(response, 200, { id: request.path, properties: { serverFarmId: site.serverFarmId } });
    }

    const plan = plans.get(resource);
    if (plan && !action) {
      if (request.method === "GET") return answer(response, 200, planView(request.path, plan));
      if (request.method === "PUT") {
        const body = JSON.parse(request.body) as { sku?: { capacity?: number } };
        if (typeof body.sku?.capacity !== "number") return answer(response, 400, { error: { code: "InvalidRequestContent", message: "sku.capacity is required." } });
        plan.capacity = body.sku.capacity;
        plan.puts++;
        return answer(response, 200, planView(request.path, plan));
      }
    }

    const vm = vms.get(resource);
    if (vm && action?.[2] === "restart" && request.method === "POST") {
      vm.restarts++;
      response.writeHead(202, { location: `${request.path}/operations/restart-${vm.restarts}` });
      response.end();
      return true;
    }
    return false;
  }

  return {
    alerts,
    sites,
    plans,
    vms,
    handle,
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
  };
}

function answer(response: ServerResponse, status: number, body: unknown): true {
  sendJson(response, status, body);
  return true;
}

/** Starts the write-action ARM fake on its own loopback HTTPS port. */
export async function startFakeArmActions(): Promise<FakeArmActions> {
  const actions = createArmActions();
  const routes: ArmRoute[] = [];

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
    if (!actions.handle(request, response)) {
      sendJson(response, 404, { error: { code: "ResourceNotFound", message: `The resource ${request.path} was not found.` } });
    }
  }

  const fake = await startFake(handle, { tls: true });
  return {
    ...fake,
    ...actions,
    routes,
    writes() {
      return fake.requests.filter((request) => request.method !== "GET");
    },
  };
}

/**
 * Adds the write actions to the investigation's ARM fake (`startArmFake`), so one endpoint serves
 * metrics and actions in end-to-end tests. The routes match alert ids, `/changestate`, `/restart`,
 * and plain web app and App Service plan ids.
 */
export function installArmActions(fake: ArmFake): ArmActions {
  const actions = createArmActions();
  const notFound = (request: RecordedRequest, response: ServerResponse) => {
    if (!actions.handle(request, response)) {
      sendJson(response, 404, { error: { code: "ResourceNotFound", message: `The resource ${request.path} was not found.` } });
    }
  };
  const patterns = [
    /\/providers\/microsoft\.alertsmanagement\/alerts\/[^/]+(\/changestate)?$/i,
    /\/restart$/i,
    /\/providers\/microsoft\.web\/(sites|serverfarms)\/[^/]+$/i,
  ];
  for (const method of ["GET", "POST", "PUT"]) {
    for (const pattern of patterns) fake.addRoute(method, pattern, notFound);
  }
  return actions;
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
