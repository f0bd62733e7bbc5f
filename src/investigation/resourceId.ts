import { createHash } from "node:crypto";

/** The parts of an Azure resource id that the collectors need. */
export interface ResourceIdParts {
  subscriptionId: string;
  resourceGroup?: string;
  /** Provider and type path, lower-cased, for example `microsoft.web/sites` or `microsoft.web/sites/slots`. */
  type?: string;
  name?: string;
}

/** Parses `/subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{type}/{name}...]`; undefined when it is not one. */
export function parseResourceId(resourceId: string): ResourceIdParts | undefined {
  const segments = resourceId.split("/").filter((segment) => segment !== "");
  if (segments.length < 2 || segments[0].toLowerCase() !== "subscriptions") return undefined;
  const parts: ResourceIdParts = { subscriptionId: segments[1] };

  let index = 2;
  if (segments[index]?.toLowerCase() === "resourcegroups" && segments[index + 1]) {
    parts.resourceGroup = segments[index + 1];
    index += 2;
  }
  if (segments[index]?.toLowerCase() === "providers" && segments[index + 1]) {
    const namespace = segments[index + 1];
    const rest = segments.slice(index + 2);
    const types: string[] = [];
    for (let i = 0; i + 1 < rest.length; i += 2) {
      types.push(rest[i]);
      parts.name = rest[i + 1];
    }
    if (types.length > 0) parts.type = [namespace, ...types].join("/").toLowerCase();
  }
  return parts;
}

/** Returns the lower-cased resource type of `resourceId`, or undefined. */
export function resourceTypeOf(resourceId: string): string | undefined {
  return parseResourceId(resourceId)?.type;
}

/** Returns a short evidence-id suffix for a resource: its name (cut to 40 characters) and 6 hex of its id's hash. */
export function resourceSlug(resourceId: string): string {
  const name = (parseResourceId(resourceId)?.name ?? "resource").toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40);
  const hash = createHash("sha256").update(resourceId.toLowerCase()).digest("hex").slice(0, 6);
  return `${name}-${hash}`;
}

/** Matches strings that look like an Azure resource id. */
export const RESOURCE_ID_PATTERN = /^\/subscriptions\/[^/\s]+(\/[^/\s]+)+$/i;

/**
 * Strips the leading slash of a resource id for SDK calls. The SDKs (arm-monitor 8.0.0,
 * monitor-query-logs 1.0.0) put the id after a slash of their own, so an id with its usual leading
 * slash would produce `//subscriptions/...`.
 */
export function withoutLeadingSlash(resourceId: string): string {
  return resourceId.replace(/^\/+/, "");
}
