/**
 * Removes secrets from what intake keeps about rejected requests: header values that carry
 * credentials, and credential-shaped text in bodies.
 */

/** Headers dropped whole: credentials, cookies, and the platforms' identity headers. */
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

const REDACTED = "[redacted]";

/** Returns the headers as a plain object without credentials; their names are kept with a placeholder value. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower) || lower.startsWith("x-ms-token-") || SECRET_HEADER_NAME.test(lower)) {
      kept[lower] = REDACTED;
    } else {
      kept[lower] = value.slice(0, 1_000);
    }
  });
  return kept;
}

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  // Storage and Service Bus connection strings.
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature)=[^;"'\s]+/gi, `$1=${REDACTED}`],
  // Query parameters that carry keys or signatures, such as a function key or a SAS token.
  [/([?&](?:code|token|sig|key|secret|password|api[-_]?key|access_token)=)[^&#"'\s]+/gi, `$1${REDACTED}`],
  // Bearer and basic credentials.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // Credentials in URLs: scheme://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@"']+:)[^@\s"'/]+@/gi, `$1${REDACTED}@`],
  // JSON members whose name suggests a secret.
  [
    /("(?:[^"\\]*(?:password|passwd|secret|token|apikey|api_key|connectionstring|client_secret)[^"\\]*)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
];

/** Replaces credential-shaped substrings of `text` with a placeholder. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
