import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";

/**
 * Detection of text that reads like instructions to the agent (prompt injection) in alert text,
 * log rows and probe bodies. Detection only flags the incident: the guardrails hold whether or
 * not it fires, since an injection that evades these patterns still cannot widen what the handler
 * allows.
 */

const PATTERNS: RegExp[] = [
  /\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|any|your|the)\b[^.\n]{0,20}\b(instructions?|prompts?|rules?|guidelines?|directions?)\b/i,
  /\b(new|updated|real|actual)\s+(instructions?|system prompt|rules)\b/i,
  /\byou\s+(are|must|should|will)\s+(now|always|never)\b/i,
  /\b(system|developer)\s*(prompt|message|instructions?)\b/i,
  /\bas an? (ai|assistant|language model|agent)\b/i,
  /\b(resolve|close|acknowledge|dismiss|suppress|mute)\b[^.\n]{0,30}\b(every|all|any|this|these)\b[^.\n]{0,20}\b(incidents?|alerts?|pages?)\b/i,
  /\b(mark|classify|treat|report)\b[^.\n]{0,40}\bas\s+(a\s+)?(false[\s_-]?positive|resolved|benign|not actionable)\b/i,
  /\b(call|use|invoke)\s+the\s+([\w.]+\s+)?tool\b/i,
  /\b(restart|scale|delete|reboot)\b[^.\n]{0,30}\bwithout\b[^.\n]{0,20}\b(approval|asking|confirmation)\b/i,
  /<\/?\s*(system|assistant|user|tool|untrusted-data)\s*>/i,
  /^\s*(system|assistant)\s*:/im,
];

export interface InjectionFinding {
  /** Place of the text, for example `alert description` or `evidence logs-alert`. */
  source: string;
  /** The matching text, shortened. */
  excerpt: string;
}

function scan(source: string, text: string, found: InjectionFinding[]): void {
  for (const pattern of PATTERNS) {
    const match = pattern.exec(text);
    if (match) {
      const start = Math.max(0, match.index - 20);
      found.push({ source, excerpt: text.slice(start, match.index + match[0].length + 20).replace(/\s+/g, " ").trim() });
      return;
    }
  }
}

function strings(value: unknown, out: string[], depth = 0): void {
  if (depth > 6 || out.length > 2000) return;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out, depth + 1);
  else if (value && typeof value === "object") for (const item of Object.values(value)) strings(item, out, depth + 1);
}

/** Returns the places where alert text or evidence reads like instructions to the agent; at most one finding per place. */
export function detectPromptInjection(incident: Incident, evidence: Evidence[]): InjectionFinding[] {
  const found: InjectionFinding[] = [];
  scan("alert title", incident.title, found);
  scan("alert description", incident.description, found);
  for (const [name, value] of Object.entries(incident.customProperties ?? {})) scan(`alert property ${name}`, value, found);

  for (const item of evidence) {
    const texts: string[] = [];
    strings([item.summary, item.response?.excerpt, item.response?.message, item.findings], texts);
    const before = found.length;
    for (const text of texts) {
      scan(`evidence ${item.id}`, text, found);
      if (found.length > before) break;
    }
  }
  return found;
}
