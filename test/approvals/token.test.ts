import { csrfToken, signApprovalToken, verifyApprovalToken, verifyCsrfToken, type ApprovalTokenClaims } from "../../src/approvals/token";

const KEY = "token-test-signing-key-0123456789";
const now = new Date("2026-03-01T10:00:00Z");
const claims: ApprovalTokenClaims = {
  incidentKey: "pagerduty-q1abc",
  approvalId: "act-appservice-restart-0123456789ab",
  expiresAt: Math.floor(now.getTime() / 1000) + 600,
  nonce: "n0nce-value",
};

describe("approval token", () => {
  test("round-trips its claims", () => {
    const token = signApprovalToken(KEY, claims);

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(verifyApprovalToken(KEY, token, now)).toEqual({ ok: true, claims });
  });

  test("is one URL path segment", () => {
    const token = signApprovalToken(KEY, { ...claims, incidentKey: "azure-monitor-/subscriptions/x?y#z" });

    expect(encodeURIComponent(token)).toBe(token);
    expect(token).not.toContain("/");
  });

  test("another key reads it as forged", () => {
    const token = signApprovalToken("some-other-key", claims);

    expect(verifyApprovalToken(KEY, token, now)).toEqual({ ok: false, reason: "forged" });
  });

  test("changed claims read as forged", () => {
    const bytes = Buffer.from(signApprovalToken(KEY, claims), "base64url");
    const payload = bytes.subarray(33).toString("utf8").replace(claims.approvalId, "act-vm-restart-000000000000");
    const tampered = Buffer.concat([bytes.subarray(0, 33), Buffer.from(payload, "utf8")]).toString("base64url");

    expect(verifyApprovalToken(KEY, tampered, now)).toEqual({ ok: false, reason: "forged" });
  });

  test("flipped signature bit reads as forged", () => {
    const bytes = Buffer.from(signApprovalToken(KEY, claims), "base64url");
    bytes[5] ^= 0x01;

    expect(verifyApprovalToken(KEY, bytes.toString("base64url"), now)).toEqual({ ok: false, reason: "forged" });
  });

  test("garbage is malformed", () => {
    for (const token of ["", "abc", "not base64!", "A".repeat(5000), Buffer.from([2, ...new Array(40).fill(0)]).toString("base64url")]) {
      expect(verifyApprovalToken(KEY, token, now)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  test("expired token keeps its claims", () => {
    const token = signApprovalToken(KEY, claims);
    const later = new Date((claims.expiresAt + 1) * 1000);

    expect(verifyApprovalToken(KEY, token, later)).toEqual({ ok: false, reason: "expired", claims });
  });

  test("CSRF token is bound to approval and nonce", () => {
    const csrf = csrfToken(KEY, claims.approvalId, claims.nonce);

    expect(verifyCsrfToken(KEY, claims.approvalId, claims.nonce, csrf)).toBe(true);
    expect(verifyCsrfToken(KEY, "another-approval", claims.nonce, csrf)).toBe(false);
    expect(verifyCsrfToken(KEY, claims.approvalId, "another-nonce", csrf)).toBe(false);
    expect(verifyCsrfToken(KEY, claims.approvalId, claims.nonce, null)).toBe(false);
    expect(verifyCsrfToken(KEY, claims.approvalId, claims.nonce, `${csrf}x`)).toBe(false);
  });
});
