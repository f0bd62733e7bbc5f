import type { InvocationContext } from "@azure/functions";
import { getServices, loadIncident } from "./context";
import { selectHandler, type HandlerEvaluation } from "../../handlers/select";
import type { Handler } from "../../handlers/handler";

export interface RouteResult {
  handler: Handler | null;
}

function describe(evaluation: HandlerEvaluation): string {
  switch (evaluation.result) {
    case "matched":
      return `${evaluation.name} (order ${evaluation.order}): matched`;
    case "not-matched":
      return `${evaluation.name} (order ${evaluation.order}): not matched, ${evaluation.reason ?? "a filter failed"}`;
    case "disabled":
      return `${evaluation.name} (order ${evaluation.order}): disabled`;
    default:
      return `${evaluation.name} (order ${evaluation.order}): not evaluated`;
  }
}

/** Chooses the incident's handler, keeps its snapshot with the incident, and explains the choice in the thread. */
export async function routeIncidentActivity(input: { incidentKey: string }, context: InvocationContext): Promise<RouteResult> {
  const services = getServices();
  const incident = await loadIncident(services, input.incidentKey);
  const decision = await selectHandler(services, incident);
  const lines = decision.evaluations.map(describe);

  if (!decision.handler) {
    await services.threads.append(incident.key, {
      id: "routing",
      author: "agent",
      kind: "routing",
      text: ["No handler matched this incident.", ...lines].join("\n"),
      data: { handler: null, evaluations: decision.evaluations },
    });
    await services.threads.append(incident.key, {
      id: "not-handled",
      author: "agent",
      kind: "not-handled",
      text: "No handler takes this incident, so the agent writes nothing to its platform. Add a handler whose filters match it to let the agent work on incidents like this.",
    });
    await services.incidents.update(incident.key, (current) => (current.status === "resolved" ? undefined : { ...current, status: "not-handled" }));
    context.log("Incident not handled: no handler matched.", { incidentKey: incident.key });
    return { handler: null };
  }

  const handler = decision.handler;
  await services.threads.append(incident.key, {
    id: "routing",
    author: "agent",
    kind: "routing",
    text: [`Handler ${handler.name} takes this incident (${handler.autonomy} mode).`, ...lines].join("\n"),
    data: { handler: handler.name, autonomy: handler.autonomy, evaluations: decision.evaluations },
  });
  await services.incidents.update(incident.key, (current) => ({ ...current, handlerName: handler.name, handlerSnapshot: handler }));
  context.log("Incident routed.", { incidentKey: incident.key, handler: handler.name });
  return { handler };
}
