import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";
import type { Assessment, RecommendedAction } from "./assessment";
import { assertAssessment, MAX_CAUSE_LENGTH, MAX_SUMMARY_LENGTH } from "./assessmentSchema";
import { falsePositiveActions, remediationActions } from "./playbooks";
import { readSignals, type EvidenceSignals, type Signal } from "./signals";

/**
 * Assesses an incident with deterministic rules over the evidence (the rule-based analyst: no
 * model, no tokens).
 *
 * - Any problem (failing probe, still-breaching metric, unavailable or degraded Resource Health,
 *   the alert's log condition still met, an error spike) makes the incident actionable.
 * - Without problems, an alert that already resolved, or a recovered condition backed by an
 *   independent healthy signal (probe or Resource Health), is a false positive.
 * - Otherwise the incident is inconclusive (flapping, a recovery nothing confirms, or no evidence).
 * - A deployment or other write before the fire time becomes the likely cause of a real incident.
 */
export function assessWithRules(incident: Incident, handler: Handler, evidence: Evidence[]): Assessment {
  const signals = readSignals(incident, evidence);
  const decision = decide(signals);
  const actions: RecommendedAction[] =
    decision.verdict === "actionable"
      ? remediationActions(incident, handler, signals)
      : decision.verdict === "false_positive"
        ? falsePositiveActions(incident, handler, decision.cause)
        : [];

  const missing = evidence.filter((item) => item.status === "not_configured" || item.status === "error" || item.status === "timeout").map((item) => item.id);
  const remarks: string[] = [];
  if (signals.partial.length > 0) remarks.push(`Some evidence is incomplete: ${signals.partial.map((signal) => signal.evidenceId).join(", ")} returned partial results.`);
  if (missing.length > 0) remarks.push(`No answer from: ${missing.join(", ")}.`);

  return assertAssessment({
    verdict: decision.verdict,
    confidence: Math.round(decision.confidence * 100) / 100,
    summary: [decision.summary, ...remarks].join(" ").slice(0, MAX_SUMMARY_LENGTH),
    likelyCause: decision.cause.slice(0, MAX_CAUSE_LENGTH),
    citedEvidence: [...new Set(decision.cited.map((signal) => signal.evidenceId))],
    recommendedActions: actions,
    analyst: "rules",
  });
}

interface Decision {
  verdict: Assessment["verdict"];
  confidence: number;
  summary: string;
  cause: string;
  cited: Signal[];
}

function list(signals: Signal[]): string {
  return signals.map((signal) => signal.text).join("; ");
}

function decide(signals: EvidenceSignals): Decision {
  const { problems, recoveries, healthy, flapping, changes, alertResolved } = signals;
  const suspect = changes[0];

  if (problems.length > 0) {
    let confidence = Math.min(0.95, 0.6 + 0.1 * (problems.length - 1) + (suspect ? 0.05 : 0));
    if (alertResolved) confidence = Math.max(0.4, confidence - 0.15);
    const resolvedNote = alertResolved ? " The alert has resolved on its platform, but the evidence still shows a problem." : "";
    const cause = suspect
      ? `A ${suspect.change.isDeployment ? "deployment" : "change"} shortly before the alert: ${suspect.text}.`
      : signals.pressure.length > 0
        ? `Sustained resource pressure: ${list(signals.pressure)}.`
        : `${capitalize(problems[0].text)}.`;
    return {
      verdict: "actionable",
      confidence,
      summary: `The alert is real: ${list(problems)}.${resolvedNote}`,
      cause,
      cited: [...problems, ...(suspect ? [suspect] : [])],
    };
  }

  if (alertResolved) {
    return {
      verdict: "false_positive",
      confidence: recoveries.length + healthy.length > 0 ? 0.85 : 0.7,
      summary: `The alert resolved before the analysis and no evidence shows a current problem${healthy.length > 0 ? ` (${list(healthy)})` : ""}.`,
      cause: "A transient condition: the alert resolved on its own.",
      cited: [...recoveries, ...healthy],
    };
  }

  if (recoveries.length > 0 && healthy.length > 0) {
    return {
      verdict: "false_positive",
      confidence: 0.8,
      summary: `The condition has cleared: ${list(recoveries)}; and ${list(healthy)}.`,
      cause: `A transient condition: ${recoveries[0].text}.`,
      cited: [...recoveries, ...healthy],
    };
  }

  if (flapping.length > 0) {
    return {
      verdict: "inconclusive",
      confidence: 0.4,
      summary: `The condition is flapping: ${list(flapping)}. Watch it, or tune the alert's threshold or window.`,
      cause: suspect ? `Unclear; a recent ${suspect.change.isDeployment ? "deployment" : "change"} may play a part: ${suspect.text}.` : "Unclear: the metric moves around its threshold.",
      cited: [...flapping, ...(suspect ? [suspect] : [])],
    };
  }

  if (recoveries.length > 0) {
    return {
      verdict: "inconclusive",
      confidence: 0.5,
      summary: `The condition has cleared (${list(recoveries)}), but no probe or Resource Health status confirms the service is healthy.`,
      cause: "Probably a transient condition; nothing independent confirms it.",
      cited: recoveries,
    };
  }

  return {
    verdict: "inconclusive",
    confidence: 0.3,
    summary:
      healthy.length > 0
        ? `Nothing shows a problem (${list(healthy)}), but nothing tells whether the alert's own condition still holds.`
        : "The evidence does not settle whether the alert is real.",
    cause: "Unknown.",
    cited: healthy,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
