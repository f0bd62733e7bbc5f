import type { HttpRequest } from "@azure/functions";

/** The raw request body, read once. */
export interface RawBody {
  /** The bytes read: all of them, or the first `limit + 1` of an oversized body. */
  bytes: Uint8Array;
  /** True when the body is larger than the limit, by Content-Length or by the bytes read. */
  tooLarge: boolean;
  /** Size of the body: the bytes read, or the declared Content-Length when nothing was read. */
  size: number;
  /** False when the body was rejected by its Content-Length alone and not read at all. */
  read: boolean;
}

/**
 * Reads the request body as raw bytes, at most `limit + 1` of them, so an oversized body is
 * detected without buffering it all. A body whose Content-Length is above the limit is not read.
 * Signatures are computed over these bytes, never over re-serialized JSON.
 */
export async function readRawBody(request: HttpRequest, limit: number): Promise<RawBody> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    return { bytes: new Uint8Array(0), tooLarge: true, size: declared, read: false };
  }

  const stream = request.body;
  if (!stream) return { bytes: new Uint8Array(0), tooLarge: false, size: 0, read: true };

  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooLarge = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    if (total > limit) {
      tooLarge = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  const bytes = Buffer.concat(chunks, total);
  return { bytes: tooLarge ? bytes.subarray(0, limit + 1) : bytes, tooLarge, size: total, read: true };
}

/** Decodes the body as UTF-8 for keeping or showing; invalid sequences become U+FFFD. */
export function bodyText(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/**
 * The media type of `Content-Type` without parameters, lower-cased; undefined when the header is
 * missing or empty.
 */
export function mediaType(request: HttpRequest): string | undefined {
  const header = request.headers.get("content-type");
  if (!header) return undefined;
  const type = header.split(";")[0].trim().toLowerCase();
  return type === "" ? undefined : type;
}

/** True for `application/json` and `application/*+json`. */
export function isJsonMediaType(type: string): boolean {
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

export type ParsedJson = { ok: true; value: unknown; text: string } | { ok: false; message: string };

/**
 * Decodes `bytes` as strict UTF-8 and parses them as JSON, with a message that names what is wrong
 * and how to fix it.
 */
export function parseJsonBody(bytes: Uint8Array): ParsedJson {
  if (bytes.byteLength === 0) {
    return { ok: false, message: "The request body is empty. Send the alert as a JSON object." };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, message: "The request body is not valid UTF-8. Send the alert as UTF-8 encoded JSON." };
  }
  // A UTF-8 byte order mark is tolerated, because some senders add one.
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(json), text };
  } catch (error) {
    const detail = (error as Error).message;
    return { ok: false, message: `The request body is not valid JSON (${detail}). Send the complete alert as one JSON object.` };
  }
}
