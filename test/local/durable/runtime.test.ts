import { EntityId, type OrchestrationContext, type OrchestrationHandler } from "durable-functions";
import type { InvocationContext } from "@azure/functions";
import { HistoryEventType } from "../../../src/local/durable/library";
import type { HistoryEvent } from "../../../src/local/durable";
import { createRuntime, deferred, stopAll, waitFor } from "./helpers";

afterEach(stopAll);

const DAY_MS = 24 * 60 * 60 * 1000;

function typesOf(history: HistoryEvent[]): number[] {
  return history.map((item) => item.EventType);
}

/** Races an external event `Approval` against a timer `timeoutMs` after the orchestrator's current time. */
const approvalRace: OrchestrationHandler = function* (context: OrchestrationContext) {
  const { timeoutMs } = context.df.getInput() as { timeoutMs: number };
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + timeoutMs);
  const timer = context.df.createTimer(deadline);
  const approval = context.df.waitForExternalEvent("Approval");
  context.df.setCustomStatus("waiting");
  const winner = yield context.df.Task.any([approval, timer]);
  if (winner === approval) {
    timer.cancel();
    return { decision: approval.result };
  }
  return { decision: "timeout" };
};

describe("LocalDurableRuntime", () => {
  test("activity sequence completes in order", async () => {
    const { runtime, logger } = createRuntime({
      orchestrations: {
        sequence: function* (context: OrchestrationContext) {
          context.log("sequence begins");
          const first = yield context.df.callActivity("greet", "Tokyo");
          const second = yield context.df.callActivity("greet", { city: "Seattle" });
          return [first, second];
        },
      },
      activities: {
        greet: async (input: string | { city: string }, context: InvocationContext) => {
          context.log("greeting", typeof input === "string" ? input : input.city);
          return `Hello ${typeof input === "string" ? input : input.city}`;
        },
      },
    });

    expect(await runtime.start("sequence", "seq-1", { user: "ops" })).toBe("started");
    const status = await runtime.whenFinished("seq-1");

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual(["Hello Tokyo", "Hello Seattle"]);
    expect(status.input).toEqual({ user: "ops" });
    expect(status.name).toBe("sequence");

    const history = (await runtime.history("seq-1"))!;
    const scheduled = history.filter((item) => item.EventType === HistoryEventType.TaskScheduled);
    expect(scheduled.map((item) => [item.EventId, item.Name])).toEqual([
      [0, "greet"],
      [1, "greet"],
    ]);
    expect(typesOf(history).filter((type) => type === HistoryEventType.OrchestratorStarted)).toHaveLength(3);
    expect(history[0].EventType).toBe(HistoryEventType.OrchestratorStarted);
    expect(history[1].EventType).toBe(HistoryEventType.ExecutionStarted);
    expect(history.at(-1)!.EventType).toBe(HistoryEventType.ExecutionCompleted);

    expect(logger.lines.some((line) => line.includes("seq-1") && line.includes("started orchestration sequence"))).toBe(true);
    expect(logger.lines.some((line) => line.includes("activity greet (seq-1):") && line.includes("greeting Seattle"))).toBe(true);
    // Three episodes replay the start of the orchestrator; only the first run logs.
    expect(logger.lines.filter((line) => line.includes("sequence begins"))).toHaveLength(1);
  });

  test("currentUtcDateTime is each episode's start", async () => {
    const { runtime } = createRuntime({
      orchestrations: {
        clock: function* (context: OrchestrationContext) {
          const times = [context.df.currentUtcDateTime.toISOString()];
          yield context.df.callActivity("noop");
          times.push(context.df.currentUtcDateTime.toISOString());
          return times;
        },
      },
      activities: { noop: async () => undefined },
    });

    await runtime.start("clock", "clock-1", undefined);
    const status = await runtime.whenFinished("clock-1");

    const history = (await runtime.history("clock-1"))!;
    const episodes = history.filter((item) => item.EventType === HistoryEventType.OrchestratorStarted).map((item) => item.Timestamp);
    expect(status.output).toEqual(episodes);
  });

  test("Task.all runs activities concurrently", async () => {
    let running = 0;
    const allStarted = deferred();
    const { runtime } = createRuntime({
      orchestrations: {
        fanOut: function* (context: OrchestrationContext) {
          const parts = [1, 2, 3, 4, 5].map((n) => context.df.callActivity("double", n));
          const results = yield context.df.Task.all(parts);
          return results;
        },
      },
      activities: {
        // Each part waits until all five run at once; run one after another they would time out.
        double: async (n: number) => {
          if (++running === 5) allStarted.resolve();
          let timer: NodeJS.Timeout | undefined;
          const together = await Promise.race([allStarted.promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 5000)))]);
          clearTimeout(timer);
          return together ? n * 2 : -1;
        },
      },
    });

    await runtime.start("fanOut", "fan-1", undefined);
    const status = await runtime.whenFinished("fan-1");

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual([2, 4, 6, 8, 10]);
  });

  test("maxConcurrency bounds running activities", async () => {
    let running = 0;
    let peak = 0;
    const { runtime } = createRuntime(
      {
        orchestrations: {
          fanOut: function* (context: OrchestrationContext) {
            return yield context.df.Task.all([1, 2, 3, 4, 5, 6].map((n) => context.df.callActivity("slow", n)));
          },
        },
        activities: {
          slow: async (n: number) => {
            peak = Math.max(peak, ++running);
            await new Promise((resolve) => setTimeout(resolve, 100));
            running--;
            return n;
          },
        },
      },
      undefined,
      { maxConcurrency: 2 },
    );

    await runtime.start("fanOut", "bounded-1", undefined);
    const status = await runtime.whenFinished("bounded-1");

    expect(status.output).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
  });

  test("Task.any: event wins over timer", async () => {
    const { runtime } = createRuntime({ orchestrations: { approvalRace }, activities: {} });

    await runtime.start("approvalRace", "race-event", { timeoutMs: 60_000 });
    await waitFor(async () => (await runtime.status("race-event"))?.customStatus === "waiting", "the orchestrator to wait");
    expect(await runtime.raiseEvent("race-event", "Approval", { approved: true, by: "alice" })).toBe(true);
    const status = await runtime.whenFinished("race-event");

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual({ decision: { approved: true, by: "alice" } });
    expect(status.customStatus).toBe("waiting");
    const history = (await runtime.history("race-event"))!;
    expect(typesOf(history)).not.toContain(HistoryEventType.TimerFired);
  });

  test("Task.any: timer wins without an event", async () => {
    const { runtime } = createRuntime({ orchestrations: { approvalRace }, activities: {} });

    await runtime.start("approvalRace", "race-timer", { timeoutMs: 1000 });
    const status = await runtime.whenFinished("race-timer");

    expect(status.output).toEqual({ decision: "timeout" });
    const history = (await runtime.history("race-timer"))!;
    const firstEpisode = history.find((item) => item.EventType === HistoryEventType.OrchestratorStarted)!;
    const created = history.find((item) => item.EventType === HistoryEventType.TimerCreated)!;
    const fired = history.find((item) => item.EventType === HistoryEventType.TimerFired)!;
    expect(Date.parse(created.FireAt!) - Date.parse(firstEpisode.Timestamp)).toBe(1000);
    expect(fired.TimerId).toBe(created.EventId);
    expect(Date.parse(fired.Timestamp)).toBeGreaterThanOrEqual(Date.parse(created.FireAt!));
  });

  test("event raised before the wait is buffered and wins", async () => {
    const slowStarted = deferred();
    const release = deferred();
    const { runtime } = createRuntime({
      orchestrations: {
        earlyApproval: function* (context: OrchestrationContext) {
          yield context.df.callActivity("slow");
          const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
          const approval = context.df.waitForExternalEvent("Approval");
          const winner = yield context.df.Task.any([approval, timer]);
          if (winner === approval) {
            timer.cancel();
            return approval.result;
          }
          return "timeout";
        },
      },
      activities: {
        slow: async () => {
          slowStarted.resolve();
          await release.promise;
          return "slow done";
        },
      },
    });

    await runtime.start("earlyApproval", "early-1", undefined);
    await slowStarted.promise;
    expect(await runtime.raiseEvent("early-1", "Approval", { by: "bob" })).toBe(true);
    // The event must reach the history while the activity still runs, before the orchestrator waits.
    await waitFor(async () => typesOf((await runtime.history("early-1")) ?? []).includes(HistoryEventType.EventRaised), "the event in history");
    release.resolve();
    const status = await runtime.whenFinished("early-1");

    expect(status.runtimeStatus).toBe("Completed");
    expect(status.output).toEqual({ by: "bob" });
    const types = typesOf((await runtime.history("early-1"))!);
    expect(types.indexOf(HistoryEventType.EventRaised)).toBeLessThan(types.indexOf(HistoryEventType.TaskCompleted));
    expect(types).not.toContain(HistoryEventType.TimerFired);
  });

  test("events raised twice are both delivered", async () => {
    const { runtime } = createRuntime({
      orchestrations: {
        twoEvents: function* (context: OrchestrationContext) {
          const first = yield context.df.waitForExternalEvent("Note");
          const second = yield context.df.waitForExternalEvent("Note");
          return [first, second];
        },
      },
      activities: {},
    });

    await runtime.start("twoEvents", "notes-1", undefined);
    expect(await runtime.raiseEvent("notes-1", "Note", "a")).toBe(true);
    expect(await runtime.raiseEvent("notes-1", "Note", "b")).toBe(true);
    const status = await runtime.whenFinished("notes-1");

    expect(status.output).toEqual(["a", "b"]);
  });

  test("activity error reaches the orchestrator as TaskFailedError", async () => {
    const { runtime, logger } = createRuntime({
      orchestrations: {
        catcher: function* (context: OrchestrationContext) {
          try {
            yield context.df.callActivity("broken");
            return "no error";
          } catch (error) {
            return { name: (error as Error).name, message: (error as Error).message };
          }
        },
      },
      activities: {
        broken: async () => {
          throw new Error("disk full");
        },
      },
    });

    await runtime.start("catcher", "catch-1", undefined);
    const status = await runtime.whenFinished("catch-1");

    expect(status.output).toEqual({ name: "TaskFailedError", message: "Error: disk full" });
    expect(logger.lines.some((line) => line.includes("catch-1") && line.includes("activity broken failed") && line.includes("disk full"))).toBe(true);
  });

  test("orchestrator error fails the instance", async () => {
    const { runtime, logger } = createRuntime({
      orchestrations: {
        thrower: function* (context: OrchestrationContext) {
          yield context.df.callActivity("noop");
          throw new Error("incident payload has no key");
        },
      },
      activities: { noop: async () => "ok" },
    });

    await runtime.start("thrower", "throw-1", undefined);
    const status = await runtime.whenFinished("throw-1");

    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toBe("Orchestrator function 'thrower' failed: incident payload has no key");
    expect(logger.lines.some((line) => line.includes("throw-1") && line.includes("failed: incident payload has no key"))).toBe(true);
  });

  test("unregistered activity fails with its name", async () => {
    const { runtime } = createRuntime({
      orchestrations: {
        missing: function* (context: OrchestrationContext) {
          yield context.df.callActivity("doesNotExist");
        },
      },
      activities: {},
    });

    await runtime.start("missing", "missing-1", undefined);
    const status = await runtime.whenFinished("missing-1");

    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toContain("Activity doesNotExist is not registered");
  });

  test.each([
    [
      "CallSubOrchestrator",
      function* (context: OrchestrationContext) {
        yield context.df.callSubOrchestrator("child", {});
      },
    ],
    [
      "CallHttp",
      function* (context: OrchestrationContext) {
        yield context.df.callHttp({ method: "GET", url: "http://127.0.0.1:9/never" });
      },
    ],
    [
      "ContinueAsNew",
      function* (context: OrchestrationContext) {
        context.df.continueAsNew({ round: 2 });
        return undefined;
      },
    ],
    [
      "CallEntity",
      function* (context: OrchestrationContext) {
        yield context.df.Task.all([context.df.callActivity("noop"), context.df.callEntity(new EntityId("counter", "one"), "add", 1)]);
      },
    ],
  ])("unsupported action %s fails the instance", async (actionName, orchestrator) => {
    const { runtime, logger } = createRuntime({ orchestrations: { unsupported: orchestrator as OrchestrationHandler }, activities: { noop: async () => "ok" } });
    const instanceId = `unsupported-${actionName}`;

    await runtime.start("unsupported", instanceId, undefined);
    const status = await runtime.whenFinished(instanceId);

    expect(status.runtimeStatus).toBe("Failed");
    expect(status.output).toContain(`does not support the ${actionName} action`);
    expect(logger.lines.some((line) => line.includes(instanceId) && line.includes(actionName))).toBe(true);
  });

  test("terminate stops the instance for good", async () => {
    const slowStarted = deferred();
    const release = deferred();
    const afterCalls: string[] = [];
    const { runtime } = createRuntime({
      orchestrations: {
        stoppable: function* (context: OrchestrationContext) {
          yield context.df.callActivity("slow");
          yield context.df.callActivity("after");
          return "finished";
        },
      },
      activities: {
        slow: async () => {
          slowStarted.resolve();
          await release.promise;
        },
        after: async () => {
          afterCalls.push("after");
        },
      },
    });

    await runtime.start("stoppable", "term-1", undefined);
    await slowStarted.promise;
    expect(await runtime.terminate("term-1", "operator took over")).toBe(true);
    release.resolve();
    await runtime.whenIdle("term-1");

    const status = await runtime.status("term-1");
    expect(status?.runtimeStatus).toBe("Terminated");
    expect(status?.output).toBe("operator took over");
    expect(afterCalls).toEqual([]);
    expect(await runtime.raiseEvent("term-1", "Approval", {})).toBe(false);
    expect(await runtime.terminate("term-1", "again")).toBe(false);
    expect(await runtime.start("stoppable", "term-1", undefined)).toBe("exists");
    expect(typesOf((await runtime.history("term-1"))!).at(-1)).toBe(HistoryEventType.ExecutionTerminated);
  });

  test("concurrent starts of one id start it once", async () => {
    let runs = 0;
    const { runtime } = createRuntime({
      orchestrations: {
        once: function* (context: OrchestrationContext) {
          return yield context.df.callActivity("count");
        },
      },
      activities: { count: async () => ++runs },
    });

    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => runtime.start("once", "dup-1", { n })));
    await runtime.whenFinished("dup-1");

    expect(results.filter((result) => result === "started")).toHaveLength(1);
    expect(results.filter((result) => result === "exists")).toHaveLength(4);
    expect(runs).toBe(1);
    expect(await runtime.start("once", "dup-1", {})).toBe("exists");
  });

  test("raiseEvent on a missing or finished instance returns false", async () => {
    const { runtime } = createRuntime({
      orchestrations: {
        quick: function* () {
          return "done";
        },
      },
      activities: {},
    });

    expect(await runtime.raiseEvent("nobody", "Approval", {})).toBe(false);
    await runtime.start("quick", "quick-1", undefined);
    await runtime.whenFinished("quick-1");
    expect(await runtime.raiseEvent("quick-1", "Approval", {})).toBe(false);
    expect(await runtime.status("nobody")).toBeUndefined();
  });

  test("purge deletes only finished instances", async () => {
    const { runtime } = createRuntime({ orchestrations: { approvalRace }, activities: {} });

    await runtime.start("approvalRace", "purge-1", { timeoutMs: 60_000 });
    await waitFor(async () => (await runtime.status("purge-1"))?.customStatus === "waiting", "the orchestrator to wait");
    expect(await runtime.purge("purge-1")).toBe(false);

    await runtime.raiseEvent("purge-1", "Approval", "yes");
    await runtime.whenFinished("purge-1");
    expect(await runtime.purge("purge-1")).toBe(true);
    expect(await runtime.status("purge-1")).toBeUndefined();
    expect(await runtime.history("purge-1")).toBeUndefined();
    expect(await runtime.purge("purge-1")).toBe(false);
  });

  test("start rejects unknown orchestrations and unsafe ids", async () => {
    const { runtime } = createRuntime({ orchestrations: { approvalRace }, activities: {} });

    await expect(runtime.start("nope", "x-1", undefined)).rejects.toThrow("Orchestration nope is not registered");
    await expect(runtime.start("approvalRace", "a/b", undefined)).rejects.toThrow("must not contain");
  });

  test("timer beyond six days waits in three-day steps", async () => {
    const { runtime } = createRuntime({
      orchestrations: {
        longWait: function* (context: OrchestrationContext) {
          yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 10 * DAY_MS));
          return "woke";
        },
      },
      activities: {},
    });

    await runtime.start("longWait", "long-1", undefined);
    const history = await waitFor(async () => {
      const events = await runtime.history("long-1");
      return events?.some((item) => item.EventType === HistoryEventType.TimerCreated) ? events : undefined;
    }, "the first timer");

    const episode = history.find((item) => item.EventType === HistoryEventType.OrchestratorStarted)!;
    const created = history.find((item) => item.EventType === HistoryEventType.TimerCreated)!;
    expect(Date.parse(created.FireAt!) - Date.parse(episode.Timestamp)).toBe(3 * DAY_MS);
    expect((await runtime.status("long-1"))?.runtimeStatus).toBe("Running");
    expect(await runtime.terminate("long-1", "test over")).toBe(true);
  });

  test("custom status is visible while the instance waits", async () => {
    const { runtime } = createRuntime({
      orchestrations: {
        staged: function* (context: OrchestrationContext) {
          context.df.setCustomStatus({ step: "investigating", evidence: 2 });
          const decision = yield context.df.waitForExternalEvent("Decision");
          context.df.setCustomStatus({ step: "done" });
          return decision;
        },
      },
      activities: {},
    });

    await runtime.start("staged", "staged-1", undefined);
    const waiting = await waitFor(async () => {
      const status = await runtime.status("staged-1");
      return status?.runtimeStatus === "Running" && status.customStatus !== undefined ? status : undefined;
    }, "a custom status");

    expect(waiting.customStatus).toEqual({ step: "investigating", evidence: 2 });
    await runtime.raiseEvent("staged-1", "Decision", "approve");
    const finished = await runtime.whenFinished("staged-1");
    expect(finished.customStatus).toEqual({ step: "done" });
    expect(finished.output).toBe("approve");
  });
});
