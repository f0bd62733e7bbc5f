import { randomUUID } from "node:crypto";
import { DummyOrchestrationContext, type OrchestrationHandler } from "durable-functions";
import type { Logger } from "../../app/logger";
import { type FailureDetails, type HistoryEvent, type HistoryIndex } from "./history";
import {
  ActionType,
  HistoryEventType,
  LONG_RUNNING_TIMER_INTERVAL_DURATION,
  MAXIMUM_SHORT_TIMER_DURATION,
  OUT_OF_PROC_DATA_LABEL,
  UPPER_SCHEMA_VERSION,
  createOrchestrator,
  isRetryableTask,
  type LibraryAction,
  type LibraryRetryableTask,
  type LibraryTask,
  type OrchestratorState,
} from "./library";
import { decideRetry, type RetryDecision } from "./retry";

/** An activity call or timer that a replay asked for and the history does not hold yet. */
export type NewWork =
  | {
      kind: "activity";
      id: number;
      name: string;
      input: string | undefined;
      /** Attempt number, from 1, for calls with retry options; undefined for plain calls. */
      attempt?: number;
      /** Task id of the first attempt, for retries. */
      retryOf?: number;
      giveUp?: FailureDetails;
    }
  | {
      kind: "timer";
      id: number;
      fireAt: Date;
      retryOf?: number;
      giveUp?: FailureDetails;
      /** For retry timers: the failed activity and what the retry options decided. */
      retry?: {
        activity: string;
        failedAttempts: number;
        maxAttempts: number;
        decision: RetryDecision;
        error: string;
        /** True when an earlier retry timer of this call already gave up (nothing new to log). */
        repeated: boolean;
      };
    };

export type ReplayOutcome =
  | { kind: "completed"; output: unknown; customStatus: unknown }
  | { kind: "failed"; reason: string; customStatus: unknown }
  | { kind: "running"; customStatus: unknown; work: NewWork[] };

export interface ReplayRequest {
  name: string;
  orchestrator: OrchestrationHandler;
  instanceId: string;
  input: unknown;
  /** The whole history, ending with this episode's `OrchestratorStarted` and new events. */
  history: HistoryEvent[];
  /** Index of `history`. */
  index: HistoryIndex;
  /** This episode's time (its `OrchestratorStarted` timestamp). */
  now: Date;
  /** Receives the orchestrator's own `context.log` lines, except while it replays. */
  logger: Logger;
}

/** Largest JSON text of one payload (activity input or result, event data) the runtime stores. */
export const MAX_PAYLOAD_CHARS = 300_000;

const SUPPORTED_ACTIONS = new Set([
  ActionType.CallActivity,
  ActionType.CallActivityWithRetry,
  ActionType.CreateTimer,
  ActionType.WaitForExternalEvent,
  ActionType.WhenAll,
  ActionType.WhenAny,
]);

/**
 * Replays `history` through durable-functions' own `Orchestrator` and returns what the
 * orchestrator did: finished, failed, or waiting, with the activity calls and timers it asked for
 * that the history does not contain yet.
 */
