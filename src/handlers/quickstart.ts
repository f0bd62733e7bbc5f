import { TOOL_NAMES } from "../tools/catalog";
import type { HandlerConfig } from "./handler";

export const QUICKSTART_NAME = "quickstart";

/**
 * The handler created at first start when none exists. It takes every incident in reader mode
 * with every tool: reads and bookkeeping run at once, and each remediation waits for a person's
 * approval. `order` 1000 puts any handler a team adds before it.
 */
export function quickstartConfig(): HandlerConfig {
  return {
    enabled: true,
    order: 1000,
    match: {},
    autonomy: "reader",
    tools: [...TOOL_NAMES],
  };
}
