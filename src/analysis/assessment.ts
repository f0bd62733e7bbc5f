import type { Verdict } from "../intake/incident";

export interface RecommendedAction {
  tool: string;
  arguments: Record<string, unknown>;
  rationale: string;
}

/** The analyst's decision on an incident; validated against its JSON Schema whatever produced it. */
export interface Assessment {
  verdict: Verdict;
  /** 0 to 1. */
  confidence: number;
  summary: string;
  likelyCause: string;
  /** Ids of the evidence items the assessment rests on. */
  citedEvidence: string[];
  recommendedActions: RecommendedAction[];
  /** `rules` or `llm:<model>`, with `fallback` when the LLM failed and the rules decided. */
  analyst: string;
  tokenUsage?: { prompt: number; completion: number };
  /** Remarks about how the assessment was made, for example why the LLM's answer was not used. */
  notes?: string[];
}