export async function replay(request: ReplayRequest): Promise<ReplayOutcome> {
  const orchestrator = createOrchestrator(request.orchestrator);
  const context = new DummyOrchestrationContext(request.name, randomUUID(), (level, ...args) => {
    if ((context.df as { isReplaying?: boolean } | undefined)?.isReplaying) return;
    const tagged = [`orchestration ${request.name} (${request.instanceId}):`, ...args];
    if (level === "error" || level === "critical") request.logger.error(...tagged);
    else if (level === "warning") request.logger.warn(...tagged);
    else request.logger.log(...tagged);
  });

  let state: OrchestratorState;
  try {
    state = await orchestrator.listen()(
      {
        // The library converts `Timestamp` strings to dates in place, so it gets its own copy.
        history: structuredClone(request.history),
        input: request.input,
        instanceId: request.instanceId,
        isReplaying: false,
        parentInstanceId: undefined,
        upperSchemaVersion: UPPER_SCHEMA_VERSION,
        maximumShortTimerDuration: MAXIMUM_SHORT_TIMER_DURATION,
        longRunningTimerIntervalDuration: LONG_RUNNING_TIMER_INTERVAL_DURATION,
        defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
      },
      context,
    );
  } catch (error) {
    const failure = readOrchestrationFailure(error);
    return { kind: "failed", reason: failure.reason, customStatus: failure.customStatus };
  }

  const unsupported = findUnsupportedAction(state.actions.flat());
  if (unsupported !== undefined) {
    return { kind: "failed", reason: unsupportedActionMessage(unsupported), customStatus: state.customStatus };
  }

  if (state.isDone) return { kind: "completed", output: state.output, customStatus: state.customStatus };

  const openTasks = Object.values(orchestrator.taskOrchestrationExecutor?.openTasks ?? {});
  const work: NewWork[] = [];
  for (const task of openTasks.filter((item): item is LibraryTask & { id: number } => typeof item.id === "number").sort((a, b) => a.id - b.id)) {
    const next = describeOpenTask(task, request);
    if (typeof next === "string") return { kind: "failed", reason: next, customStatus: state.customStatus };
    if (next) work.push(next);
  }
  return { kind: "running", customStatus: state.customStatus, work };
}

export function unsupportedActionMessage(actionType: number): string {
  const name = ActionType[actionType] ?? `action type ${actionType}`;
  return (
    `The local durable runtime does not support the ${name} action. ` +
    "It runs activity calls (with or without retry options), timers, external events, Task.all and Task.any; " +
    "run the app with the Azure Functions host for the rest."
  );
}

