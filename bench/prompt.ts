import { performance } from "node:perf_hooks";
import { buildAnalysisPrompt, estimateTokens } from "../src/analysis/prompt";
import { readSettings } from "../src/config/settings";
import { toHandler } from "../src/handlers/defaults";
import { quickstartConfig } from "../src/handlers/quickstart";
import type { Incident } from "../src/intake/incident";
import type { Evidence } from "../src/investigation/evidence";
import { median } from "./support/stats";

/**
 * Prompt size: the LLM analyst's prompt for one incident as its log evidence grows from a few rows
 * to 100,000, built by the analysis module's prompt builder with the default token budget. Tokens
 * are the builder's own estimate (about 4 characters per token), not a tokenizer count.
 */

export interface PromptConfig {
  rowCounts: number[];
  /** Builds per row count; the build time is their median. */
  repeats: number;
}

export interface PromptRow {
  logRows: number;
  /** Estimated tokens of the evidence as collected, before the builder compacts it. */
  rawEvidenceTokens: number;
  estimatedTokens: number;
  promptChars: number;
  buildMs: number;
}

export interface PromptResult {
  tokenBudget: number;
  rows: PromptRow[];
  /**
   * Estimate at the largest row count minus the estimate at the first row count whose raw evidence alone
   * exceeds the budget: how much the prompt still grows once the builder must compact.
   */
  growthTokens: number;
  withinBudget: boolean;
}

const SITE = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-checkout-prod/providers/microsoft.web/sites/checkout-web";

function benchIncident(): Incident {
  const now = new Date().toISOString();
  return {
    key: "azure-monitor-6f1c2a9e-0b7d-4c55-9e21-3a8d5f0c1101",
    source: "azure-monitor",
    sourceId: "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.AlertsManagement/alerts/6f1c2a9e-0b7d-4c55-9e21-3a8d5f0c1101",
    title: "HTTP 5xx above 20 per minute on checkout-web",
    description: "Server errors on the checkout front end are above the alert threshold.",
    severity: "Sev2",
    priority: "P3",
    status: "investigating",
    service: "Log Alerts V2",
    alertRule: "checkout-5xx",
    targets: [SITE],
    subscriptions: ["00000000-0000-0000-0000-000000000001"],
    resourceGroups: ["rg-checkout-prod"],
    resourceTypes: ["microsoft.web/sites"],
    tags: { team: "checkout" },
    customProperties: { runbook: "https://wiki.example.com/runbooks/checkout-5xx" },
    condition: { kind: "log", query: "AppRequests | where ResultCode startswith '5' | summarize count() by bin(TimeGenerated, 1m)", operator: "GreaterThan", threshold: 20 },
    firedAt: now,
    createdAt: now,
    updatedAt: now,
    links: [],
  };
}

function logEvidence(rows: number): Evidence {
  const table = Array.from({ length: rows }, (_, index) => [
    new Date(Date.UTC(2025, 2, 14, 2, 0, index % 60, index % 1000)).toISOString(),
    `/api/cart/${index}/checkout`,
    String(500 + (index % 4)),
    `Upstream timeout after 30000 ms calling payments-api (attempt ${index % 3 + 1}); correlation ${index.toString(16).padStart(8, "0")}`,
  ]);
  return {
    id: "logs-alert-window",
    collector: "logs",
    status: "success",
    summary: `The alert's query returned ${rows} rows; the condition holds.`,
    attempted: { resource: SITE, query: "AppRequests | where ResultCode startswith '5'", window: "2025-03-14T02:00:00Z/2025-03-14T02:16:00Z" },
    findings: {
      queries: [{ name: "alert-window", status: "success", rowCount: rows, columns: ["TimeGenerated", "Url", "ResultCode", "Message"], rows: table, conditionHolds: true, value: rows }],
      conditionHolds: true,
      failedRequests: rows,
    },
    startedAt: new Date().toISOString(),
    durationMs: 840,
  };
}

function probeEvidence(): Evidence {
  return {
    id: "probe-1",
    collector: "probe",
    status: "success",
    summary: "GET https://checkout.example.com/health answered 503 in 120 ms.",
    attempted: { url: "https://checkout.example.com/health" },
    response: { status: 503, excerpt: "unhealthy: payments-api unreachable" },
    findings: { url: "https://checkout.example.com/health", source: "alert", healthy: false, statusCode: 503, latencyMs: 120, attempts: 2 },
    startedAt: new Date().toISOString(),
    durationMs: 130,
  };
}

export function runPrompt(config: PromptConfig): PromptResult {
  const budget = readSettings({}).llm.promptTokenBudget;
  const handler = toHandler("quickstart", quickstartConfig(), { approvalTimeoutMinutes: 30 });
  const incident = benchIncident();

  const rows = config.rowCounts.map((count) => {
    const evidence = [probeEvidence(), logEvidence(count)];
    const times: number[] = [];
    let prompt = buildAnalysisPrompt(incident, handler, evidence, budget);
    for (let repeat = 0; repeat < config.repeats; repeat++) {
      const started = performance.now();
      prompt = buildAnalysisPrompt(incident, handler, evidence, budget);
      times.push(performance.now() - started);
    }
    const promptText = prompt.messages.map((message) => String(message.content)).join("\n") + JSON.stringify(prompt.tools);
    return {
      logRows: count,
      rawEvidenceTokens: estimateTokens(JSON.stringify(evidence)),
      estimatedTokens: prompt.estimatedTokens,
      promptChars: promptText.length,
      buildMs: median(times),
    };
  });

  const compacted = rows.find((row) => row.rawEvidenceTokens > budget) ?? rows[rows.length - 1];
  return {
    tokenBudget: budget,
    rows,
    growthTokens: rows[rows.length - 1].estimatedTokens - compacted.estimatedTokens,
    withinBudget: rows.every((row) => row.estimatedTokens <= budget),
  };
}

