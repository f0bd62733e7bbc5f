/**
 * Removes secrets from what intake keeps about rejected requests: header values that carry
 * credentials, and credential-shaped text in bodies.
 */

import { redact, REDACTED } from "../analysis/redact";

/** Headers whose values are always replaced: credentials, cookies, and the platforms' identity headers. */
const SECRET_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-functions-key",
  "x-api-key",
  "x-ms-client-principal",
  "x-ms-client-principal-id",
  "x-ms-client-principal-name",
  "x-ms-client-principal-idp",
]);

/** Header names that suggest a credential, for custom headers such as those on a PagerDuty subscription. */
const SECRET_HEADER_NAME = /(secret|token|password|passwd|api-?key|auth|credential|session)/i;

/** Returns the headers as a plain object without credentials; their names are kept with a placeholder value. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const redacted: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower) || lower.startsWith("x-ms-token-") || SECRET_HEADER_NAME.test(lower)) {
      redacted[lower] = REDACTED;
    } else {
      redacted[lower] = value.slice(0, 1_000);
    }
  });
  return redacted;
}

/**
 * Replaces credential-shaped substrings of a rejected body with a placeholder, using the app's
 * shared redaction rules.
 */
export function redactSecrets(text: string): string {
  return redact(text);
}
