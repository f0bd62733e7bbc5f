import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";
import type { Assessment } from "./assessment";

/** Produces the assessment of `incident` from its evidence. */
export async function analyzeIncident(
  _services: Services,
  incident: Incident,
  _handler: Handler,
  evidence: Evidence[],
  _logger: Logger,
): Promise<Assessment> {
  // TODO: replaced by the rule-based and LLM analysts with guardrails.
  const failing = evidence.filter((item) => item.findings?.healthy === false);
  if (incident.status === "resolved") {
    return { verdict: "false_positive", confidence: 0.6, summary: "The alert resolved before the analysis.", likelyCause: "Transient condition.", citedEvidence: [], recommendedActions: [], analyst: "rules" };
  }
  if (failing.length > 0) {
    return { verdict: "actionable", confidence: 0.7, summary: "The health probe fails.", likelyCause: "The service is unhealthy.", citedEvidence: failing.map((item) => item.id), recommendedActions: [], analyst: "rules" };
  }
  return { verdict: "inconclusive", confidence: 0.3, summary: "The evidence does not settle whether the alert is real.", likelyCause: "Unknown.", citedEvidence: evidence.map((item) => item.id), recommendedActions: [], analyst: "rules" };
}
