import type { AcknowledgeResult } from "../acknowledge";
import type { IngestResult } from "../ingest";
import type { PromptResult } from "../prompt";
import type { StormResult } from "../storm";
import type { MachineFacts } from "./machine";
import { round } from "./stats";

/** Everything one `npm run bench` measured, as written to `bench/results/*.json`. */
export interface BenchReport {
  startedAt: string;
  durationSeconds: number;
  quick: boolean;
  machine: MachineFacts;
  ingest?: IngestResult;
  acknowledge?: AcknowledgeResult;
  storm?: StormResult;
  prompt?: PromptResult;
  goals: GoalCheck[];
}

/** A product goal and whether this run met it. */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
}

/** Checks the product's goals against the figures, for the report only: nothing fails on them. */
export function checkGoals(report: Omit<BenchReport, "goals">): GoalCheck[] {
  const goals: GoalCheck[] = [];
  if (report.ingest) {
    const worst = Math.max(...report.ingest.levels.map((level) => level.p95Ms));
    goals.push({ goal: "Ingest p95 < 50 ms at every concurrency level", measured: `worst p95 ${round(worst)} ms`, met: worst < 50 });
  }
  if (report.acknowledge) {
    const worst = Math.max(...report.acknowledge.rates.map((rate) => rate.ackP95Ms));
    const missing = report.acknowledge.rates.reduce((sum, rate) => sum + rate.missingAcks, 0);
    goals.push({ goal: "Acknowledgement p95 < 1 s at every arrival rate", measured: `worst p95 ${round(worst)} ms, ${missing} missing`, met: worst < 1000 && missing === 0 });
  }
  if (report.storm) {
    const storm = report.storm;
    const exact = storm.incidents === storm.distinctAlerts && storm.lostAlerts === 0 && storm.strayIncidents === 0;
    goals.push({ goal: "Storm: one incident per distinct alert, none lost", measured: `${storm.incidents} incidents for ${storm.distinctAlerts} alerts, ${storm.lostAlerts} lost`, met: exact });
  }
  if (report.prompt) {
    const prompt = report.prompt;
    goals.push({
      goal: `Prompt within the ${prompt.tokenBudget}-token budget and flat`,
      measured: `max ${Math.max(...prompt.rows.map((row) => row.estimatedTokens))} tokens, growth ${prompt.growthTokens} once compacted`,
      met: prompt.withinBudget && prompt.growthTokens <= prompt.tokenBudget / 100,
    });
  }
  return goals;
}

function table(header: string[], rows: Array<Array<string | number | undefined>>): string {
  const cell = (value: string | number | undefined): string => {
    if (value === undefined) return "–";
    if (typeof value === "number") return String(round(value));
    return value;
  };
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)].join("\n");
}

function counts(record: Record<string, number>): string {
  return Object.entries(record)
    .map(([name, count]) => `${name}: ${count}`)
    .join(", ");
}

