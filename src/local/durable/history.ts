import { HistoryEventType } from "./library";

/** Failure data of a `TaskFailed` event, in the shape durable-functions turns into a `TaskFailedError`. */
export interface FailureDetails {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
}

/**
 * One history event in the shape the durable-functions replay reads. Payloads (`Input`, `Result`)
 * are JSON text, as the Durable extension sends them. `Attempt`, `RetryOf` and `GiveUp` are the
 * local runtime's own fields; the library ignores them.
 */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string;
  Result?: string;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetails;
  /** Attempt number of an activity called with retry options, from 1. */
  Attempt?: number;
  /** Task id of the first attempt, on the retry timers and later attempts of an activity called with retry options. */
  RetryOf?: number;
  /** Set when a retry is not run because the retry timeout expired: the failure to record instead. */
  GiveUp?: FailureDetails;
}

function event(type: number, at: Date, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: at.toISOString(), ...fields };
}

export const events = {
  orchestratorStarted: (at: Date) => event(HistoryEventType.OrchestratorStarted, at),
  orchestratorCompleted: (at: Date) => event(HistoryEventType.OrchestratorCompleted, at),
  executionStarted: (at: Date, name: string, input: string | undefined) => event(HistoryEventType.ExecutionStarted, at, { Name: name, Input: input }),
  executionCompleted: (at: Date, result: string | undefined) => event(HistoryEventType.ExecutionCompleted, at, { Result: result }),
  executionFailed: (at: Date, reason: string) => event(HistoryEventType.ExecutionFailed, at, { Reason: reason }),
  executionTerminated: (at: Date, reason: string) => event(HistoryEventType.ExecutionTerminated, at, { Input: JSON.stringify(reason) }),
  taskScheduled: (at: Date, id: number, name: string, input: string | undefined, extra: Partial<HistoryEvent> = {}) =>
    event(HistoryEventType.TaskScheduled, at, { EventId: id, Name: name, Input: input, ...extra }),
  taskCompleted: (at: Date, id: number, result: string) => event(HistoryEventType.TaskCompleted, at, { TaskScheduledId: id, Result: result }),
  taskFailed: (at: Date, id: number, failure: FailureDetails) =>
    event(HistoryEventType.TaskFailed, at, {
      TaskScheduledId: id,
      Reason: failure.ErrorMessage,
      Details: failure.StackTrace ?? "",
      FailureDetails: failure,
    }),
  timerCreated: (at: Date, id: number, fireAt: Date) => event(HistoryEventType.TimerCreated, at, { EventId: id, FireAt: fireAt.toISOString() }),
  timerFired: (at: Date, id: number, fireAt: string) => event(HistoryEventType.TimerFired, at, { TimerId: id, FireAt: fireAt }),
  eventRaised: (at: Date, name: string, input: string | undefined) => event(HistoryEventType.EventRaised, at, { Name: name, Input: input }),
};

/** Activity calls and timers of a history, by task id, and which of them have their result. */
export interface HistoryIndex {
  scheduled: Map<number, HistoryEvent>;
  /** Task ids with a `TaskCompleted` or `TaskFailed`. */
  finishedTasks: Set<number>;
  /** Timer ids with a `TimerFired`. */
  firedTimers: Set<number>;
  /** Timestamp of the last `OrchestratorStarted`, in milliseconds. */
  lastEpisodeAt: number;
}

export function indexHistory(history: Iterable<HistoryEvent>): HistoryIndex {
  const index: HistoryIndex = { scheduled: new Map(), finishedTasks: new Set(), firedTimers: new Set(), lastEpisodeAt: 0 };
  for (const item of history) addToIndex(index, item);
  return index;
}

export function addToIndex(index: HistoryIndex, item: HistoryEvent): void {
  switch (item.EventType) {
    case HistoryEventType.TaskScheduled:
    case HistoryEventType.TimerCreated:
      index.scheduled.set(item.EventId, item);
      break;
    case HistoryEventType.TaskCompleted:
    case HistoryEventType.TaskFailed:
      index.finishedTasks.add(item.TaskScheduledId!);
      break;
    case HistoryEventType.TimerFired:
      index.firedTimers.add(item.TimerId!);
      break;
    case HistoryEventType.OrchestratorStarted:
      index.lastEpisodeAt = Math.max(index.lastEpisodeAt, Date.parse(item.Timestamp));
      break;
  }
}

/** Activity calls that have no result yet: the work to (re)run. */
export function pendingActivities(index: HistoryIndex): HistoryEvent[] {
  return [...index.scheduled.values()].filter((item) => item.EventType === HistoryEventType.TaskScheduled && !index.finishedTasks.has(item.EventId));
}

/** Timers that have not fired yet. */
export function pendingTimers(index: HistoryIndex): HistoryEvent[] {
  return [...index.scheduled.values()].filter((item) => item.EventType === HistoryEventType.TimerCreated && !index.firedTimers.has(item.EventId));
}

/**
 * True when `message` adds nothing to the history: a second result for one activity call (an
 * activity can run twice after a crash), a second firing of one timer, or a result for a call that
 * was never scheduled.
 */
export function isRedundant(index: HistoryIndex, message: HistoryEvent): boolean {
  switch (message.EventType) {
    case HistoryEventType.TaskCompleted:
    case HistoryEventType.TaskFailed:
      return index.finishedTasks.has(message.TaskScheduledId!) || index.scheduled.get(message.TaskScheduledId!)?.EventType !== HistoryEventType.TaskScheduled;
    case HistoryEventType.TimerFired:
      return index.firedTimers.has(message.TimerId!) || index.scheduled.get(message.TimerId!)?.EventType !== HistoryEventType.TimerCreated;
    default:
      return false;
  }
}
