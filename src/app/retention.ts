import type { Services } from "./services";
import type { Logger } from "./logger";
import type { OrchestrationPort } from "../workflow/port";
import { safeKey } from "../storage/keys";

/** A store that keeps records beside incidents and can drop those older than a cutoff. */
export interface RetentionParticipant {
  name: string;
  deleteOlderThan(cutoff: Date): Promise<number>;
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
 * histories, and asks every other participant to drop its old records. Newer data is untouched.
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
      await services.incidents.delete(key);
      report.incidents++;
    } catch (error) {
      logger.error("Retention failed for an incident; it is retried on the next run.", { incidentKey: key, error: (error as Error).message });
    }
  }

  for (const participant of participants) {
    try {
      report.other[participant.name] = await participant.deleteOlderThan(cutoff);
    } catch (error) {
      logger.error(`Retention failed for ${participant.name}; it is retried on the next run.`, { error: (error as Error).message });
    }
  }

  logger.log("Retention run finished.", report);
  return report;
}