/** Renders the report as Markdown: machine, goals, then one section per benchmark. */
export function renderMarkdown(report: BenchReport): string {
  const { machine } = report;
  const parts: string[] = [];
  parts.push(`# Benchmark results${report.quick ? " (quick run)" : ""}`);
  parts.push(
    `Run ${report.startedAt}, ${round(report.durationSeconds)} s. Command: \`${machine.command}\`. What each figure means: docs/benchmarks.md.`,
  );
  parts.push(
    table(
      ["Machine", "Value"],
      [
        ["CPU", `${machine.cpuModel}, ${machine.cores} cores`],
        ["Memory", `${machine.memoryGiB} GiB`],
        ["OS", machine.platform],
        ["Node", machine.node],
        ...Object.entries(machine.packages).map(([name, version]) => [name, version]),
        ["Commit", `${machine.gitCommit}${machine.gitDirty ? " (with uncommitted changes)" : ""}`],
      ],
    ),
  );

  parts.push("## Goals");
  parts.push(table(["Goal", "Measured", "Met"], report.goals.map((goal) => [goal.goal, goal.measured, goal.met ? "yes" : "no"])));

  if (report.ingest) {
    const ingest = report.ingest;
    parts.push("## Ingest");
    parts.push(
      table(
        ["Concurrency", "Alerts/s", "p50 ms", "p95 ms", "p99 ms", "Raw inserts/s", "Ingest ÷ raw", "Non-202", "Drain s"],
        ingest.levels.map((level) => [level.concurrency, level.alertsPerSecond, level.p50Ms, level.p95Ms, level.p99Ms, level.rawInsertsPerSecond, level.ratio.toFixed(3), level.non202, level.drainSeconds]),
      ),
    );
    parts.push(`${ingest.levels[0]?.requests ?? 0} alerts per level and run. Host peak RSS ${round(ingest.hostPeakRssMiB ?? Number.NaN)} MiB; host error lines ${ingest.hostErrors}.`);
  }

  if (report.acknowledge) {
    const ack = report.acknowledge;
    parts.push("## Time to acknowledge and to initial analysis");
    parts.push(
      table(
        ["Webhooks/s", "Ack p50 ms", "Ack p95 ms", "Ack max ms", "Analysis p50 ms", "Analysis p95 ms", "Analysis max ms", "Missing acks", "Missing analyses", "Non-202"],
        ack.rates.map((rate) => [
          rate.arrivalsPerSecond,
          rate.ackP50Ms,
          rate.ackP95Ms,
          rate.ackMaxMs,
          rate.analysisP50Ms,
          rate.analysisP95Ms,
          rate.analysisMaxMs,
          rate.missingAcks,
          rate.missingAnalyses,
          rate.non202,
        ]),
      ),
    );
    parts.push(
      `${ack.runs} runs of ${ack.incidentsPerRun} incidents per rate. PagerDuty requests over the whole benchmark: ${counts(ack.pagerDutyRequests)}. Host peak RSS ${round(ack.hostPeakRssMiB ?? Number.NaN)} MiB; host error lines ${ack.hostErrors}.`,
    );
  }

  if (report.storm) {
    const storm = report.storm;
    parts.push("## Storm");
    parts.push(
      table(
        ["Measure", "Value"],
        [
          ["Deliveries (distinct alerts × copies)", `${storm.deliveries} (${storm.distinctAlerts} × ${storm.deliveries / storm.distinctAlerts}), ${storm.alertsWithResolved} alerts with a Resolved`],
          ["Concurrency", storm.concurrency],
          ["Incidents created", storm.incidents],
          ["Lost alerts", storm.lostAlerts],
          ["Stray incidents", storm.strayIncidents],
          ["First-attempt statuses", counts(storm.statuses)],
          ["Outcomes", counts(storm.outcomes)],
          ["Deliveries failed after retries", storm.failedDeliveries],
          ["Deliveries/s", storm.deliveriesPerSecond],
          ["Seconds until every open incident had its analysis", storm.allAnalyzedSeconds],
          ["Open incidents without analysis at the end", storm.unanalyzed],
          ["Host peak RSS MiB", storm.hostPeakRssMiB],
          ["Azurite peak RSS MiB", storm.azuritePeakRssMiB],
          ["Host error lines", storm.hostErrors],
        ],
      ),
    );
    if (storm.firstHostErrors.length > 0) parts.push(`First host errors:\n\n${storm.firstHostErrors.map((line) => `- ${line}`).join("\n")}`);
    parts.push(`${storm.runs} run(s); counts are the worst run, times and memory the median.`);
  }

  if (report.prompt) {
    const prompt = report.prompt;
    parts.push("## Prompt size");
    parts.push(
      table(
        ["Log rows", "Evidence tokens (raw)", "Prompt tokens", "Prompt chars", "Build ms"],
        prompt.rows.map((row) => [row.logRows, row.rawEvidenceTokens, row.estimatedTokens, row.promptChars, row.buildMs]),
      ),
    );
    parts.push(`Budget ${prompt.tokenBudget} tokens (LLM_PROMPT_TOKEN_BUDGET default); the prompt grows by ${prompt.growthTokens} tokens from the first row count whose raw evidence exceeds the budget to the largest. Tokens are the builder's estimate of 4 characters per token.`);
  }
  return `${parts.join("\n\n")}\n`;
}
