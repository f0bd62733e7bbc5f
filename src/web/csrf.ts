import { randomBytes, timingSafeEqual } from "node:crypto";
import type { HttpRequest } from "@azure/functions";

/**
 * CSRF protection for the pages' forms by double submission: the page sets a random token in a
 * cookie and repeats it in a hidden form field, and a post is accepted only when both match.
 * Another site can make a browser send the cookie but cannot read it, so it cannot fill in the
 * field. Needs no server-side state or key, so it works across scaled-out instances.
 */
export const CSRF_COOKIE = "sre_ui_csrf";
export const CSRF_FIELD = "csrf";

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface CsrfToken {
  token: string;
  /** `Set-Cookie` value when the request carried no token yet. */
  setCookie?: string;
}

/** Returns the request's CSRF token, or a new one with the cookie that stores it. */
export function csrfTokenFor(request: HttpRequest): CsrfToken {
  const existing = readCookie(request, CSRF_COOKIE);
  if (existing && TOKEN_PATTERN.test(existing)) return { token: existing };

  const token = randomBytes(32).toString("base64url");
  // Lax rather than Strict: a link from PagerDuty or chat must not replace the token that other open tabs use.
  const attributes = ["Path=/api/ui", "HttpOnly", "SameSite=Lax"];
  if (isHttps(request)) attributes.push("Secure");
  return { token, setCookie: `${CSRF_COOKIE}=${token}; ${attributes.join("; ")}` };
}

/** Returns true when `submitted` matches the request's CSRF cookie. */
export function verifyCsrf(request: HttpRequest, submitted: string | null | undefined): boolean {
  const expected = readCookie(request, CSRF_COOKIE);
  if (!expected || !submitted || !TOKEN_PATTERN.test(expected)) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(request: HttpRequest, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

function isHttps(request: HttpRequest): boolean {
  if (request.headers.get("x-forwarded-proto")?.split(",")[0].trim() === "https") return true;
  try {
    return new URL(request.url).protocol === "https:";
  } catch {
    return false;
  }
}
