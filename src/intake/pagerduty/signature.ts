import { createHmac, timingSafeEqual } from "node:crypto";

export type SignatureCheck = "valid" | "missing" | "malformed" | "mismatch";

/** One `v1=` entry: exactly 64 hex digits, the length of an HMAC-SHA256. */
const V1_ENTRY = /^v1=([0-9a-f]{64})$/i;

/**
 * Verifies a PagerDuty webhook v3 `X-PagerDuty-Signature` header over the raw body bytes.
 *
 * The header contains one or more comma-separated entries, several during a secret rotation.
 * Each entry is trimmed, and entries of other versions or with malformed hex are skipped. The
 * header is valid when any `v1=` entry equals HMAC-SHA256(secret, body), compared in constant
 * time. A failure result names the reason for the error message; every failure means 401.
 */
export function verifyPagerDutySignature(body: Uint8Array, header: string | null | undefined, secret: string): SignatureCheck {
  if (header === null || header === undefined || header.trim() === "") return "missing";

  const candidates: Buffer[] = [];
  for (const entry of header.split(",")) {
    const match = V1_ENTRY.exec(entry.trim());
    if (match) candidates.push(Buffer.from(match[1], "hex"));
  }
  if (candidates.length === 0) return "malformed";

  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(body).digest();
  // Every candidate is compared, so the time taken does not reveal which entry matched.
  let matched = false;
  for (const candidate of candidates) {
    if (timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched ? "valid" : "mismatch";
}

/** Computes the `v1=` signature of `body`; for tests and the local sender. */
export function signPagerDutyBody(body: Uint8Array | string, secret: string): string {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return `v1=${createHmac("sha256", Buffer.from(secret, "utf8")).update(bytes).digest("hex")}`;
}
