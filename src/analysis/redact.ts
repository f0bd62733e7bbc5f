/**
 * Redaction of secrets from evidence and text before they reach the model, thread notes, pages or
 * PagerDuty. It errs toward removing: a redacted harmless value costs a person one look at the
 * source, a leaked key costs a rotation.
 */

export const REDACTED = "[REDACTED]";

/** Names of values that are secret wherever they appear as `name=value`, `name: value` or `"name": "value"`. */
const SECRET_NAMES = [
  "password",
  "passwd",
  "pwd",
  "secret",
  "client[_-]?secret",
  "account[_-]?key",
  "shared[_-]?access[_-]?key",
  "shared[_-]?access[_-]?signature",
  "api[_-]?key",
  "access[_-]?key",
  "access[_-]?token",
  "refresh[_-]?token",
  "id[_-]?token",
  "auth[_-]?token",
  "token",
  "authorization",
  "private[_-]?key",
  "x-functions-key",
  "ocp-apim-subscription-key",
  "connection[_-]?string",
].join("|");

/** Names that are secret only as `name=value` (query strings, connection strings): `code` is the Functions key, `sig` the SAS signature. */
const QUERY_SECRET_NAMES = "code|sig|key";

interface Rule {
  pattern: RegExp;
  replace: string | ((...match: string[]) => string);
}

const RULES: Rule[] = [
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, replace: "[REDACTED PRIVATE KEY]" },
  // user:password@ in URLs (connection URIs, basic auth).
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]+:)([^\s@/?#]+)@/gi, replace: `$1${REDACTED}@` },
  { pattern: /\b(Bearer|Basic|SharedAccessSignature)\s+[A-Za-z0-9\-._~+/=%&:]{8,}/gi, replace: `$1 ${REDACTED}` },
  // JSON Web Tokens: three base64url parts, the first two starting with `eyJ` (`{"`).
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: REDACTED },
  {
    pattern: new RegExp(`((?:^|[^A-Za-z0-9])["']?(?:${SECRET_NAMES})["']?\\s*[=:]\\s*["']?)([^"'\\s;&,}]+)`, "gi"),
    replace: `$1${REDACTED}`,
  },
  { pattern: new RegExp(`([?&;\\s](?:${QUERY_SECRET_NAMES})=)([^&;\\s"']+)`, "gi"), replace: `$1${REDACTED}` },
  // Azure storage, Service Bus and Event Hubs keys: long base64 ending in padding.
  { pattern: /(^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{40,}={1,2}(?![A-Za-z0-9+/=])/g, replace: `$1${REDACTED}` },
  { pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/g, replace: REDACTED },
  { pattern: /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|sk-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,})\b/g, replace: REDACTED },
];

/** Object keys whose string values are dropped whole by `redactDeep`; `code` and `key` are left out, as error codes and names use them. */
const SECRET_KEY = new RegExp(`^(?:${SECRET_NAMES}|sig)$`, "i");

/** Returns `text` with keys, connection-string secrets, SAS signatures, bearer tokens and URL passwords replaced by `[REDACTED]`. */
export function redact(text: string): string {
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, rule.replace as string);
  }
  return result;
}

/**
 * Returns a copy of `value` with every string redacted and the string values of secret-named keys
 * (password, token, apiKey, connectionString, sig, ...) replaced whole. Dates and non-string
 * scalars are kept.
 */
export function redactDeep<T>(value: T): T {
  return walk(value, undefined) as T;
}

function walk(value: unknown, key: string | undefined): unknown {
  if (typeof value === "string") {
    if (key !== undefined && SECRET_KEY.test(key)) return REDACTED;
    return redact(value);
  }
  if (Array.isArray(value)) return value.map((item) => walk(item, undefined));
  if (value instanceof Date || value === null || typeof value !== "object") return value;
  const copy: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) copy[name] = walk(item, name);
  return copy;
}