function findUnsupportedAction(actions: LibraryAction[]): number | undefined {
  for (const action of actions) {
    if (!SUPPORTED_ACTIONS.has(action.actionType)) return action.actionType;
    const inner = action.compoundActions ? findUnsupportedAction(action.compoundActions) : undefined;
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/**
 * Returns the new work an open task stands for, undefined when it needs none (already in history,
 * or a cancelled timer), or an error message when the history disagrees with the replay.
 */
function describeOpenTask(task: LibraryTask & { id: number }, request: ReplayRequest): NewWork | undefined | string {
  const existing = request.index.scheduled.get(task.id);
  const parent = task.parent;

  if (task.actionObj === "noOp" && isRetryableTask(parent)) {
    return parent.isWaitingOnTimer ? retryTimer(task.id, parent, existing, request) : retryAttempt(task.id, parent, existing, request);
  }

  const action = task.actionObj;
  if (typeof action === "string") return `The local durable runtime cannot run task ${task.id} (${action}).`;

  if (action.actionType === ActionType.CreateTimer) {
    if (existing) return checkSame(existing, HistoryEventType.TimerCreated, undefined, task.id);
    if (action.isCanceled) return undefined;
    return { kind: "timer", id: task.id, fireAt: new Date(action.fireAt!) };
  }

  if (action.actionType === ActionType.CallActivity || action.actionType === ActionType.CallActivityWithRetry) {
    if (existing) return checkSame(existing, HistoryEventType.TaskScheduled, action.functionName, task.id);
    return activityCall(task.id, action, action.actionType === ActionType.CallActivityWithRetry ? 1 : undefined);
  }

  return unsupportedActionMessage(action.actionType);
}

function retryTimer(id: number, parent: LibraryRetryableTask, existing: HistoryEvent | undefined, request: ReplayRequest): NewWork | undefined | string {
  if (existing) return checkSame(existing, HistoryEventType.TimerCreated, undefined, id);

  const firstId = parent.innerTask.id as number;
  const firstAttemptAt = Date.parse(request.index.scheduled.get(firstId)?.Timestamp ?? request.now.toISOString());
  const failedAttempts = parent.attemptNumber - 1;
  const decision = decideRetry(parent.retryOptions, failedAttempts, firstAttemptAt, request.now.getTime());
  const failure = failureOf(parent.error);
  const delayMs = decision.kind === "retry" ? decision.delayMs : 0;
  const repeated = [...request.index.scheduled.values()].some((item) => item.RetryOf === firstId && item.GiveUp !== undefined);

  return {
    kind: "timer",
    id,
    fireAt: new Date(request.now.getTime() + delayMs),
    retryOf: firstId,
    giveUp: decision.kind === "timed-out" ? failure : undefined,
    retry: {
      activity: parent.innerTask.actionObj.functionName ?? "",
      failedAttempts,
      maxAttempts: parent.retryOptions.maxNumberOfAttempts,
      decision,
      error: failure.ErrorMessage,
      repeated,
    },
  };
}

/**
 * The library requests another attempt after every retry timer while attempts remain. When the
 * timer was scheduled after the retry timeout had passed, the attempt is recorded with `GiveUp`,
 * and the runtime reports the last failure for it instead of running the activity.
 */
function retryAttempt(id: number, parent: LibraryRetryableTask, existing: HistoryEvent | undefined, request: ReplayRequest): NewWork | undefined | string {
  const action = parent.innerTask.actionObj;
  if (existing) return checkSame(existing, HistoryEventType.TaskScheduled, action.functionName, id);

  const firstId = parent.innerTask.id as number;
  let lastTimer: HistoryEvent | undefined;
  for (const item of request.index.scheduled.values()) {
    if (item.EventType === HistoryEventType.TimerCreated && item.RetryOf === firstId && (!lastTimer || item.EventId > lastTimer.EventId)) lastTimer = item;
  }

  const work = activityCall(id, action, parent.attemptNumber);
  if (typeof work === "string") return work;
  return { ...work, retryOf: firstId, giveUp: lastTimer?.GiveUp };
}

function activityCall(id: number, action: LibraryAction, attempt: number | undefined): NewWork | string {
  const name = action.functionName ?? "";
  // durable-functions already JSON-encodes string inputs (`Utils.processInput`); other values are objects.
  const input = typeof action.input === "string" ? action.input : JSON.stringify(action.input);
  if (input !== undefined && input.length > MAX_PAYLOAD_CHARS) {
    return `The input of activity ${name} is ${input.length} characters of JSON; the local durable runtime stores at most ${MAX_PAYLOAD_CHARS}.`;
  }
  return { kind: "activity", id, name, input, attempt };
}

function checkSame(existing: HistoryEvent, eventType: number, name: string | undefined, id: number): undefined | string {
  if (existing.EventType === eventType && (name === undefined || existing.Name === name)) return undefined;
  const was = existing.EventType === HistoryEventType.TimerCreated ? "a timer" : `activity ${existing.Name}`;
  const now = eventType === HistoryEventType.TimerCreated ? "a timer" : `activity ${name}`;
  return `Non-deterministic orchestrator: task ${id} is ${was} in the history, but the replay scheduled ${now}.`;
}

function failureOf(error: LibraryRetryableTask["error"]): FailureDetails {
  const details = error?.failureDetails;
  if (details) return { ErrorType: details.errorType ?? "Error", ErrorMessage: details.errorMessage ?? "" };
  return { ErrorType: "Error", ErrorMessage: error?.message ?? "unknown error" };
}

/**
 * Reads the orchestrator's error from the `OrchestrationFailureError` that durable-functions throws:
 * its message ends with the orchestrator state as JSON, whose `error` is the thrown error's message.
 */
function readOrchestrationFailure(error: unknown): { reason: string; customStatus: unknown } {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(OUT_OF_PROC_DATA_LABEL);
  if (at < 0) return { reason: message, customStatus: undefined };
  try {
    const state = JSON.parse(message.slice(at + OUT_OF_PROC_DATA_LABEL.length)) as { error?: string; customStatus?: unknown };
    return { reason: state.error ?? message.slice(0, at), customStatus: state.customStatus };
  } catch {
    return { reason: message.slice(0, at), customStatus: undefined };
  }
}
