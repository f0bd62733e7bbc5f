import type { OrchestrationContext } from "durable-functions";
import { events } from "../../../src/local/durable/history";
import { HistoryEventType } from "../../../src/local/durable/library";
import { DurableStore } from "../../../src/local/durable/store";
import type { WorkflowRegistry } from "../../../src/workflow/registry";
import { testTables } from "../../support/storage";
import { createRuntime, deferred, stopAll, waitFor } from "./helpers";

afterEach(stopAll);

/**
 * These tests build the states a crash leaves between two writes and check that a new runtime on
 * the same tables finishes the instance. The killed-process tests cover the same with SIGKILL.
 */
describe("LocalDurableRuntime recovery", () => {
  function twoSteps(calls: string[], hang?: Promise<void>): WorkflowRegistry {
    return {
      orchestrations: {
        twoSteps: function* (context: OrchestrationContext) {
          const first = yield context.df.callActivity("step", "first");
          const second = yield context.df.callActivity("step", "second");
          return [first, second];
        },
      },
      activities: {
        step: async (name: string) => {
          calls.push(name);
          if (hang && name === "first") await hang;
          return `${name} ran`;
        },
      },
    };
  }

  test("instance created but never replayed starts on resume", async () => {
    const tables = testTables("rec");
    const store = new DurableStore(tables);
    expect(await store.create("pending-1", "twoSteps", JSON.stringify({ from: "crash" }), new Date())).toBe(true);

    const calls: string[] = [];
    const { runtime } = createRuntime(twoSteps(calls), tables);
    expect(await runtime.resume()).toBe(1);
    const status = await runtime.whenFinished("pending-1");

    expect(status.output).toEqual(["first ran", "second ran"]);
    expect(calls).toEqual(["first", "second"]);
    const history = (await runtime.history("pending-1"))!;
    expect(history[1].EventType).toBe(HistoryEventType.ExecutionStarted);
    expect(history[1].Input).toBe(JSON.stringify({ from: "crash" }));
  });

  test("stored results are used, not rerun", async () => {
    const tables = testTables("rec");
    const calls: string[] = [];
    const first = createRuntime(twoSteps(calls, new Promise(() => undefined)), tables);
    await first.runtime.start("twoSteps", "stored-1", undefined);
    await waitFor(() => calls.includes("first"), "the first step to run");
    // The first runtime dies with its activity running; its result was stored twice before that
    // (an activity can run twice), and no episode read them.
    await first.runtime.stop({ graceMs: 0 });
    const store = new DurableStore(tables);
    await store.appendInbox("stored-1", events.taskCompleted(new Date(), 0, JSON.stringify("first stored")));
    await store.appendInbox("stored-1", events.taskCompleted(new Date(), 0, JSON.stringify("first stored again")));

    const resumedCalls: string[] = [];
    const second = createRuntime(twoSteps(resumedCalls), tables);
    expect(await second.runtime.resume()).toBe(1);
    const status = await second.runtime.whenFinished("stored-1");

    expect(status.output).toEqual(["first stored", "second ran"]);
    expect(resumedCalls).toEqual(["second"]);
    const history = (await second.runtime.history("stored-1"))!;
    expect(history.filter((item) => item.EventType === HistoryEventType.TaskCompleted)).toHaveLength(2);
  });

  test("results arriving after the end are dropped", async () => {
    const tables = testTables("rec");
    const release = deferred();
    const { runtime } = createRuntime(
      {
        orchestrations: {
          firstWins: function* (context: OrchestrationContext) {
            const winner = yield context.df.Task.any([context.df.callActivity("fast"), context.df.callActivity("slow")]);
            return (winner as { result: unknown }).result;
          },
        },
        activities: {
          fast: async () => "fast",
          slow: async () => {
            await release.promise;
            return "slow";
          },
        },
      },
      tables,
    );

    await runtime.start("firstWins", "late-1", undefined);
    const status = await runtime.whenFinished("late-1");
    release.resolve();
    await runtime.whenIdle("late-1");

    expect(status.output).toBe("fast");
    const snapshot = await new DurableStore(tables).readSnapshot("late-1");
    expect(snapshot?.inbox).toEqual([]);
    expect(snapshot?.record.runtimeStatus).toBe("Completed");
  });
});
