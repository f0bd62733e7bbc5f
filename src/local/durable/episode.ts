import type { HistoryEvent, HistoryIndex } from "./history";
import { addToIndex, events, isRedundant } from "./history";
import { HistoryEventType } from "./library";
import type { NewWork, ReplayOutcome } from "./replay";
import { MAX_CUSTOM_STATUS_CHARS, MAX_INPUT_CHARS, type EpisodeCommit, type InboxMessage, type InstanceRecord } from "./store";

/** Inbox entities one episode consumes at most, which keeps its transaction under 100 operations. */
const MAX_MESSAGES_PER_EPISODE = 40;
/** JSON text of inbox events one episode consumes at most, with at least one event. */
const MAX_MESSAGE_CHARS_PER_EPISODE = 600_000;

/** One episode: what the replay decided, and what to commit for it. */
export interface Episode {
  commit: EpisodeCommit;
  index: HistoryIndex;
  outcome: ReplayOutcome;
}

/**
 * Takes the inbox events for one episode in arrival order, within the per-episode limits. Events
 * that add nothing (a second result of one activity call, a second firing of one timer) are
 * consumed without being added.
 */
export function takeInbox(inbox: InboxMessage[], index: HistoryIndex): { fresh: HistoryEvent[]; consumed: string[] } {
  const fresh: HistoryEvent[] = [];
  const consumed: string[] = [];
  let chars = 0;
  for (const message of inbox) {
    if (consumed.length >= MAX_MESSAGES_PER_EPISODE) break;
    if (consumed.length > 0 && chars + message.size > MAX_MESSAGE_CHARS_PER_EPISODE) break;
    consumed.push(message.rowKey);
    chars += message.size;
    if (isRedundant(index, message.event)) continue;
    const item = { ...message.event, IsPlayed: false };
    fresh.push(item);
    addToIndex(index, item);
  }
  return { fresh, consumed };
}

/** Turns a replay outcome into the episode's history events and status. */
export function settleOutcome(outcome: ReplayOutcome, record: InstanceRecord, index: HistoryIndex, added: HistoryEvent[], consumed: string[], now: Date): Episode {
  const customStatus = outcome.customStatus === undefined ? "" : JSON.stringify(outcome.customStatus) ?? "";
  if (customStatus.length > MAX_CUSTOM_STATUS_CHARS) {
    return failed(`The custom status is ${customStatus.length} characters of JSON; the local durable runtime stores at most ${MAX_CUSTOM_STATUS_CHARS}.`);
  }

  if (outcome.kind === "completed") {
    const output = JSON.stringify(outcome.output);
    if (output !== undefined && output.length > MAX_INPUT_CHARS) {
      return failed(`The output is ${output.length} characters of JSON; the local durable runtime stores at most ${MAX_INPUT_CHARS}.`);
    }
    const finalEvents = [...added, events.orchestratorCompleted(now), events.executionCompleted(now, output)];
    return { outcome, index, commit: { runtimeStatus: "Completed", output: output ?? "", customStatus, events: finalEvents, consumed } };
  }

  if (outcome.kind === "failed") return failed(outcome.reason);

  const scheduled = outcome.work.map((work) => scheduledEvent(work, now));
  for (const item of scheduled) addToIndex(index, item);
  const episodeEvents = [...added, ...scheduled, events.orchestratorCompleted(now)];
  return { outcome, index, commit: { runtimeStatus: "Running", customStatus, events: episodeEvents, consumed } };

  function failed(reason: string): Episode {
    const failure: ReplayOutcome = { kind: "failed", reason, customStatus: outcome.customStatus };
    const message = `Orchestrator function '${record.name}' failed: ${reason}`;
    const failEvents = [...added, events.orchestratorCompleted(now), events.executionFailed(now, reason)];
    // A failure keeps the last custom status unless the failed replay set a new one that fits.
    const keptStatus = outcome.customStatus === undefined || customStatus.length > MAX_CUSTOM_STATUS_CHARS ? undefined : customStatus;
    return { outcome: failure, index, commit: { runtimeStatus: "Failed", output: JSON.stringify(message), customStatus: keptStatus, events: failEvents, consumed } };
  }
}

/** Replaces an episode that is too large to commit with one that fails the instance. */
export function failEpisode(episode: Episode, record: InstanceRecord, reason: string): Episode {
  const now = new Date();
  const started = episode.commit.events.filter((item) => item.EventType === HistoryEventType.OrchestratorStarted || item.EventType === HistoryEventType.ExecutionStarted);
  const message = `Orchestrator function '${record.name}' failed: ${reason}`;
  return {
    outcome: { kind: "failed", reason, customStatus: undefined },
    index: episode.index,
    commit: {
      runtimeStatus: "Failed",
      output: JSON.stringify(message),
      events: [...started, events.orchestratorCompleted(now), events.executionFailed(now, reason)],
      consumed: episode.commit.consumed,
    },
  };
}

function scheduledEvent(work: NewWork, now: Date): HistoryEvent {
  if (work.kind === "timer") {
    return { ...events.timerCreated(now, work.id, work.fireAt), RetryOf: work.retryOf, GiveUp: work.giveUp };
  }
  return events.taskScheduled(now, work.id, work.name, work.input, { Attempt: work.attempt, RetryOf: work.retryOf, GiveUp: work.giveUp });
}
