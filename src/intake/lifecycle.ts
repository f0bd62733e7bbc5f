import type { Services } from "../app/services";
import type { OrchestrationPort } from "../workflow/port";
import { EVENT, INCIDENT_ORCHESTRATOR, type IncidentOrchestrationInput } from "../workflow/names";
import { safeKey } from "../storage/keys";
import type { MessageKind, NewThreadMessage } from "../storage/threads";
import type { Incident } from "./incident";

/** Error for an orchestration runtime that failed or could not be reached, so intake returns 503 and the sender retries. */
export class OrchestrationUnavailableError extends Error {
  override name = "OrchestrationUnavailableError";
}

/** The intake outcomes of the HTTP contract. */
export type IntakeOutcome = "created" | "duplicate" | "updated" | "resolved" | "ignored" | "echo";

/**
 * Starts the incident orchestration with the instance id derived from `incidentKey`. The port never
 * replaces an existing instance, so calling this again for the same key is safe.
 */
export async function startIncidentOrchestration(
  port: OrchestrationPort,
  incidentKey: string,
  options: { verifyDelayMinutes?: number } = {},
): Promise<"started" | "exists"> {
  const input: IncidentOrchestrationInput = { incidentKey, verifyDelayMinutes: options.verifyDelayMinutes };
  try {
    return await port.start(INCIDENT_ORCHESTRATOR, safeKey(incidentKey), input);
  } catch (error) {
    throw new OrchestrationUnavailableError(`Starting the orchestration of ${incidentKey} failed: ${(error as Error).message}`, { cause: error });
  }
}

/** Raises `eventName` on the incident's orchestration; false when it is not running. */
export async function raiseIncidentEvent(port: OrchestrationPort, incidentKey: string, eventName: string, data: unknown): Promise<boolean> {
  try {
    return await port.raiseEvent(safeKey(incidentKey), eventName, data);
  } catch (error) {
    throw new OrchestrationUnavailableError(`Raising ${eventName} on ${incidentKey} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Opens an incident: the atomic insert of its record is the de-duplication point, and the
 * orchestration start follows. When the record already exists, the start is repeated unless the
 * incident is resolved, so a delivery whose first attempt stored the record but failed to start
 * (or whose process died in between) heals on the sender's retry.
 *
 * Outcomes: `created` when this call inserted the record or started the orchestration, `ignored`
 * for a tombstone left by an early `Resolved`, `duplicate` otherwise.
 */
export async function openIncident(services: Services, port: OrchestrationPort, incident: Incident): Promise<"created" | "duplicate" | "ignored"> {
  if ((await services.incidents.create(incident)) === "created") {
    await startIncidentOrchestration(port, incident.key, { verifyDelayMinutes: services.settings.verifyDelayMinutes });
    return "created";
  }

  const stored = await services.incidents.get(incident.key);
  if (!stored) {
    // Deleted between the insert and the read (retention); the sender's retry creates it again.
    throw new OrchestrationUnavailableError(`Incident ${incident.key} disappeared while it was opened.`);
  }
  if (stored.incident.tombstone) return "ignored";
  if (stored.incident.status === "resolved") return "duplicate";
  const started = await startIncidentOrchestration(port, incident.key, { verifyDelayMinutes: services.settings.verifyDelayMinutes });
  return started === "started" ? "created" : "duplicate";
}

export interface Resolution {
  resolvedAt: string;
  /** Thread message id, stable across redeliveries. */
  messageId: string;
  text: string;
  data?: unknown;
  /** Data of the `AlertResolved` event. */
  eventData: unknown;
}

/**
 * Marks the incident resolved, writes the thread message and raises `AlertResolved`. Each step is
 * idempotent and all of them run on every delivery, so a retry completes a partial earlier attempt.
 * Returns whether the thread message is new, which distinguishes a first delivery from a repeat.
 */
export async function resolveIncident(services: Services, port: OrchestrationPort, incidentKey: string, resolution: Resolution): Promise<{ firstDelivery: boolean; raised: boolean }> {
  let wasResolved = false;
  await services.incidents.update(incidentKey, (current) => {
    wasResolved = current.status === "resolved";
    if (wasResolved) return undefined;
    return { ...current, status: "resolved", resolvedAt: current.resolvedAt ?? resolution.resolvedAt };
  });

  // An incident that the agent or a person already resolved gets the platform's word as an update.
  const kind: MessageKind = wasResolved ? "platform-update" : "resolved";
  const firstDelivery = await services.threads.append(incidentKey, { id: resolution.messageId, author: "platform", kind, text: resolution.text, data: resolution.data });
  const raised = await raiseIncidentEvent(port, incidentKey, EVENT.alertResolved, resolution.eventData);
  return { firstDelivery, raised };
}

export interface Takeover {
  /** Name of the person who took over, with the platform's user id. */
  by: string;
  text: string;
  data?: unknown;
  /** Data of the `Takeover` event. */
  eventData: unknown;
}

/**
 * Records that a person took the incident over: sets `takenOverBy` (the first person stays),
 * writes one `takeover` thread message and raises `Takeover` so the agent stops writing.
 */
export async function recordTakeover(services: Services, port: OrchestrationPort, incidentKey: string, takeover: Takeover): Promise<void> {
  await services.incidents.update(incidentKey, (current) => (current.takenOverBy ? undefined : { ...current, takenOverBy: takeover.by }));
  const message: NewThreadMessage = { id: "takeover", author: "platform", kind: "takeover", text: takeover.text, data: takeover.data };
  await services.threads.append(incidentKey, message);
  await raiseIncidentEvent(port, incidentKey, EVENT.takeover, takeover.eventData);
}
