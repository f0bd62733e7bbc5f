import { existsSync, readFileSync } from "node:fs";

/**
 * Returns the environment merged with the `Values` of `local.settings.json` when that file exists,
 * as `func start` does. Variables already set in the environment win over the file.
 */
export function environmentWithLocalSettings(file = "local.settings.json", env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  if (!existsSync(file)) return { ...env };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}. Fix it or remove it.`);
  }
  const values = (parsed as { Values?: unknown }).Values;
  if (values === undefined) return { ...env };
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new Error(`${file}: "Values" must be an object of setting names to strings.`);
  }
  const merged: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name.startsWith("//")) continue;
    if (typeof value !== "string") throw new Error(`${file}: Values.${name} must be a string.`);
    merged[name] = value;
  }
  return { ...merged, ...env };
}
