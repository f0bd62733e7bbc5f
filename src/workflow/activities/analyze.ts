import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import type { Handler } from "../../handlers/handler";
import type { Evidence } from "../../investigation/evidence";
import type { Assessment } from "../../analysis/assessment";
import { analyzeIncident } from "../../analysis/analyze";
import type { Services } from "../../app/services";

/** Reads the evidence items of an incident from its thread. */
export async function readEvidence(services: Services, incidentKey: string): Promise<Evidence[]> {
  const messages = await services.threads.list(incidentKey);
  return messages.filter((message) => message.kind === "evidence").map((message) => message.data as Evidence);
}

function formatAnalysis(assessment: Assessment): string {
  const confidence = `${Math.round(assessment.confidence * 100)}%`;
  const lines = [
    `Verdict: ${assessment.verdict} (confidence ${confidence}, analyst ${assessment.analyst}).`,
    assessment.summary,
    `Likely cause: ${assessment.likelyCause}`,
  ];
  if (assessment.citedEvidence.length > 0) lines.push(`Evidence: ${assessment.citedEvidence.join(", ")}.`);
  for (const action of assessment.recommendedActions) lines.push(`Recommended: ${action.tool} — ${action.rationale}`);
  return lines.join("\n");
}

/** Turns the evidence into an assessment and posts the initial analysis to the thread. */
export async function analyzeIncidentActivity(input: { incidentKey: string; handler: Handler }, context: InvocationContext): Promise<Assessment> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const evidence = await readEvidence(services, incident.key);
  const assessment = await analyzeIncident(services, incident, input.handler, evidence, context);
  const now = new Date().toISOString();

  await services.threads.append(incident.key, {
    id: "analysis",
    author: "agent",
    kind: "analysis",
    text: formatAnalysis(assessment),
    data: assessment,
  });
  await services.incidents.update(incident.key, (current) => ({
    ...current,
    verdict: assessment.verdict,
    confidence: assessment.confidence,
    analyzedAt: current.analyzedAt ?? now,
  }));
  context.log("Incident analyzed.", { incidentKey: incident.key, verdict: assessment.verdict, analyst: assessment.analyst });
  return assessment;
}
