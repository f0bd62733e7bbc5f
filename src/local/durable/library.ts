/**
 * The internal parts of durable-functions 3.5.0 that the local runtime drives. The package has no
 * `exports` map, so these paths resolve. They are not public API, so `durable-functions` is pinned
 * to an exact version and the tests replay real histories through them.
 *
 * - `Orchestrator` is the class the Functions host drives: history in, actions out.
 * - After a replay, the orchestrator's `taskOrchestrationExecutor.openTasks` maps each task id the
 *   library assigned to the task still waiting for its result. The local runtime reads it to learn
 *   which id a new activity call or timer got, because retries (`callActivityWithRetry`) take
 *   extra ids in history order, which the flat list of actions does not show.
 */
import type { OrchestrationHandler } from "durable-functions";

/** History event numbering of durable-functions (`lib/src/history/HistoryEventType.js`). */
export interface HistoryEventTypes {
  ExecutionStarted: number;
  ExecutionCompleted: number;
  ExecutionFailed: number;
  ExecutionTerminated: number;
  TaskScheduled: number;
  TaskCompleted: number;
  TaskFailed: number;
  TimerCreated: number;
  TimerFired: number;
  OrchestratorStarted: number;
  OrchestratorCompleted: number;
  EventRaised: number;
}

/** Action numbering of durable-functions (`lib/src/actions/ActionType.js`), by name and by number. */
export type ActionTypes = Record<string, number> & Record<number, string>;

/** The fields of an action object that the runtime reads; the rest depend on the action type. */
export interface LibraryAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  fireAt?: Date;
  isCanceled?: boolean;
  compoundActions?: LibraryAction[];
}

/** A task of the library's executor, as far as the runtime inspects it. */
export interface LibraryTask {
  id: number | string | false;
  actionObj: LibraryAction | string;
  parent?: LibraryTask;
}

/** The library's `RetryableTask` (the task `callActivityWithRetry` returns). */
export interface LibraryRetryableTask extends LibraryTask {
  innerTask: LibraryTask & { actionObj: LibraryAction };
  retryOptions: {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
    retryTimeoutInMilliseconds?: number;
  };
  /** The number of the attempt that runs next; failed attempts are `attemptNumber - 1`. */
  attemptNumber: number;
  /** True between a failed attempt and the retry timer firing. */
  isWaitingOnTimer: boolean;
  /** The error of the last failed attempt (a `TaskFailedError`). */
  error?: { message?: string; failureDetails?: { errorType?: string; errorMessage?: string } };
}

/** The result of the handler from `Orchestrator.listen()` (`OrchestratorState`). */
export interface OrchestratorState {
  isDone: boolean;
  actions: LibraryAction[][];
  output?: unknown;
  customStatus?: unknown;
  error?: string;
}

/** The out-of-process trigger payload the Functions host passes to an orchestrator. */
export interface OrchestrationTriggerPayload {
  history: object[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | undefined;
  upperSchemaVersion: number;
  maximumShortTimerDuration: string;
  longRunningTimerIntervalDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}

interface OrchestratorInstance {
  listen(): (trigger: OrchestrationTriggerPayload, context: unknown) => Promise<OrchestratorState>;
  taskOrchestrationExecutor?: { openTasks: Record<string, LibraryTask> };
}

type OrchestratorClass = new (fn: OrchestrationHandler) => OrchestratorInstance;

const orchestratorModule = require("durable-functions/lib/src/orchestrations/Orchestrator") as { Orchestrator: OrchestratorClass };
const historyModule = require("durable-functions/lib/src/history/HistoryEventType") as { HistoryEventType: HistoryEventTypes };
const actionModule = require("durable-functions/lib/src/actions/ActionType") as { ActionType: ActionTypes };
const taskModule = require("durable-functions/lib/src/task") as { RetryableTask: new (...args: never[]) => LibraryRetryableTask };
const schemaModule = require("durable-functions/lib/src/orchestrations/ReplaySchema") as { ReplaySchema: Record<string, number> };

export const HistoryEventType = historyModule.HistoryEventType;
export const ActionType = actionModule.ActionType;

/**
 * Replay schema V4, the newest that durable-functions 3.5.0 defines. From V3 on, the library needs
 * the two timer durations in the trigger payload and splits timers longer than
 * `maximumShortTimerDuration` into several.
 */
export const UPPER_SCHEMA_VERSION = schemaModule.ReplaySchema.V4;

/** The timer durations the Durable extension passes by default (.NET TimeSpan text). */
export const MAXIMUM_SHORT_TIMER_DURATION = "6.00:00:00";
export const LONG_RUNNING_TIMER_INTERVAL_DURATION = "3.00:00:00";

/** Returns the library's orchestrator for `fn` and the handler that replays one history. */
export function createOrchestrator(fn: OrchestrationHandler): OrchestratorInstance {
  return new orchestratorModule.Orchestrator(fn);
}

export function isRetryableTask(task: LibraryTask | undefined): task is LibraryRetryableTask {
  return task instanceof taskModule.RetryableTask;
}

/** The text in an `OrchestrationFailureError` message that precedes the orchestrator state JSON. */
export const OUT_OF_PROC_DATA_LABEL = "\n\n$OutOfProcData$:";
