import type { Services } from "./services";
import type { Logger } from "./logger";
import type { OrchestrationPort } from "../workflow/port";
import { safeKey } from "../storage/keys";
import { intakeStores } from "../intake/stores";
import { approvalStore } from "../storage/approvals";
import { outboxStore } from "../storage/outbox";

/**
 * A store that keeps records beside incidents: it drops its records of one deleted incident
 * (`deleteIncident`), or those older than a cutoff (`deleteOlderThan`), or both.
 */
export interface RetentionParticipant {
  name: string;
  deleteIncident?(incidentKey: string): Promise<number>;
  deleteOlderThan?(cutoff: Date): Promise<number>;
}

export interface RetentionReport {
  cutoff: string;
  incidents: number;
  threadMessages: number;
  histories: number;
  other: Record<string, number>;
}

/**
 * Removes incidents created before the retention window, with their threads and orchestration
 * histories, and has every participant drop its old records. Newer data is untouched.
 * An unfinished orchestration is left alone even when old, so a long approval wait is never cut.
 */
export async function applyRetention(
  services: Services,
  port: OrchestrationPort,
  participants: RetentionParticipant[],
  logger: Logger,
  now = new Date(),
): Promise<RetentionReport> {
  const cutoff = new Date(now.getTime() - services.settings.retentionDays * 24 * 60 * 60 * 1000);
  const report: RetentionReport = { cutoff: cutoff.toISOString(), incidents: 0, threadMessages: 0, histories: 0, other: {} };

  for (const key of await services.incidents.listCreatedBefore(cutoff)) {
    try {
      const status = await port.status(safeKey(key));
      if (status && (status.runtimeStatus === "Running" || status.runtimeStatus === "Pending")) continue;
      if (status && (await port.purge(safeKey(key)))) report.histories++;
      report.threadMessages += await services.threads.deleteThread(key);
      for (const participant of participants) {
        if (!participant.deleteIncident) continue;
        report.other[participant.name] = (report.other[participant.name] ?? 0) + (await participant.deleteIncident(key));
      }
      // The incident record goes last, so a run that fails half-way finds the incident again next time.
      await services.incidents.delete(key);
      report.incidents++;
    } catch (error) {
      logger.error("Retention failed for an incident; it is retried on the next run.", { incidentKey: key, error: (error as Error).message });
    }
  }

  for (const participant of participants) {
    if (!participant.deleteOlderThan) continue;
    try {
      report.other[participant.name] = (report.other[participant.name] ?? 0) + (await participant.deleteOlderThan(cutoff));
    } catch (error) {
      logger.error(`Retention failed for ${participant.name}; it is retried on the next run.`, { error: (error as Error).message });
    }
  }

  logger.log("Retention run finished.", report);
  return report;
}

/** Lists the stores that keep records beside incidents, for `applyRetention`. */
export function retentionParticipants(services: Services): RetentionParticipant[] {
  const intake = intakeStores(services);
  const approvals = approvalStore(services);
  const outbox = outboxStore(services);
  return [
    { name: "rejectedPayloads", deleteOlderThan: (cutoff) => intake.rejected.deleteOlderThan(cutoff) },
    { name: "payloads", deleteIncident: (key) => intake.payloads.deletePartition(key), deleteOlderThan: (cutoff) => intake.payloads.deleteOlderThan(cutoff) },
    { name: "deliveries", deleteOlderThan: (cutoff) => intake.deliveries.deleteOlderThan(cutoff) },
    { name: "approvals", deleteIncident: (key) => approvals.deleteIncident(key) },
    { name: "outbox", deleteIncident: (key) => outbox.deleteIncident(key) },
  ];
}
