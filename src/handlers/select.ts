import type { Incident } from "../intake/incident";
import type { Services } from "../app/services";
import type { Handler } from "./handler";

/** How one handler fared when an incident was routed. */
export interface HandlerEvaluation {
  name: string;
  order: number;
  result: "matched" | "not-matched" | "not-evaluated" | "disabled";
  /** For `not-matched`: the first filter that failed and why. */
  reason?: string;
}

export interface RoutingDecision {
  handler: Handler | null;
  evaluations: HandlerEvaluation[];
}

/** Chooses the handler for `incident`: the first enabled handler, in order, whose filters all pass. */
export async function selectHandler(_services: Services, _incident: Incident): Promise<RoutingDecision> {
  // TODO: replaced by the handler store and matching; until then every incident gets a reader-mode catch-all.
  const handler: Handler = {
    name: "quickstart",
    enabled: true,
    order: 1000,
    match: {},
    autonomy: "reader",
    tools: [],
    approval: { timeoutMinutes: 30, approvers: [], onTimeout: "escalate" },
  };
  return { handler, evaluations: [{ name: handler.name, order: handler.order, result: "matched" }] };
}
