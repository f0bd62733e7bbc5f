import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";
import type { Assessment } from "./assessment";
import { assessWithLlm } from "./llm";
import { assessWithRules } from "./rules";

/**
 * Produces the assessment of `incident` from its evidence: the LLM analyst when a provider is
 * configured (it falls back to the rules on its own), the rule-based analyst otherwise. The
 * recommended actions are proposals; the caller applies the guardrails.
 */
export async function analyzeIncident(services: Services, incident: Incident, handler: Handler, evidence: Evidence[], logger: Logger): Promise<Assessment> {
  if (services.settings.llm.provider) return assessWithLlm(services, incident, handler, evidence, logger);
  return assessWithRules(incident, handler, evidence);
}
