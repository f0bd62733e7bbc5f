import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Error for a local storage folder that another running process has locked. */
export class StorageLockedError extends Error {
  override name = "StorageLockedError";
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the local host's lock on its Azurite data folder, so two hosts never run Azurite on the
 * same files. A lock left by a process that no longer runs is taken over. Returns the release.
 */
export function lockStorageFolder(folder: string): () => void {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, "host.lock");
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new StorageLockedError(
        `Another local host (pid ${pid}) is using ${folder}. Stop it, or set LOCAL_STORAGE_PATH to another folder (or :memory:).`,
      );
    }
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}
