import { EventEmitter } from "node:events";
import type { OrchestrationHandler } from "durable-functions";
import type { Logger } from "../../app/logger";
import type { TableStore } from "../../storage/tables";
import type { InstanceRuntimeStatus, InstanceStatus, OrchestrationPort } from "../../workflow/port";
import type { WorkflowRegistry } from "../../workflow/registry";
import { ActivityRunner } from "./activities";
import { failEpisode, settleOutcome, takeInbox, type Episode } from "./episode";
import { addToIndex, events, indexHistory, pendingActivities, pendingTimers, type HistoryEvent, type HistoryIndex } from "./history";
import { MAX_PAYLOAD_CHARS, replay, type NewWork, type ReplayOutcome } from "./replay";
import {
  DurableStore,
  EpisodeTooLargeError,
  MAX_INPUT_CHARS,
  type EpisodeCommit,
  type InboxMessage,
  type InstanceRecord,
  type InstanceSnapshot,
} from "./store";
import { TimerScheduler } from "./timers";
import { ConcurrencyLimit } from "./limit";

export interface LocalDurableRuntimeOptions {
  registry: WorkflowRegistry;
  tables: TableStore;
  logger: Logger;
  /**
   * Milliseconds before the first retry of a storage write that failed (episode commit, activity
   * result, timer firing); later retries double it up to 30 s. Also the polling interval of
   * `whenFinished`. Default 1000.
   */
  pollIntervalMs?: number;
  /**
   * Maximum orchestration episodes, and separately activities, that run at once; the rest wait.
   * Default 4. Without a bound, each incident's storage calls queued ahead of intake requests on a
   * busy host (docs/benchmarks.md has the figures). The Functions host takes its limits from host.json.
   */
  maxConcurrency?: number;
}

/** Attempts to commit an episode when another writer keeps changing the instance. */
const MAX_COMMIT_ATTEMPTS = 5;
const MAX_RETRY_DELAY_MS = 30_000;

const FINISHED: ReadonlySet<InstanceRuntimeStatus> = new Set(["Completed", "Failed", "Terminated"]);


/**
 * The orchestration port for the local host: runs durable-functions orchestrators outside the
 * Functions host by replaying their history through the library's own `Orchestrator`, and keeps
 * status and history in Table Storage.
 *
 * Work is done in episodes, one at a time per instance: read the status, history and inbox, add an
 * `OrchestratorStarted` and the inbox events to the history, replay, and commit the new events with
 * the new status in one transaction. Side effects start only after their events are committed.
 * Activities run in process, at least once: one whose result was not stored before a crash runs
 * again after `resume()`. Timers are armed from their `TimerCreated` events, so a timer that came
 * due while the process was down fires at once after a restart.
 */
export class LocalDurableRuntime implements OrchestrationPort {
  private readonly store: DurableStore;
  private readonly activities: ActivityRunner;
  private readonly episodeLimit: ConcurrencyLimit;
  private readonly activityLimit: ConcurrencyLimit;
  private readonly timers = new TimerScheduler();
  private readonly registry: WorkflowRegistry;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;

  /** The episode loop of each instance that has work queued. */
  private readonly queues = new Map<string, { again: boolean; done: Promise<void> }>();
  /** Activities running in this process, by instance and task id. */
  private readonly running = new Map<string, { instanceId: string; done: Promise<void> }>();
  /**
   * Task and timer ids whose result this process wrote to the inbox, per instance, until an episode
   * finds the result in the history. A snapshot read before that write must not run them again.
   */
  private readonly delivered = new Map<string, Set<number>>();
  private readonly failures = new Map<string, number>();
  private readonly retryHandles = new Set<NodeJS.Timeout>();
  private readonly finished = new EventEmitter();
  private stopped = false;

