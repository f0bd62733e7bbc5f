import type { InvocationContext } from "@azure/functions";
import { getServices } from "./context";
import { readEvidence } from "./analyze";
import type { Evidence, MetricState } from "../../investigation/evidence";

export interface Recovery {
  recovered: boolean;
  summary: string;
}

type Reading = "healthy" | "unhealthy" | "unknown";

function read(item: Evidence): Reading {
  if (item.status !== "success" && item.status !== "partial") return "unknown";
  if (item.collector === "probe") {
    const healthy = item.findings?.healthy;
    if (healthy === true) return "healthy";
    if (healthy === false) return "unhealthy";
    return "unknown";
  }
  if (item.collector === "metrics") {
    const state = item.findings?.state as MetricState | undefined;
    if (state === "recovered") return "healthy";
    if (state === "breaching" || state === "flapping") return "unhealthy";
  }
  return "unknown";
}

/**
 * Decides from the verification evidence whether the resource recovered: at least one probe or
 * metric reads healthy and none reads unhealthy. Evidence that settles nothing (not configured,
 * failed, unknown metric state) counts for neither, so with no readable evidence the fix is not
 * verified and the agent escalates.
 */
export function assessRecovery(evidence: Evidence[]): Recovery {
  const readings = evidence.map((item) => ({ item, reading: read(item) }));
  const healthy = readings.filter((entry) => entry.reading === "healthy");
  const unhealthy = readings.filter((entry) => entry.reading === "unhealthy");
  const lines = readings.map((entry) => `${entry.item.collector} ${entry.reading}: ${entry.item.summary}`);

  if (evidence.length === 0) return { recovered: false, summary: "No probe or metric is available to verify the fix." };
  if (unhealthy.length > 0) return { recovered: false, summary: `Not recovered. ${lines.join(" ")}` };
  if (healthy.length === 0) return { recovered: false, summary: `The evidence cannot show a recovery. ${lines.join(" ")}` };
  return { recovered: true, summary: `Recovered. ${lines.join(" ")}` };
}

/** Reads the verification evidence from the thread, decides whether the fix worked, and posts the verdict. */
export async function assessRecoveryActivity(input: { incidentKey: string; evidenceIds: string[]; actions: string[] }, context: InvocationContext): Promise<Recovery> {
  const services = getServices();
  const wanted = new Set(input.evidenceIds);
  const evidence = (await readEvidence(services, input.incidentKey)).filter((item) => item && wanted.has(item.id));
  const recovery = assessRecovery(evidence);

  await services.threads.append(input.incidentKey, {
    id: "verification",
    author: "agent",
    kind: "verification",
    text: `Verification after: ${input.actions.join("; ")}. ${recovery.summary}`,
    data: { recovered: recovery.recovered, evidenceIds: input.evidenceIds, actions: input.actions },
  });
  context.log("Fix verified.", { incidentKey: input.incidentKey, recovered: recovery.recovered, evidence: evidence.length });
  return recovery;
}
