import type { RunningAzurite } from "../../src/local/azurite";

export default async function globalTeardown(): Promise<void> {
  const azurite = (globalThis as { __azurite?: RunningAzurite }).__azurite;
  await azurite?.stop();
}