  constructor(options: LocalDurableRuntimeOptions) {
    this.registry = options.registry;
    this.logger = options.logger;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.store = new DurableStore(options.tables);
    this.activities = new ActivityRunner(options.registry.activities, options.logger);
    this.episodeLimit = new ConcurrencyLimit(options.maxConcurrency ?? 4);
    this.activityLimit = new ConcurrencyLimit(options.maxConcurrency ?? 4);
    this.finished.setMaxListeners(0);
  }

  async start(name: string, instanceId: string, input: unknown): Promise<"started" | "exists"> {
    if (this.stopped) throw new Error("The local durable runtime is stopped; it starts no orchestrations.");
    checkInstanceId(instanceId);
    if (!this.registry.orchestrations[name]) throw new Error(`Orchestration ${name} is not registered with the local durable runtime.`);
    const inputText = input === undefined ? undefined : JSON.stringify(input);
    if (inputText !== undefined && inputText.length > MAX_INPUT_CHARS) {
      throw new Error(`The input of orchestration ${name} is ${inputText.length} characters of JSON; the local durable runtime stores at most ${MAX_INPUT_CHARS}.`);
    }

    const created = await this.store.create(instanceId, name, inputText, new Date());
    if (!created) return "exists";
    this.logger.log(`durable: instance ${instanceId}: started orchestration ${name}`);
    this.enqueue(instanceId);
    return "started";
  }

  async status(instanceId: string): Promise<InstanceStatus | undefined> {
    const record = await this.store.readRecord(instanceId);
    return record ? toStatus(record) : undefined;
  }

  async raiseEvent(instanceId: string, eventName: string, data: unknown): Promise<boolean> {
    const record = await this.store.readRecord(instanceId);
    if (!record || FINISHED.has(record.runtimeStatus)) return false;
    const text = data === undefined ? undefined : JSON.stringify(data);
    if (text !== undefined && text.length > MAX_PAYLOAD_CHARS) {
      throw new Error(`The data of event ${eventName} is ${text.length} characters of JSON; the local durable runtime stores at most ${MAX_PAYLOAD_CHARS}.`);
    }

    await this.store.appendInbox(instanceId, events.eventRaised(new Date(), eventName, text));
    this.enqueue(instanceId);
    return true;
  }

  async terminate(instanceId: string, reason: string): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const record = await this.store.readRecord(instanceId);
      if (!record || FINISHED.has(record.runtimeStatus)) return false;

