import type OpenAI from "openai";
import type { Services } from "../app/services";
import type { Logger } from "../app/logger";
import type { Handler } from "../handlers/handler";
import type { Incident } from "../intake/incident";
import type { Evidence } from "../investigation/evidence";
import { TOOL_NAMES } from "../tools/catalog";
import type { Assessment, RecommendedAction } from "./assessment";
import { assessmentProblems, MAX_ACTIONS, MAX_RATIONALE_LENGTH } from "./assessmentSchema";
import { chatClient } from "./llmClient";
import { buildAnalysisPrompt, functionName, SUBMIT_TOOL } from "./prompt";
import { assessWithRules } from "./rules";

/** Corrective requests after an unusable reply, before the rule-based analyst decides instead. */
export const MAX_CORRECTIVE_RETRIES = 2;

type Usage = NonNullable<Assessment["tokenUsage"]>;

type Parsed = { ok: true; assessment: Assessment; notes: string[] } | { ok: false; problem: string };

/** Maps a function name back to its catalog tool; unknown names stay as they are, so the guardrails can name them. */
function toolOf(name: string, offered: Map<string, string>): string {
  return offered.get(name) ?? TOOL_NAMES.find((tool) => functionName(tool) === name) ?? name;
}

function parseArguments(name: string, raw: string): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    const shape = raw.trim() === "" ? "empty" : `${raw.length} characters, not valid JSON`;
    return { ok: false, problem: `the arguments of your ${name} call are malformed (${shape})` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false, problem: `the arguments of your ${name} call are not a JSON object` };
  return { ok: true, value: value as Record<string, unknown> };
}

