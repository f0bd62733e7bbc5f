import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * Returns the local host's approval signing key when none is configured: kept in the storage
 * folder so approval links stay valid across restarts, or random per run with in-memory storage.
 */
export function localSigningKey(storagePath: string): { key: string; source: "file" | "new-file" | "memory" } {
  if (storagePath === ":memory:") return { key: randomBytes(32).toString("base64url"), source: "memory" };
  const file = path.join(storagePath, "approval-signing-key");
  if (existsSync(file)) return { key: readFileSync(file, "utf8").trim(), source: "file" };
  mkdirSync(storagePath, { recursive: true });
  const key = randomBytes(32).toString("base64url");
  writeFileSync(file, key, { mode: 0o600 });
  return { key, source: "new-file" };
}
