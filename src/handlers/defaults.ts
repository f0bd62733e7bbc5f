import { defaultTools } from "../tools/catalog";
import type { Handler, HandlerConfig, OnApprovalTimeout } from "./handler";
import { handlerSchema } from "./schema";

/** Defaults that come from settings rather than from the schema. */
export interface HandlerDefaults {
  /** The APPROVAL_TIMEOUT_MINUTES setting. */
  approvalTimeoutMinutes: number;
}

const properties = handlerSchema.properties!;
const DEFAULT_ENABLED = properties.enabled.default as boolean;
const DEFAULT_ORDER = properties.order.default as number;
const DEFAULT_ON_TIMEOUT = properties.approval.properties!.onTimeout.default as OnApprovalTimeout;

/**
 * Builds the handler an incident runs under from a validated configuration: the schema's
 * defaults, the autonomy level's default tools when `tools` is omitted, and the settings' approval
 * timeout. The result is a copy, so the snapshot kept with an incident never shares objects with
 * the configuration.
 */
export function toHandler(name: string, config: HandlerConfig, defaults: HandlerDefaults): Handler {
  const copy = structuredClone(config);
  return {
    ...copy,
    name,
    enabled: copy.enabled ?? DEFAULT_ENABLED,
    order: copy.order ?? DEFAULT_ORDER,
    match: copy.match ?? {},
    tools: copy.tools ?? [...defaultTools(copy.autonomy)],
    approval: {
      timeoutMinutes: copy.approval?.timeoutMinutes ?? defaults.approvalTimeoutMinutes,
      approvers: copy.approval?.approvers ?? [],
      onTimeout: copy.approval?.onTimeout ?? DEFAULT_ON_TIMEOUT,
    },
  };
}
