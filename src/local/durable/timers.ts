/** Node caps `setTimeout` delays at 2^31 - 1 ms; longer timers wake up and wait again. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * In-process alarms for durable timers, keyed by instance and timer id. The durable part is the
 * `TimerCreated` event in history: after a restart the runtime arms every timer that has not fired,
 * and one that is already due fires at once.
 */
export class TimerScheduler {
  private readonly alarms = new Map<string, { instanceId: string; handle: NodeJS.Timeout }>();
  private stopped = false;

  isArmed(instanceId: string, timerId: number): boolean {
    return this.alarms.has(key(instanceId, timerId));
  }

  /** Calls `onDue` once at `fireAt` (at once when it has passed), unless disarmed or stopped first. */
  arm(instanceId: string, timerId: number, fireAt: Date, onDue: () => void): void {
    if (this.stopped || this.isArmed(instanceId, timerId)) return;
    const timerKey = key(instanceId, timerId);

    const wait = () => {
      const delay = Math.min(Math.max(0, fireAt.getTime() - Date.now()), MAX_DELAY_MS);
      const handle = setTimeout(() => {
        if (fireAt.getTime() > Date.now()) return wait();
        this.alarms.delete(timerKey);
        onDue();
      }, delay);
      // A pending durable timer must not keep a process alive on its own; the host decides that.
      handle.unref();
      this.alarms.set(timerKey, { instanceId, handle });
    };
    wait();
  }

  /** Disarms every timer of an instance, for instances that finished. */
  disarmInstance(instanceId: string): void {
    for (const [timerKey, alarm] of this.alarms) {
      if (alarm.instanceId !== instanceId) continue;
      clearTimeout(alarm.handle);
      this.alarms.delete(timerKey);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const alarm of this.alarms.values()) clearTimeout(alarm.handle);
    this.alarms.clear();
  }
}

function key(instanceId: string, timerId: number): string {
  return `${instanceId}\u0000${timerId}`;
}
