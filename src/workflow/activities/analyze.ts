import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import type { Handler } from "../../handlers/handler";
import type { Evidence } from "../../investigation/evidence";
import type { Assessment, RecommendedAction } from "../../analysis/assessment";
import { analyzeIncident } from "../../analysis/analyze";
import { applyGuardrails, type DroppedAction } from "../../analysis/guardrails";
import { redact } from "../../analysis/redact";
import type { Services } from "../../app/services";

/** Reads the evidence items of an incident from its thread. */
export async function readEvidence(services: Services, incidentKey: string): Promise<Evidence[]> {
  const messages = await services.threads.list(incidentKey);
  return messages.filter((message) => message.kind === "evidence").map((message) => message.data as Evidence);
}

function formatArguments(action: RecommendedAction): string {
  const text = JSON.stringify(action.arguments);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function formatAnalysis(assessment: Assessment): string {
  const confidence = `${Math.round(assessment.confidence * 100)}%`;
  const lines = [
    `Verdict: ${assessment.verdict} (confidence ${confidence}, analyst ${assessment.analyst}).`,
    assessment.summary,
    `Likely cause: ${assessment.likelyCause}`,
  ];
  if (assessment.citedEvidence.length > 0) lines.push(`Evidence: ${assessment.citedEvidence.join(", ")}.`);
  for (const action of assessment.recommendedActions) lines.push(`Recommended: ${action.tool} ${formatArguments(action)} — ${action.rationale}`);
  for (const note of assessment.notes ?? []) lines.push(`Note: ${note}`);
  return lines.join("\n");
}

function formatDropped(dropped: DroppedAction): string {
  return `Dropped the proposed action ${dropped.action.tool} ${formatArguments(dropped.action)}: ${dropped.reason}.`;
}

/** Scrubs the model-written text of an assessment; the arguments were validated against their schemas and stay as they are. */
function redactText(assessment: Assessment): Assessment {
  return {
    ...assessment,
    summary: redact(assessment.summary),
    likelyCause: redact(assessment.likelyCause),
    recommendedActions: assessment.recommendedActions.map((action) => ({ ...action, rationale: redact(action.rationale) })),
    ...(assessment.notes ? { notes: assessment.notes.map(redact) } : {}),
  };
}

/**
 * Turns the evidence into an assessment, applies the guardrails, and posts to the thread: notices
 * (possible prompt injection, token use), the initial analysis with the accepted actions only, and
 * one `action-dropped` message per dropped proposal. Returns the assessment with only the accepted
 * actions. Message ids are fixed per incident, so a retried activity does not post twice.
 */
export async function analyzeIncidentActivity(input: { incidentKey: string; handler: Handler }, context: InvocationContext): Promise<Assessment> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const evidence = await readEvidence(services, incident.key);
  const proposed = await analyzeIncident(services, incident, input.handler, evidence, context);
  const guarded = applyGuardrails(proposed, input.handler, incident, evidence);
  const notes = [...(proposed.notes ?? [])];
  if (guarded.verdict) notes.push(`The guardrails changed the verdict from ${proposed.verdict} to ${guarded.verdict.verdict}: ${guarded.verdict.reason}`);
  const assessment = redactText({
    ...proposed,
    ...(guarded.verdict ? { verdict: guarded.verdict.verdict } : {}),
    recommendedActions: guarded.accepted,
    ...(notes.length > 0 ? { notes } : {}),
  });
  const now = new Date().toISOString();

  for (const [index, notice] of guarded.notices.entries()) {
    await services.threads.append(incident.key, { id: `notice-analysis-${index + 1}`, author: "agent", kind: "notice", text: notice });
  }

  await services.threads.append(incident.key, {
    id: "analysis",
    author: "agent",
    kind: "analysis",
    text: formatAnalysis(assessment),
    data: assessment,
  });

  for (const [index, dropped] of guarded.dropped.entries()) {
    await services.threads.append(incident.key, {
      id: `action-dropped-${index + 1}`,
      author: "agent",
      kind: "action-dropped",
      text: redact(formatDropped(dropped)),
      data: { action: dropped.action, reason: dropped.reason },
    });
  }

  if (assessment.tokenUsage) {
    const { prompt, completion } = assessment.tokenUsage;
    await services.threads.append(incident.key, {
      id: "notice-token-use",
      author: "agent",
      kind: "notice",
      text: `The LLM analyst used ${prompt + completion} tokens (${prompt} prompt, ${completion} completion).`,
      data: { tokenUsage: assessment.tokenUsage, analyst: assessment.analyst },
    });
  }

  await services.incidents.update(incident.key, (current) => ({
    ...current,
    verdict: assessment.verdict,
    confidence: assessment.confidence,
    analyzedAt: current.analyzedAt ?? now,
  }));
  context.log("Incident analyzed.", {
    incidentKey: incident.key,
    verdict: assessment.verdict,
    analyst: assessment.analyst,
    accepted: guarded.accepted.length,
    dropped: guarded.dropped.length,
  });
  return assessment;
}
