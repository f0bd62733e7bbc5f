import type { Incident } from "../intake/incident";
import type { Services } from "../app/services";
import { compareHandlers, evaluate, type HandlerEvaluation, type RoutingDecision } from "./match";
import { formatViolations } from "./schema";
import { readHandlers } from "./store";

export type { HandlerEvaluation, RoutingDecision };

/**
 * Chooses the handler for `incident` from the stored handlers: the first enabled handler, in
 * order, whose filters all pass. A stored handler that fails the schema takes no incidents and is
 * listed as `disabled` with the reason.
 */
export async function selectHandler(services: Services, incident: Incident): Promise<RoutingDecision> {
  const { handlers, invalid } = await readHandlers(services);
  const decision = evaluate(handlers, incident);

  const unusable: HandlerEvaluation[] = invalid.map((handler) => ({
    name: handler.name,
    order: handler.order,
    result: "disabled",
    reason: `its stored configuration is invalid (${formatViolations(handler.violations).replace(/\n/g, "; ")}); fix it with PUT /api/handlers/${handler.name}`,
  }));
  const evaluations = [...decision.evaluations, ...unusable].sort(compareHandlers);

  return { handler: decision.handler, evaluations };
}
