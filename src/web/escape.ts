/**
 * HTML building for the pages. Every page is built with the `html` template tag: each value
 * interpolated into it is escaped for text and for quoted attribute values, unless it is itself
 * `SafeHtml` built by this module. Values from alerts, logs and models therefore cannot add markup.
 */

const SAFE = Symbol("SafeHtml");

/** Markup that is already escaped, or built only from constants and escaped values. */
export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "`": "&#96;",
};

/**
 * Escapes `value` for HTML text and for attribute values in double or single quotes. `null` and
 * `undefined` become the empty string; other values go through `String`.
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).replace(/[&<>"'`]/g, (character) => ENTITIES[character]);
}

function safe(value: string): SafeHtml {
  return { [SAFE]: true, value };
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === "object" && value !== null && (value as Partial<SafeHtml>)[SAFE] === true;
}

/**
 * Marks a constant string as markup. It is only for literals written in this code base, such as
 * the stylesheet. Never pass it a value that came from a request, an alert, a log or a model.
 */
export function trusted(markup: string): SafeHtml {
  return safe(markup);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

function render(value: Interpolation): string {
  if (Array.isArray(value)) return value.map(render).join("");
  if (isSafeHtml(value)) return value.value;
  if (value === false) return "";
  return escapeHtml(value);
}

/**
 * Template tag that builds `SafeHtml`: the literal parts are kept, every interpolated value is
 * escaped (arrays are rendered item by item, `false`, `null` and `undefined` render nothing), and
 * `SafeHtml` values are inserted as they are.
 *
 * Values go only into text or quoted attribute values. Escaping does not make an interpolation
 * safe inside a tag name, an unquoted attribute, an event handler attribute, a `<script>` or a
 * `<style>`. URLs go through `safeHref` first.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  for (let index = 0; index < values.length; index++) {
    out += render(values[index]) + strings[index + 1];
  }
  return safe(out);
}

/** Joins rendered parts with an optional constant separator. */
export function joinHtml(parts: SafeHtml[], separator = ""): SafeHtml {
  return safe(parts.map((part) => part.value).join(escapeHtml(separator)));
}

/**
 * Returns `url` when it is an absolute `http(s)` URL or a path on this site, and `undefined`
 * otherwise, so a link taken from a payload can never be `javascript:` or `data:`. The result
 * still goes through `html`, which escapes it for the attribute.
 */
export function safeHref(url: unknown): string | undefined {
  if (typeof url !== "string") return undefined;
  const trimmed = url.trim();
  if (trimmed.startsWith("/") && !trimmed.startsWith("//") && !trimmed.startsWith("/\\")) return trimmed;
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

