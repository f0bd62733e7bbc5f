import { html, type SafeHtml } from "./escape";

type Tone = "ok" | "warn" | "bad" | "info" | "muted";

const STATUS_TONES: Record<string, Tone> = {
  open: "info",
  acknowledged: "info",
  investigating: "info",
  "awaiting-approval": "warn",
  acting: "info",
  verifying: "info",
  escalated: "bad",
  resolved: "ok",
  "not-handled": "muted",
};

const VERDICT_TONES: Record<string, Tone> = { actionable: "bad", false_positive: "ok", inconclusive: "warn" };

const RESULT_TONES: Record<string, Tone> = {
  success: "ok",
  no_data: "muted",
  partial: "warn",
  error: "bad",
  timeout: "bad",
  not_configured: "muted",
  approval_required: "warn",
  pending: "warn",
  approved: "ok",
  denied: "bad",
  expired: "muted",
  superseded: "muted",
  recovered: "ok",
  "not recovered": "bad",
};

const PRIORITY_CLASSES = new Set(["P1", "P2", "P3", "P4", "P5"]);

function badge(text: string, tone: Tone | undefined): SafeHtml {
  return html`<span class="badge tone-${tone ?? "muted"}">${text}</span>`;
}

export function priorityBadge(priority: string): SafeHtml {
  const known = PRIORITY_CLASSES.has(priority) ? priority : "P5";
  return html`<span class="badge prio-${known}" title="Priority ${priority}">${priority}</span>`;
}

export function statusBadge(status: string): SafeHtml {
  return badge(status, STATUS_TONES[status]);
}

/** Shows a verdict with spaces for underscores (`false positive`). */
export function verdictBadge(verdict: string): SafeHtml {
  return badge(verdict.replace(/_/g, " "), VERDICT_TONES[verdict]);
}

/** Badge for a collector or tool result status, or an approval state. */
export function resultBadge(status: string): SafeHtml {
  return badge(status.replace(/_/g, " "), RESULT_TONES[status]);
}
