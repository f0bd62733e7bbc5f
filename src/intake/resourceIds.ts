/**
 * Azure resource id helpers. Azure sends ids in mixed case (`resourceGroups`, `resourcegroups`),
 * so everything here works on lower-cased ids.
 */

/**
 * Matches an ARM id at subscription scope or below: `/subscriptions/{guid}` with optional
 * `/resourcegroups/{name}` and `/providers/...` segments, and no whitespace.
 */
const RESOURCE_ID = /^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/[^\s/]+)*$/i;

/** Longest id accepted; ARM ids are far shorter, so anything longer is not an id. */
const MAX_RESOURCE_ID_LENGTH = 1024;

/** True when `value` is shaped like an Azure resource id. */
export function isResourceId(value: string): boolean {
  return value.length <= MAX_RESOURCE_ID_LENGTH && RESOURCE_ID.test(value);
}

/** Lower-cases `value` and drops a trailing slash; returns undefined when it is not a resource id. */
export function normalizeResourceId(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim().replace(/\/+$/, "");
  return isResourceId(trimmed) ? trimmed.toLowerCase() : undefined;
}

/** The scope parts of one resource id, lower-cased. */
export interface ResourceScope {
  subscription: string;
  resourceGroup?: string;
  /** `namespace/type[/childType...]`, for example `microsoft.sql/servers/databases`. */
  resourceType?: string;
}

/** Splits a resource id into subscription, resource group and resource type. */
export function parseResourceId(id: string): ResourceScope | undefined {
  const normalized = normalizeResourceId(id);
  if (!normalized) return undefined;
  const segments = normalized.split("/").filter(Boolean);
  const scope: ResourceScope = { subscription: segments[1] };

  let index = 2;
  if (segments[index] === "resourcegroups" && segments[index + 1]) {
    scope.resourceGroup = segments[index + 1];
    index += 2;
  }

  // After `providers/{namespace}` the segments alternate type/name; child types join the parent's.
  const providers = segments.lastIndexOf("providers");
  if (providers >= index && segments[providers + 1]) {
    const namespace = segments[providers + 1];
    const types: string[] = [];
    for (let position = providers + 2; position < segments.length; position += 2) {
      types.push(segments[position]);
    }
    if (types.length > 0) scope.resourceType = [namespace, ...types].join("/");
  }
  return scope;
}

/** Subscriptions, resource groups and resource types of `ids`, lower-cased and without repeats. */
export function scopesOf(ids: string[]): { subscriptions: string[]; resourceGroups: string[]; resourceTypes: string[] } {
  const subscriptions = new Set<string>();
  const resourceGroups = new Set<string>();
  const resourceTypes = new Set<string>();
  for (const id of ids) {
    const scope = parseResourceId(id);
    if (!scope) continue;
    subscriptions.add(scope.subscription);
    if (scope.resourceGroup) resourceGroups.add(scope.resourceGroup);
    if (scope.resourceType) resourceTypes.add(scope.resourceType);
  }
  return { subscriptions: [...subscriptions], resourceGroups: [...resourceGroups], resourceTypes: [...resourceTypes] };
}

/** Lower-cases, validates and de-duplicates resource ids, keeping their first order. */
export function uniqueResourceIds(values: Iterable<unknown>): string[] {
  const ids = new Set<string>();
  for (const value of values) {
    const id = normalizeResourceId(value);
    if (id) ids.add(id);
  }
  return [...ids];
}

/** The last segment of a resource id: the resource's name. */
export function resourceName(id: string): string {
  const segments = id.split("/").filter(Boolean);
  return segments[segments.length - 1] ?? id;
}
