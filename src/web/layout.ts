import { randomBytes } from "node:crypto";
import type { HttpResponseInit } from "@azure/functions";
import { html, trusted, type SafeHtml } from "./escape";
import { STYLES } from "./styles";

export interface PageOptions {
  /** Document title; escaped. */
  title: string;
  /** The content of `<main>`, built with `html`. */
  body: SafeHtml;
  /**
   * A constant script from this code base, sent inline with the response's nonce. It must not
   * contain values from a request or a payload; a page passes data to it through escaped `data-`
   * attributes instead.
   */
  script?: string;
  status?: number;
  headers?: Record<string, string>;
}

/** Creates a fresh nonce for one response's Content-Security-Policy. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Returns the Content-Security-Policy of a page: nothing loads from another origin, and only the
 * inline `<style>` and `<script>` that carry `nonce` run. Inline event handlers and injected
 * scripts are therefore blocked even if escaping were ever missed.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Renders a whole HTML document in the shared layout. */
export function renderPage(options: Pick<PageOptions, "title" | "body" | "script">, nonce: string): string {
  const script = options.script ? html`<script nonce="${nonce}">${trusted(options.script)}</script>` : "";
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · SRE incident agent</title>
<style nonce="${nonce}">${trusted(STYLES)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><nav aria-label="Site"><a class="brand" href="/api/ui/incidents">SRE incident agent</a><a href="/api/ui/incidents">Incidents</a></nav></header>
<main id="main">
${options.body}
</main>
${script}
</body>
</html>
`;
  return page.value;
}

/**
 * Builds the response for a page: the document in the shared layout with a fresh nonce, its
 * Content-Security-Policy, and headers that keep it out of caches and frames. Approval tokens sit
 * in page URLs, hence `no-referrer`.
 */
export function pageResponse(options: PageOptions): HttpResponseInit {
  const nonce = createNonce();
  return {
    status: options.status ?? 200,
    body: renderPage(options, nonce),
    headers: { ...pageHeaders(nonce), ...options.headers },
  };
}

/** Headers of every HTML response; `nonce` is the one the document's inline style and script carry. */
export function pageHeaders(nonce: string): Record<string, string> {
  return {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": contentSecurityPolicy(nonce),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  };
}

/** Builds a short page that states a problem (not found, expired link, invalid form) and where to go next. */
export function messagePage(status: number, title: string, message: string, next?: { href: string; label: string }): HttpResponseInit {
  const link = next ? html`<p><a href="${next.href}">${next.label}</a></p>` : "";
  return pageResponse({
    status,
    title,
    body: html`<h1>${title}</h1><div class="panel"><p class="text">${message}</p>${link}</div>`,
  });
}

/** Builds the 303 response that sends the browser to `location` after a form post. */
export function seeOther(location: string, headers: Record<string, string> = {}): HttpResponseInit {
  return { status: 303, headers: { location, "cache-control": "no-store", ...headers } };
}

/**
 * Builds the response for a piece of a page that the page's script fetches and swaps in while
 * it polls. The fragment is built with `html` like any page, so it holds only escaped values.
 */
export function fragmentResponse(body: SafeHtml): HttpResponseInit {
  return {
    status: 200,
    body: body.value,
    headers: { ...pageHeaders(createNonce()), "content-security-policy": "default-src 'none'; frame-ancestors 'none'" },
  };
}
