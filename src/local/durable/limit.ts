/**
 * A counting semaphore: at most `permits` pieces of work run at once, the rest wait in arrival
 * order. The local runtime bounds its episodes and activities with it, so background incident
 * work cannot crowd out intake requests on the same storage.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`A concurrency limit must be a whole number of at least 1, not ${permits}.`);
  }

  /** Runs `work` once a permit is free. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active < this.permits) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The permit passes straight to the next waiter, so `active` drops only when none waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
