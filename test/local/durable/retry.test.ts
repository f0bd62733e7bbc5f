import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { HistoryEventType } from "../../../src/local/durable/library";
import { decideRetry } from "../../../src/local/durable/retry";
import { createRuntime, stopAll } from "./helpers";

afterEach(stopAll);

function retryOptions(first: number, attempts: number, extra: Partial<df.RetryOptions> = {}): df.RetryOptions {
  return Object.assign(new df.RetryOptions(first, attempts), extra);
}

/** Calls `flaky` with the retry options in the input and returns its result or the error message. */
function* callWithRetry(context: OrchestrationContext): Generator<df.Task, unknown, unknown> {
  const { first, attempts, extra } = context.df.getInput() as { first: number; attempts: number; extra?: Partial<df.RetryOptions> };
  try {
    const result = yield context.df.callActivityWithRetry("flaky", retryOptions(first, attempts, extra));
    return { result };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe("callActivityWithRetry", () => {
  test("activity fails twice then succeeds", async () => {
    let calls = 0;
    const { runtime, logger } = createRuntime({
      orchestrations: { callWithRetry },
      activities: {
        flaky: async () => {
          calls++;
          if (calls < 3) throw new Error(`timeout talking to PagerDuty (call ${calls})`);
          return "acknowledged";
        },
      },
    });

    await runtime.start("callWithRetry", "retry-ok", { first: 50, attempts: 3, extra: { backoffCoefficient: 2 } });
    const status = await runtime.whenFinished("retry-ok");

    expect(status.output).toEqual({ result: "acknowledged" });
    expect(calls).toBe(3);

    const history = (await runtime.history("retry-ok"))!;
    const timers = history.filter((item) => item.EventType === HistoryEventType.TimerCreated);
    expect(timers.map((timer) => Date.parse(timer.FireAt!) - Date.parse(timer.Timestamp))).toEqual([50, 100]);
    const attempts = history.filter((item) => item.EventType === HistoryEventType.TaskScheduled).map((item) => item.Attempt);
    expect(attempts).toEqual([1, 2, 3]);
    expect(logger.lines.filter((line) => line.includes("retry-ok") && line.includes("retrying in"))).toHaveLength(2);
  });

  test("last failure surfaces after all attempts", async () => {
    let calls = 0;
    const { runtime, logger } = createRuntime({
      orchestrations: { callWithRetry },
      activities: {
        flaky: async () => {
          calls++;
          throw new Error("resource group not found");
        },
      },
    });

    await runtime.start("callWithRetry", "retry-exhausted", { first: 20, attempts: 2 });
    const status = await runtime.whenFinished("retry-exhausted");

    expect(status.output).toEqual({ error: "Error: resource group not found" });
    expect(calls).toBe(2);
    expect(logger.lines.some((line) => line.includes("retry-exhausted") && line.includes("failed on all 2 attempts"))).toBe(true);
  });

  test("retry timeout ends retries early", async () => {
    let calls = 0;
    const { runtime, logger } = createRuntime({
      orchestrations: { callWithRetry },
      activities: {
        flaky: async () => {
          calls++;
          throw new Error("still failing");
        },
      },
    });

    // The second attempt starts 500 ms after the first, past the 300 ms timeout, so no third runs.
    await runtime.start("callWithRetry", "retry-timeout", { first: 500, attempts: 10, extra: { retryTimeoutInMilliseconds: 300 } });
    const status = await runtime.whenFinished("retry-timeout");

    expect(status.output).toEqual({ error: "Error: still failing" });
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
    expect(logger.lines.filter((line) => line.includes("retry-timeout") && line.includes("retry timeout has passed"))).toHaveLength(1);
  });

  test("retries inside Task.all keep other results", async () => {
    const calls = new Map<string, number>();
    const { runtime } = createRuntime({
      orchestrations: {
        mixed: function* (context: OrchestrationContext) {
          const results = yield context.df.Task.all([
            context.df.callActivityWithRetry("probe", retryOptions(30, 3), "flaky"),
            context.df.callActivity("probe", "steady"),
            context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 200)),
          ]);
          const after = yield context.df.callActivity("probe", "after");
          return [results, after];
        },
      },
      activities: {
        probe: async (name: string) => {
          const count = (calls.get(name) ?? 0) + 1;
          calls.set(name, count);
          if (name === "flaky" && count < 3) throw new Error("503 from health endpoint");
          return `${name} ok`;
        },
      },
    });

    await runtime.start("mixed", "retry-mixed", undefined);
    const status = await runtime.whenFinished("retry-mixed");

    expect(status.output).toEqual([["flaky ok", "steady ok", null], "after ok"]);
    expect(Object.fromEntries(calls)).toEqual({ flaky: 3, steady: 1, after: 1 });
  });
});

describe("decideRetry", () => {
  const policy = { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 4, backoffCoefficient: 2, maxRetryIntervalInMilliseconds: 3000 };

  test.each([
    [1, { kind: "retry", delayMs: 1000 }],
    [2, { kind: "retry", delayMs: 2000 }],
    [3, { kind: "retry", delayMs: 3000 }],
    [4, { kind: "exhausted" }],
  ])("after %i failures", (failed, expected) => {
    expect(decideRetry(policy, failed, 0, 10)).toEqual(expected);
  });

  test("without coefficient the interval stays", () => {
    expect(decideRetry({ firstRetryIntervalInMilliseconds: 250, maxNumberOfAttempts: 5 }, 3, 0, 0)).toEqual({ kind: "retry", delayMs: 250 });
  });

  test("timeout counts from the first attempt", () => {
    const timed = { ...policy, retryTimeoutInMilliseconds: 5000 };
    expect(decideRetry(timed, 1, 1000, 5999)).toEqual({ kind: "retry", delayMs: 1000 });
    expect(decideRetry(timed, 1, 1000, 6000)).toEqual({ kind: "timed-out" });
  });
});