/** Reads an assessment from a JSON reply, for endpoints that reply in text rather than tool calls. */
function parseContent(content: string | null | undefined): Record<string, unknown> | undefined {
  if (!content) return undefined;
  const unfenced = content.trim().replace(/^```(?:json)?\s*/i, "").replace(/```$/, "");
  try {
    const value = JSON.parse(unfenced);
    return value && typeof value === "object" && !Array.isArray(value) && "verdict" in value ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function toAction(tool: string, args: Record<string, unknown>): RecommendedAction {
  const { rationale, ...rest } = args;
  return { tool, arguments: rest, rationale: typeof rationale === "string" ? rationale.slice(0, MAX_RATIONALE_LENGTH) : "" };
}

/** Turns one completion into an assessment, or names what makes it unusable. */
function parseCompletion(completion: OpenAI.ChatCompletion, offered: Map<string, string>, evidenceIds: Set<string>, label: string): Parsed {
  const choice = completion.choices?.[0];
  if (!choice) return { ok: false, problem: "the reply has no choices" };
  if (choice.finish_reason === "length") return { ok: false, problem: "the reply was cut off at the token limit, so its tool-call arguments are truncated; keep the text shorter" };

  let submitted: Record<string, unknown> | undefined;
  const actions: RecommendedAction[] = [];
  for (const call of choice.message.tool_calls ?? []) {
    if (call.type !== "function") return { ok: false, problem: "the reply holds a custom tool call; use the offered functions" };
    const parsed = parseArguments(call.function.name, call.function.arguments ?? "");
    if (!parsed.ok) return parsed;
    if (call.function.name === SUBMIT_TOOL) submitted ??= parsed.value;
    else actions.push(toAction(toolOf(call.function.name, offered), parsed.value));
  }

  if (!submitted) {
    submitted = parseContent(choice.message.content);
    const listed = submitted?.recommendedActions;
    if (Array.isArray(listed)) {
      for (const entry of listed as Array<Record<string, unknown>>) {
        if (entry && typeof entry.tool === "string") {
          const args = entry.arguments && typeof entry.arguments === "object" ? (entry.arguments as Record<string, unknown>) : {};
          actions.push(toAction(toolOf(entry.tool, offered), { ...args, rationale: entry.rationale }));
        }
      }
    }
  }
  if (!submitted) return { ok: false, problem: `the reply did not call ${SUBMIT_TOOL}` };

  const notes: string[] = [];
  const cited = Array.isArray(submitted.citedEvidence) ? submitted.citedEvidence.filter((id): id is string => typeof id === "string") : [];
  const known = cited.filter((id) => evidenceIds.has(id));
  if (known.length < cited.length) notes.push(`The model cited evidence that does not exist (${cited.filter((id) => !evidenceIds.has(id)).join(", ")}); those ids were removed.`);
  if (actions.length > MAX_ACTIONS) notes.push(`The model proposed ${actions.length} actions; only the first ${MAX_ACTIONS} were kept.`);

  const assessment: Assessment = {
    verdict: submitted.verdict as Assessment["verdict"],
    confidence: submitted.confidence as number,
    summary: submitted.summary as string,
    likelyCause: submitted.likelyCause as string,
    citedEvidence: [...new Set(known)],
    recommendedActions: actions.slice(0, MAX_ACTIONS),
    analyst: `llm:${label}`,
  };
  const problems = assessmentProblems(assessment);
  if (problems.length > 0) return { ok: false, problem: `the assessment is invalid: ${problems.join("; ")}` };
  return { ok: true, assessment, notes };
}

function corrective(problem: string): OpenAI.ChatCompletionMessageParam {
  return {
    role: "user",
    content:
      `Your previous reply could not be used: ${problem}. Reply again from the start: call ${SUBMIT_TOOL} exactly once with complete, valid JSON arguments, ` +
      "and call an action tool only with complete, valid JSON arguments.",
  };
}

function addUsage(total: Usage, completion: OpenAI.ChatCompletion): void {
  total.prompt += completion.usage?.prompt_tokens ?? 0;
  total.completion += completion.usage?.completion_tokens ?? 0;
}

/**
 * The LLM analyst: one chat completion with the handler's allowed actions as tools, validated. An
 * unusable reply (truncated, malformed arguments, no assessment, invalid assessment) gets at most
 * `MAX_CORRECTIVE_RETRIES` corrective requests; after that, or when the request fails, the
 * rule-based analyst decides and the assessment says so in `notes`. Token use of every request is
 * summed into `tokenUsage`.
 */
export async function assessWithLlm(services: Services, incident: Incident, handler: Handler, evidence: Evidence[], logger: Logger): Promise<Assessment> {
  const usage: Usage = { prompt: 0, completion: 0 };
  const fallback = (note: string, label = "llm"): Assessment => {
    const rules = assessWithRules(incident, handler, evidence);
    return { ...rules, analyst: `rules (fallback from ${label})`, notes: [note], ...(usage.prompt + usage.completion > 0 ? { tokenUsage: usage } : {}) };
  };

  let chat;
  try {
    chat = chatClient(services);
  } catch (error) {
    logger.warn("LLM analyst is not configured; the rule-based analyst decides.", { incidentKey: incident.key, error: (error as Error).message });
    return fallback(`The LLM analyst is not configured: ${(error as Error).message}`);
  }

  const prompt = buildAnalysisPrompt(incident, handler, evidence, services.settings.llm.promptTokenBudget);
  const evidenceIds = new Set(evidence.map((item) => item.id));
  const problems: string[] = [];
  let messages = prompt.messages;

  for (let attempt = 0; attempt <= MAX_CORRECTIVE_RETRIES; attempt++) {
    let completion: OpenAI.ChatCompletion;
    try {
      completion = await chat.client.chat.completions.create({ model: chat.model, messages, tools: prompt.tools, tool_choice: "auto" });
    } catch (error) {
      logger.warn("LLM request failed; the rule-based analyst decides.", { incidentKey: incident.key, error: (error as Error).message });
      return fallback(`The LLM request failed: ${(error as Error).message}`, `llm:${chat.label}`);
    }
    addUsage(usage, completion);

    const parsed = parseCompletion(completion, prompt.functionTools, evidenceIds, chat.label);
    if (parsed.ok) {
      const notes = [...(problems.length > 0 ? [`The model needed ${problems.length} corrective request(s): ${problems.join("; ")}.`] : []), ...parsed.notes];
      return { ...parsed.assessment, tokenUsage: usage, ...(notes.length > 0 ? { notes } : {}) };
    }
    problems.push(parsed.problem);
    logger.warn("LLM reply unusable.", { incidentKey: incident.key, attempt: attempt + 1, problem: parsed.problem });
    messages = [...prompt.messages, corrective(parsed.problem)];
  }

  return fallback(
    `The LLM's answer was unusable after ${MAX_CORRECTIVE_RETRIES + 1} requests (${problems.join("; ")}), so the rule-based analyst decided.`,
    `llm:${chat.label}`,
  );
}
