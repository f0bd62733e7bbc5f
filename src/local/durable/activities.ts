import { randomUUID } from "node:crypto";
import { InvocationContext, type LogLevel } from "@azure/functions";
import type { Logger } from "../../app/logger";
import type { ActivityHandler } from "../../workflow/registry";
import { events, type FailureDetails, type HistoryEvent } from "./history";
import { MAX_PAYLOAD_CHARS } from "./replay";

/** Runs activities in process and turns each run into its `TaskCompleted` or `TaskFailed` event. */
export class ActivityRunner {
  constructor(
    private readonly activities: Record<string, ActivityHandler>,
    private readonly logger: Logger,
  ) {}

  /** Runs the activity of a `TaskScheduled` event; never throws. */
  async run(instanceId: string, scheduled: HistoryEvent): Promise<HistoryEvent> {
    const name = scheduled.Name ?? "";
    const id = scheduled.EventId;
    if (scheduled.GiveUp) return events.taskFailed(new Date(), id, scheduled.GiveUp);

    const handler = this.activities[name];
    if (!handler) {
      const failure: FailureDetails = { ErrorType: "Error", ErrorMessage: `Activity ${name} is not registered with the local durable runtime.` };
      this.logger.error(`durable: instance ${instanceId}: ${failure.ErrorMessage}`);
      return events.taskFailed(new Date(), id, failure);
    }

    try {
      const context = new InvocationContext({
        invocationId: randomUUID(),
        functionName: name,
        triggerMetadata: { instanceId },
        logHandler: (level, ...args) => this.forward(level, `activity ${name} (${instanceId}):`, args),
      });
      const input = scheduled.Input === undefined ? undefined : JSON.parse(scheduled.Input);
      const result = await handler(input, context);
      const text = JSON.stringify(result) ?? "null";
      if (text.length > MAX_PAYLOAD_CHARS) {
        throw new Error(`Activity ${name} returned ${text.length} characters of JSON; the local durable runtime stores at most ${MAX_PAYLOAD_CHARS}.`);
      }
      return events.taskCompleted(new Date(), id, text);
    } catch (error) {
      const failure = failureDetails(error);
      const attempt = scheduled.Attempt ? ` (attempt ${scheduled.Attempt})` : "";
      this.logger.warn(`durable: instance ${instanceId}: activity ${name} failed${attempt}: ${failure.ErrorMessage}`);
      return events.taskFailed(new Date(), id, failure);
    }
  }

  private forward(level: LogLevel, tag: string, args: unknown[]): void {
    if (level === "error" || level === "critical") this.logger.error(tag, ...args);
    else if (level === "warning") this.logger.warn(tag, ...args);
    else if (level !== "none") this.logger.log(tag, ...args);
  }
}

function failureDetails(error: unknown): FailureDetails {
  if (error instanceof Error) {
    return { ErrorType: error.name || "Error", ErrorMessage: error.message, StackTrace: error.stack?.slice(0, 4000) };
  }
  return { ErrorType: "Error", ErrorMessage: typeof error === "string" ? error : JSON.stringify(error) ?? String(error) };
}
