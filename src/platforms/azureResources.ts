import { ArmError, resourceIdProblem, type Arm } from "./arm";

/**
 * Remediations on Azure resources through ARM: restart a web app, scale out an App Service plan,
 * restart a virtual machine. Each checks the resource id before it builds a URL from it.
 */

export const WEB_API_VERSION = "2023-12-01";
export const COMPUTE_API_VERSION = "2024-07-01";

const SITES = "Microsoft.Web/sites";
const PLANS = "Microsoft.Web/serverfarms";
const VMS = "Microsoft.Compute/virtualMachines";

function requireType(resourceId: string, ...types: string[]): void {
  const problem = resourceIdProblem(resourceId, ...types);
  if (problem) throw new ArmError(problem, 400, "InvalidResourceId");
}

/** Restarts a web app (`POST {siteId}/restart`); returns ARM's status code. */
export async function restartWebApp(arm: Arm, siteId: string): Promise<number> {
  requireType(siteId, SITES);
  const response = await arm.request("POST", `${siteId}/restart`, { apiVersion: WEB_API_VERSION });
  return response.status;
}

/** Restarts a virtual machine (`POST {vmId}/restart`, accepted with 202); returns ARM's status code. */
export async function restartVirtualMachine(arm: Arm, vmId: string): Promise<number> {
  requireType(vmId, VMS);
  const response = await arm.request("POST", `${vmId}/restart`, { apiVersion: COMPUTE_API_VERSION });
  return response.status;
}

export interface ScaleOutResult {
  planId: string;
  previousCapacity: number;
  capacity: number;
  changed: boolean;
}

interface PlanResource {
  location?: string;
  kind?: string;
  tags?: Record<string, string>;
  sku?: { name?: string; tier?: string; size?: string; family?: string; capacity?: number };
  properties?: Record<string, unknown>;
}

/**
 * Scales out an App Service plan, given the plan or a web app on it, to `instances` instances.
 *
 * Scaling sets the plan's `sku.capacity`, which applies to every app on the plan; per-app scaling
 * (`numberOfWorkers` with per-site scaling) is not used. The plan is read, its capacity changed,
 * and written back with PUT, because the plan's PATCH body has no `sku`. A plan already at
 * `instances` or more is left unchanged, so a repeated call writes nothing and never scales in.
 */
export async function scaleOutAppServicePlan(arm: Arm, resourceId: string, instances: number): Promise<ScaleOutResult> {
  requireType(resourceId, SITES, PLANS);
  if (!Number.isInteger(instances) || instances < 1) {
    throw new ArmError(`Instance count ${instances} is invalid; use a whole number of at least 1.`, 400, "InvalidCapacity");
  }

  const planId = resourceIdProblem(resourceId, PLANS) === undefined ? resourceId : await planOf(arm, resourceId);
  const plan = (await arm.request<PlanResource>("GET", planId, { apiVersion: WEB_API_VERSION })).body ?? {};
  const previousCapacity = plan.sku?.capacity ?? 1;
  if (previousCapacity >= instances) return { planId, previousCapacity, capacity: previousCapacity, changed: false };

  const body: PlanResource = {
    location: plan.location,
    kind: plan.kind,
    tags: plan.tags,
    sku: { ...plan.sku, capacity: instances },
    properties: plan.properties,
  };
  const updated = await arm.request<PlanResource>("PUT", planId, { apiVersion: WEB_API_VERSION, body });
  return { planId, previousCapacity, capacity: updated.body?.sku?.capacity ?? instances, changed: true };
}

async function planOf(arm: Arm, siteId: string): Promise<string> {
  const site = await arm.request<{ properties?: { serverFarmId?: string } }>("GET", siteId, { apiVersion: WEB_API_VERSION });
  const planId = site.body?.properties?.serverFarmId;
  if (!planId) throw new ArmError(`Web app ${siteId} reports no App Service plan (properties.serverFarmId).`, 502, "NoServerFarm");
  requireType(planId, PLANS);
  return planId;
}
