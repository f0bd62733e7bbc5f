import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import { readEvidence } from "./analyze";
import type { Handler } from "../../handlers/handler";
import type { Assessment } from "../../analysis/assessment";
import { closingActions, planActions } from "../../tools/plan";
import type { PlannedAction } from "../../tools/types";
import type { Incident } from "../../intake/incident";
import type { Services } from "../../app/services";

/** Why the agent stops acting: who ended the incident, and the outcome the close step records. */
export interface ActStop {
  outcome: "escalated" | "resolved";
  reason: string;
  /** Set when the platform or a person ended the agent's work rather than the agent itself. */
  endedBy?: "platform" | "person";
}

export interface PlanActionsResult {
  stop?: ActStop;
  updates: PlannedAction[];
  remediations: PlannedAction[];
  closing: PlannedAction[];
}

/** Returns why the agent must not write to `incident` any more, or undefined while it may. */
export function stopReason(incident: Incident): ActStop | undefined {
  if (incident.takenOverBy) {
    return { outcome: "escalated", endedBy: "person", reason: `${incident.takenOverBy} took over the incident, so the agent makes no further changes to it.` };
  }
  if (incident.status === "resolved") {
    return { outcome: "resolved", endedBy: "platform", reason: "The incident is resolved on its platform, so the agent makes no further changes to it." };
  }
  return undefined;
}

async function postRecommendations(services: Services, incident: Incident, actions: PlannedAction[]): Promise<void> {
  for (const action of actions) {
    await services.threads.append(incident.key, {
      id: `recommendation-${action.id}`,
      author: "agent",
      kind: "notice",
      text: `Recommended (agent writes are off, so the agent does not run it): ${action.description}. Why: ${action.rationale}`,
      data: { recommendation: true, tool: action.tool, arguments: action.arguments },
    });
  }
}

/**
 * Checks the assessment's actions again (tool allowed, schema, scope) and sorts them into the
 * plan; drops go to the thread. With AGENT_WRITES_ENABLED=false every action becomes a
 * recommendation in the thread and the agent stops.
 */
export async function planActionsActivity(input: { incidentKey: string; handler: Handler; assessment: Assessment }, context: InvocationContext): Promise<PlanActionsResult> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const empty = { updates: [], remediations: [], closing: [] };
  const stop = stopReason(incident);
  if (stop) return { stop, ...empty };

  const evidence = await readEvidence(services, incident.key);
  const plan = planActions(incident, input.handler, input.assessment, evidence);
  for (const dropped of plan.dropped) {
    await services.threads.append(incident.key, {
      id: `action-dropped-plan-${dropped.tool}-${plan.dropped.indexOf(dropped) + 1}`,
      author: "agent",
      kind: "action-dropped",
      text: `Dropped ${dropped.tool}: ${dropped.reason}`,
      data: dropped,
    });
  }

  const all = [...plan.updates, ...plan.remediations, ...plan.closing];
  if (!services.settings.agentWritesEnabled && all.length > 0) {
    await postRecommendations(services, incident, all);
    context.log("Agent writes are off; actions posted as recommendations.", { incidentKey: incident.key, actions: all.length });
    return {
      stop: { outcome: "escalated", reason: "Agent writes are off (AGENT_WRITES_ENABLED=false): the recommended actions are in the thread for the on-call team." },
      ...empty,
    };
  }

  context.log("Actions planned.", { incidentKey: incident.key, updates: plan.updates.length, remediations: plan.remediations.length, closing: plan.closing.length });
  return { updates: plan.updates, remediations: plan.remediations, closing: plan.closing };
}

export interface PlanClosingInput {
  incidentKey: string;
  handler: Handler;
  assessment: Pick<Assessment, "likelyCause">;
  /** Descriptions of the remediations that ran. */
  actions: string[];
  verification: string;
}

/** Builds the resolve/close actions after a verified fix, with a note of cause, action and evidence. */
export async function planClosingActivity(input: PlanClosingInput): Promise<PlannedAction[]> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const summary = [
    "Resolved by the SRE agent after a verified fix.",
    `Cause: ${input.assessment.likelyCause}`,
    `Action: ${input.actions.join("; ")}.`,
    `Verification: ${input.verification}`,
  ].join(" ");
  return closingActions(incident, input.handler, "close", summary);
}
