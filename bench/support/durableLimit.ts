import { ActivityRunner } from "../../src/local/durable/activities";
import { LocalDurableRuntime } from "../../src/local/durable/runtime";

/**
 * An experiment, not a fix: bounds how many orchestration episodes and how many activities the
 * local durable runtime runs at once, by wrapping two of its methods in semaphores. It lets the
 * benchmarks measure what such a bound would change before the runtime has one of its own.
 * NOTE: it wraps private methods (`runEpisodeSafely`, `ActivityRunner.run`), so it breaks silently
 * if they are renamed; remove it once the runtime bounds its own concurrency.
 */

function semaphore(permits: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (active < permits) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The permit passes straight to the next waiter, so `active` changes only when the queue is empty.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Limits the local durable runtime of this process to `limit` episodes and `limit` activities at a time. */
export function limitLocalDurableConcurrency(limit: number): void {
  const episodes = semaphore(limit);
  const activities = semaphore(limit);

  const runtime = LocalDurableRuntime.prototype as unknown as { runEpisodeSafely(instanceId: string): Promise<void> };
  const runEpisode = runtime.runEpisodeSafely;
  runtime.runEpisodeSafely = function (this: unknown, instanceId: string) {
    return episodes(() => runEpisode.call(this, instanceId));
  };

  const runner = ActivityRunner.prototype;
  const runActivity = runner.run;
  runner.run = function (this: ActivityRunner, ...args: Parameters<ActivityRunner["run"]>) {
    return activities(() => runActivity.apply(this, args));
  };
}
