import { createHash } from "node:crypto";

/** Maximum length of a Table Storage key or durable instance id produced here. */
export const MAX_KEY_LENGTH = 100;

/**
 * Turns any key into one that is safe as a Table Storage PartitionKey or RowKey and as a durable
 * instance id: no `/ \ # ?`, no control characters, at most 100 characters. Safe keys pass
 * through unchanged; a key that needed changes, or is too long, keeps a readable prefix and ends
 * with a hash of the original, so two different keys never map to the same safe key.
 */
export function safeKey(key: string): string {
  const cleaned = key.replace(/[/\\#?\u0000-\u001f\u007f-\u009f%]/g, "_");
  if (cleaned === key && key.length > 0 && key.length <= MAX_KEY_LENGTH) {
    return key;
  }
  const digest = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 32);
  const prefix = cleaned.slice(0, MAX_KEY_LENGTH - digest.length - 1);
  return `${prefix}~${digest}`;
}

/** Builds a row key that sorts in time order: fixed-width milliseconds since the epoch. */
export function timeOrderedKey(date: Date, suffix: string): string {
  return `${String(date.getTime()).padStart(15, "0")}-${suffix}`;
}

/** Builds a row key that sorts newest first. */
export function reverseTimeKey(date: Date, suffix: string): string {
  const inverted = 9_999_999_999_999 - date.getTime();
  return `${String(inverted).padStart(13, "0")}-${suffix}`;
}
