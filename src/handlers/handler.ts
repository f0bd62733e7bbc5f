import type { IncidentSource, Priority, Severity } from "../intake/incident";

/**
 * Handler types. The JSON Schema in `schema.ts` validates every handler; these types describe the
 * same shape, and a test checks that both list the same properties.
 */

export type Autonomy = "reader" | "autonomous";

export type OnApprovalTimeout = "escalate" | "deny";

/** Filters of a handler; every list is optional and all present ones must match (AND). */
export interface HandlerMatch {
  sources?: IncidentSource[];
  priorities?: Priority[];
  severities?: Severity[];
  services?: string[];
  alertRules?: string[];
  subscriptions?: string[];
  resourceGroups?: string[];
  resourceTypes?: string[];
  titleIncludes?: string[];
  titleExcludes?: string[];
  titleRegex?: string;
  tags?: Record<string, string>;
}

/** Approval settings as configured; `toHandler` fills the omitted ones. */
export interface HandlerApprovalConfig {
  /** Minutes an approval request stays open; may be fractional. */
  timeoutMinutes?: number;
  approvers?: string[];
  onTimeout?: OnApprovalTimeout;
}

/** An incident handler as configured; the name comes from the URL or the file key. */
export interface HandlerConfig {
  enabled?: boolean;
  order?: number;
  match?: HandlerMatch;
  autonomy: Autonomy;
  /** Allowed tool names; omitted means the default set for the autonomy level, `[]` analysis only. */
  tools?: string[];
  /** Free text for the LLM analyst. */
  instructions?: string;
  approval?: HandlerApprovalConfig;
  probe?: { url?: string; allowedHosts?: string[] };
  notify?: { webhookUrl?: string };
  /** Upper bound for `appService.scaleOut`. */
  maxInstances?: number;
  /** Azure Automation webhook URLs the runbook tool may call, by name. */
  runbooks?: Record<string, string>;
  /** Minutes to wait after a remediation before verifying. */
  verifyAfterMinutes?: number;
}

/** A handler with its name and defaults applied: what an incident keeps as its snapshot. */
export interface Handler extends HandlerConfig {
  name: string;
  enabled: boolean;
  order: number;
  match: HandlerMatch;
  tools: string[];
  approval: { timeoutMinutes: number; approvers: string[]; onTimeout: OnApprovalTimeout };
}
