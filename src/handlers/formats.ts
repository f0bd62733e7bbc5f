/** The handler schema's string patterns, each with a description for violation messages. */
export const PATTERNS = {
  /** Handler and runbook names: they appear in URLs and table keys. */
  name: { pattern: "^[A-Za-z0-9_-]{1,64}$", description: "1 to 64 letters, digits, '-' or '_'" },
  subscription: {
    pattern: "^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$",
    description: "a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)",
  },
  resourceGroup: {
    pattern: "^[-\\w.()\\p{L}]{1,90}$",
    description: "a resource group name (not a resource id): up to 90 letters, digits, '-', '_', '.', '(' or ')'",
  },
  resourceType: {
    pattern: "^[A-Za-z0-9][A-Za-z0-9.-]*(/[A-Za-z0-9][A-Za-z0-9.-]*)+$",
    description: "a resource type such as microsoft.web/sites",
  },
  host: {
    pattern: "^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$",
    description: "a host name without scheme, port or path, such as checkout.example.com",
  },
} as const;

/** Returns why `value` is not an acceptable URL for `format`, or undefined when it is. */
export function urlProblem(value: string, format: "http-url" | "webhook-url"): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not an absolute URL";
  }
  if (url.username || url.password) return "must not contain a user name or password";
  if (format === "http-url") {
    return url.protocol === "http:" || url.protocol === "https:" ? undefined : "must be an http or https URL";
  }
  if (url.protocol === "https:") return undefined;
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  return url.protocol === "http:" && loopback ? undefined : "must be an https URL (http is allowed on a loopback address only)";
}