      const now = new Date();
      const commit: EpisodeCommit = {
        runtimeStatus: "Terminated",
        output: JSON.stringify(reason),
        events: [events.executionTerminated(now, reason)],
        consumed: [],
      };
      if (await this.store.commit(record, commit, now)) {
        this.logger.log(`durable: instance ${instanceId}: terminated: ${reason}`);
        this.onFinished(instanceId);
        return true;
      }
    }
    throw new Error(`Terminating instance ${instanceId} failed: its status kept changing during ${MAX_COMMIT_ATTEMPTS} attempts.`);
  }

  async purge(instanceId: string): Promise<boolean> {
    const record = await this.store.readRecord(instanceId);
    if (!record || !FINISHED.has(record.runtimeStatus)) return false;
    // TODO: an activity of the instance still running here stores its result after the purge, which leaves one orphan inbox entity.
    await this.store.deleteInstance(instanceId);
    this.onFinished(instanceId);
    return true;
  }

  /**
   * Resumes every unfinished instance from its stored history: processes waiting inbox events, runs
   * activities that have no result, arms timers that have not fired. The host calls it once at
   * start-up. Returns the number of instances resumed.
   */
  async resume(): Promise<number> {
    const instanceIds = await this.store.listUnfinished();
    if (instanceIds.length > 0) this.logger.log(`durable: resuming ${instanceIds.length} unfinished instance(s)`);
    for (const instanceId of instanceIds) this.enqueue(instanceId);
    return instanceIds.length;
  }

  /**
   * Stops timers and episodes, and waits up to `graceMs` (default 10 s) for running episodes and
   * activities. An activity that finishes later still stores its result if the storage is
   * reachable; otherwise it runs again after a restart.
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopped = true;
    this.timers.stop();
    for (const handle of this.retryHandles) clearTimeout(handle);
    this.retryHandles.clear();

    const work = [...[...this.queues.values()].map((queue) => queue.done), ...[...this.running.values()].map((activity) => activity.done)];
    let graceTimer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, options.graceMs ?? 10_000)));
    await Promise.race([Promise.allSettled(work), grace]);
    clearTimeout(graceTimer);
  }

  /** Resolves when the instance has no episode queued and no activity running in this process; armed timers do not count. */
  async whenIdle(instanceId: string): Promise<void> {
    for (;;) {
      const pending = [this.queues.get(instanceId)?.done, ...[...this.running.values()].filter((item) => item.instanceId === instanceId).map((item) => item.done)];
      const waiting = pending.filter((item): item is Promise<void> => item !== undefined);
      if (waiting.length === 0) return;
      await Promise.allSettled(waiting);
    }
  }

  /** Resolves with the status once the instance is Completed, Failed or Terminated; rejects after `timeoutMs`. */
  async whenFinished(instanceId: string, timeoutMs = 30_000): Promise<InstanceStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(instanceId);
      if (status && FINISHED.has(status.runtimeStatus)) return status;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`Instance ${instanceId} did not finish within ${timeoutMs} ms; its status is ${status?.runtimeStatus ?? "missing"}.`);
      }
      await this.waitForFinish(instanceId, Math.min(this.pollIntervalMs, remaining));
    }
  }

  /** Returns the committed history of an instance, for tests and diagnostics. */
  async history(instanceId: string): Promise<HistoryEvent[] | undefined> {
    return (await this.store.readSnapshot(instanceId))?.history;
  }

  private enqueue(instanceId: string): void {
    if (this.stopped) return;
    const queued = this.queues.get(instanceId);
    if (queued) {
      queued.again = true;
      return;
    }

    const entry = { again: true, done: Promise.resolve() };
    this.queues.set(instanceId, entry);
    entry.done = (async () => {
      while (entry.again && !this.stopped) {
        entry.again = false;
        await this.episodeLimit.run(async () => {
          if (!this.stopped) await this.runEpisodeSafely(instanceId);
        });
      }
      this.queues.delete(instanceId);
    })();
  }

  private async runEpisodeSafely(instanceId: string): Promise<void> {
    try {
      await this.runEpisode(instanceId);
      this.failures.delete(instanceId);
    } catch (error) {
      const failures = (this.failures.get(instanceId) ?? 0) + 1;
      this.failures.set(instanceId, failures);
      const delay = Math.min(this.pollIntervalMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
      this.logger.error(`durable: instance ${instanceId}: episode failed, retrying in ${delay} ms:`, error);
      this.retryLater(() => this.enqueue(instanceId), delay);
    }
  }

  private async runEpisode(instanceId: string): Promise<void> {
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const snapshot = await this.store.readSnapshot(instanceId);
      if (!snapshot) return;
      if (FINISHED.has(snapshot.record.runtimeStatus)) {
        await this.store.deleteInbox(instanceId, snapshot.inbox.map((message) => message.rowKey));
        this.onFinished(instanceId);
        return;
      }

      const index = indexHistory(snapshot.history);
      this.forgetDelivered(instanceId, index);
      const batch = takeInbox(snapshot.inbox, index);
      const remaining = snapshot.inbox.slice(batch.consumed.length);

      if (snapshot.history.length > 0 && batch.consumed.length === 0) {
        this.dispatch(instanceId, index, remaining);
        return;
      }

      let episode = await this.planEpisode(snapshot, index, batch.fresh, batch.consumed);
      let committed: boolean;
      try {
        committed = await this.store.commit(snapshot.record, episode.commit, new Date());
      } catch (error) {
        if (!(error instanceof EpisodeTooLargeError)) throw error;
        episode = failEpisode(episode, snapshot.record, error.message);
        committed = await this.store.commit(snapshot.record, episode.commit, new Date());
      }
      if (!committed) continue;

      this.afterCommit(snapshot.record, episode, remaining);
      if (remaining.length > 0) this.enqueue(instanceId);
      return;
    }
    throw new Error(`Instance ${instanceId} kept changing during ${MAX_COMMIT_ATTEMPTS} attempts to commit an episode.`);
  }

  /** Builds the events and status of one episode by replaying the history with the new events. */
  private async planEpisode(snapshot: InstanceSnapshot, index: HistoryIndex, fresh: HistoryEvent[], consumed: string[]): Promise<Episode> {
    const { record } = snapshot;
    const now = new Date(Math.max(Date.now(), index.lastEpisodeAt + 1));
    const added: HistoryEvent[] = [events.orchestratorStarted(now)];
    if (snapshot.history.length === 0) added.push(events.executionStarted(now, record.name, record.input));
    added.push(...fresh);
    for (const item of added) addToIndex(index, item);

    const orchestrator = this.registry.orchestrations[record.name] as OrchestrationHandler | undefined;
    const outcome: ReplayOutcome = orchestrator
      ? await replay({
          name: record.name,
          orchestrator,
          instanceId: record.instanceId,
          input: record.input === undefined ? undefined : JSON.parse(record.input),
          history: [...snapshot.history.map((item) => ({ ...item, IsPlayed: true })), ...added],
          index,
          now,
          logger: this.logger,
        })
      : { kind: "failed", reason: `Orchestration ${record.name} is not registered with the local durable runtime.`, customStatus: undefined };

    return settleOutcome(outcome, record, index, added, consumed, now);
  }

  private afterCommit(record: InstanceRecord, episode: Episode, remaining: InboxMessage[]): void {
    const { instanceId, name } = record;
    const { outcome } = episode;

    if (outcome.kind === "completed") {
      this.logger.log(`durable: instance ${instanceId}: orchestration ${name} completed`);
      this.onFinished(instanceId);
      return;
    }
    if (outcome.kind === "failed") {
      this.logger.error(`durable: instance ${instanceId}: orchestration ${name} failed: ${outcome.reason}`);
      this.onFinished(instanceId);
      return;
    }

    for (const work of outcome.work) this.logRetry(instanceId, work);
    this.dispatch(instanceId, episode.index, remaining);
  }

  private logRetry(instanceId: string, work: NewWork): void {
    if (work.kind !== "timer" || !work.retry || work.retry.repeated) return;
    const { activity, failedAttempts, maxAttempts, decision, error } = work.retry;
    if (decision.kind === "retry") {
      this.logger.log(`durable: instance ${instanceId}: activity ${activity} failed on attempt ${failedAttempts} of ${maxAttempts}; retrying in ${decision.delayMs} ms`);
    } else if (decision.kind === "exhausted") {
      this.logger.warn(`durable: instance ${instanceId}: activity ${activity} failed on all ${maxAttempts} attempts: ${error}`);
    } else {
      this.logger.warn(`durable: instance ${instanceId}: activity ${activity} failed on attempt ${failedAttempts} and its retry timeout has passed: ${error}`);
    }
  }

  /**
   * Starts every activity of the history that has no result and arms every timer that has not
   * fired, unless it is running, armed, or its result is waiting in the inbox. After a restart this
   * is what resumes an instance.
   */
  private dispatch(instanceId: string, index: HistoryIndex, inbox: InboxMessage[]): void {
    if (this.stopped) return;
    const waiting = new Set<number>();
    for (const message of inbox) {
      const id = message.event.TaskScheduledId ?? message.event.TimerId;
      if (id !== undefined) waiting.add(id);
    }
    const delivered = this.delivered.get(instanceId);

    for (const scheduled of pendingActivities(index)) {
      const id = scheduled.EventId;
      if (waiting.has(id) || delivered?.has(id) || this.running.has(workKey(instanceId, id))) continue;
      this.startActivity(instanceId, scheduled);
    }

    for (const timer of pendingTimers(index)) {
      const id = timer.EventId;
      if (waiting.has(id) || delivered?.has(id) || this.timers.isArmed(instanceId, id)) continue;
      this.timers.arm(instanceId, id, new Date(timer.FireAt!), () => {
        void this.deliver(instanceId, id, () => events.timerFired(new Date(), id, timer.FireAt!));
      });
    }
  }

  private startActivity(instanceId: string, scheduled: HistoryEvent): void {
    const key = workKey(instanceId, scheduled.EventId);
    const done = (async () => {
      const result = await this.activityLimit.run(() => this.activities.run(instanceId, scheduled));
      await this.deliver(instanceId, scheduled.EventId, () => result);
    })().finally(() => this.running.delete(key));
    this.running.set(key, { instanceId, done });
  }

  /**
   * Writes an activity result or a timer firing to the instance's inbox and queues an episode. A
   * failed write is retried until the runtime stops; then the work is redone after a restart.
   */
  private async deliver(instanceId: string, id: number, build: () => HistoryEvent): Promise<void> {
    for (let failures = 0; ; failures++) {
      try {
        await this.store.appendInbox(instanceId, build());
        break;
      } catch (error) {
        if (this.stopped) {
          this.logger.error(`durable: instance ${instanceId}: storing the result of task ${id} failed during shutdown; it runs again after a restart:`, error);
          return;
        }
        const delay = Math.min(this.pollIntervalMs * 2 ** failures, MAX_RETRY_DELAY_MS);
        this.logger.error(`durable: instance ${instanceId}: storing the result of task ${id} failed, retrying in ${delay} ms:`, error);
        await new Promise<void>((resolve) => this.retryLater(resolve, delay));
      }
    }

    let ids = this.delivered.get(instanceId);
    if (!ids) this.delivered.set(instanceId, (ids = new Set()));
    ids.add(id);
    this.enqueue(instanceId);
  }

  private forgetDelivered(instanceId: string, index: HistoryIndex): void {
    const ids = this.delivered.get(instanceId);
    if (!ids) return;
    for (const id of ids) {
      if (index.finishedTasks.has(id) || index.firedTimers.has(id)) ids.delete(id);
    }
    if (ids.size === 0) this.delivered.delete(instanceId);
  }

  private onFinished(instanceId: string): void {
    this.timers.disarmInstance(instanceId);
    this.delivered.delete(instanceId);
    this.finished.emit(instanceId);
  }

  private waitForFinish(instanceId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.finished.off(instanceId, done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.finished.once(instanceId, done);
    });
  }

  private retryLater(callback: () => void, delayMs: number): void {
    const handle = setTimeout(() => {
      this.retryHandles.delete(handle);
      callback();
    }, delayMs);
    handle.unref();
    this.retryHandles.add(handle);
  }
}

function toStatus(record: InstanceRecord): InstanceStatus {
  return {
    instanceId: record.instanceId,
    name: record.name,
    runtimeStatus: record.runtimeStatus,
    input: parseJson(record.input),
    output: parseJson(record.output),
    customStatus: parseJson(record.customStatus),
    createdTime: record.createdTime,
    lastUpdatedTime: record.lastUpdatedTime,
  };
}

function parseJson(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}

function workKey(instanceId: string, id: number): string {
  return `${instanceId}\u0000${id}`;
}

/** Rejects ids that Table Storage does not accept as a partition key. */
function checkInstanceId(instanceId: string): void {
  if (typeof instanceId !== "string" || instanceId.length === 0 || instanceId.length > 400) {
    throw new Error(`Invalid instance id ${JSON.stringify(instanceId)}: it must have 1 to 400 characters.`);
  }
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(instanceId)) {
    throw new Error(`Invalid instance id ${JSON.stringify(instanceId)}: it must not contain / \\ # ? or control characters.`);
  }
}
