import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Approval tokens: one base64url path segment that carries the incident key, the approval id,
 * an expiry and the approval's nonce, signed with HMAC-SHA256 under `APPROVAL_SIGNING_KEY`.
 *
 * Layout before base64url: one version byte, the 32-byte MAC, then the claims as JSON. The MAC
 * covers the version byte and the claims. A token is single-use because the approval record it
 * points to leaves `pending` with the first decision; the nonce ties the token to that record.
 */

export interface ApprovalTokenClaims {
  incidentKey: string;
  approvalId: string;
  /** Expiry as seconds since the Unix epoch. */
  expiresAt: number;
  nonce: string;
}

export type TokenCheck =
  | { ok: true; claims: ApprovalTokenClaims }
  | { ok: false; reason: "malformed" | "forged" }
  | { ok: false; reason: "expired"; claims: ApprovalTokenClaims };

const VERSION = 1;
const MAC_BYTES = 32;
/** Maximum token length accepted. A real token has a few hundred characters. */
const MAX_TOKEN_CHARS = 2048;

function mac(signingKey: string, purpose: string, data: Buffer): Buffer {
  return createHmac("sha256", signingKey).update(`${purpose}\n`).update(data).digest();
}

/** Signs `claims` into a token. */
export function signApprovalToken(signingKey: string, claims: ApprovalTokenClaims): string {
  const payload = Buffer.from(JSON.stringify({ i: claims.incidentKey, a: claims.approvalId, e: claims.expiresAt, n: claims.nonce }), "utf8");
  const version = Buffer.from([VERSION]);
  const signature = mac(signingKey, "approval-token", Buffer.concat([version, payload]));
  return Buffer.concat([version, signature, payload]).toString("base64url");
}

/**
 * Checks a token's form, signature (in constant time) and expiry. An expired token with a valid
 * signature still returns its claims, so the page can show which approval expired.
 */
export function verifyApprovalToken(signingKey: string, token: string, now: Date = new Date()): TokenCheck {
  if (token.length === 0 || token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: "malformed" };
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length <= 1 + MAC_BYTES || bytes[0] !== VERSION) return { ok: false, reason: "malformed" };

  const signature = bytes.subarray(1, 1 + MAC_BYTES);
  const payload = bytes.subarray(1 + MAC_BYTES);
  const expected = mac(signingKey, "approval-token", Buffer.concat([bytes.subarray(0, 1), payload]));
  if (!timingSafeEqual(signature, expected)) return { ok: false, reason: "forged" };

  let claims: ApprovalTokenClaims;
  try {
    const parsed = JSON.parse(payload.toString("utf8")) as { i?: unknown; a?: unknown; e?: unknown; n?: unknown };
    if (typeof parsed.i !== "string" || typeof parsed.a !== "string" || typeof parsed.e !== "number" || typeof parsed.n !== "string") {
      return { ok: false, reason: "malformed" };
    }
    claims = { incidentKey: parsed.i, approvalId: parsed.a, expiresAt: parsed.e, nonce: parsed.n };
  } catch {
    return { ok: false, reason: "malformed" };
  }

  if (now.getTime() >= claims.expiresAt * 1000) return { ok: false, reason: "expired", claims };
  return { ok: true, claims };
}

/** Returns the CSRF token of the approval form, bound to the approval id and nonce. */
export function csrfToken(signingKey: string, approvalId: string, nonce: string): string {
  return mac(signingKey, "approval-csrf", Buffer.from(`${approvalId}\n${nonce}`, "utf8")).toString("base64url");
}

/** Checks a presented CSRF token in constant time. */
export function verifyCsrfToken(signingKey: string, approvalId: string, nonce: string, presented: string | null | undefined): boolean {
  if (typeof presented !== "string" || presented.length === 0 || presented.length > 100) return false;
  const expected = Buffer.from(csrfToken(signingKey, approvalId, nonce), "utf8");
  const actual = Buffer.from(presented, "utf8");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
