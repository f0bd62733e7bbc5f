import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Services } from "../app/services";
import { json, problem } from "../app/http";
import { isTransientStorageError } from "../storage/tables";
import { bodyText, type RawBody } from "./body";
import { OrchestrationUnavailableError, type IntakeOutcome } from "./lifecycle";
import { redactHeaders, redactSecrets } from "./redact";
import { intakeStores } from "./stores";

/** Seconds a sender is asked to wait before retrying a 503. */
const RETRY_AFTER_SECONDS = 5;

/**
 * One intake request and its responses. Every response is logged with the route, the delivery id
 * and the incident key where there is one, and every rejection also keeps the payload in the
 * rejected table. Logs never contain the body or a header value.
 */
export class IntakeExchange {
  /** The body, once read. */
  body?: RawBody;

  constructor(
    readonly services: Services,
    readonly request: HttpRequest,
    readonly context: InvocationContext,
    /** Route below `/api`, as the rejected table records it. */
    readonly route: string,
    /** `X-Webhook-Id` for PagerDuty; the invocation id for Azure Monitor, which sends no delivery id. */
    readonly deliveryId: string,
  ) {}

  /** Keeps the payload in the rejected table and returns a 4xx response with `message`. */
  async reject(status: number, message: string): Promise<HttpResponseInit> {
    await this.keepRejected(status, message);
    this.context.warn("Alert rejected.", { route: this.route, deliveryId: this.deliveryId, status, reason: message });
    return problem(status, message);
  }

  /** Logs the outcome and returns 202 with the incident key and outcome. */
  accepted(outcome: IntakeOutcome, incidentKey: string | undefined, details: Record<string, unknown> = {}): HttpResponseInit {
    const verb = outcome === "duplicate" ? "Duplicate alert delivery." : `Alert accepted: ${outcome}.`;
    this.context.log(verb, { route: this.route, deliveryId: this.deliveryId, incidentKey, outcome, ...details });
    return json(202, { incidentKey: incidentKey ?? null, outcome });
  }

  /**
   * Returns 503 for a failure inside intake, so that the sender retries: Azure Monitor retries only
   * 408, 429, 503 and 504, and never a 500. A failure that does not look transient also keeps the
   * payload in the rejected table, since the retries may fail the same way.
   */
  async unavailable(error: unknown, action: string, incidentKey?: string): Promise<HttpResponseInit> {
    const transient = error instanceof OrchestrationUnavailableError || isTransientStorageError(error);
    const message = `Alert intake could not ${action}; try again shortly.`;
    this.context.error("Alert intake failed.", {
      route: this.route,
      deliveryId: this.deliveryId,
      incidentKey,
      action,
      transient,
      error: (error as Error)?.message ?? String(error),
    });
    if (!transient) await this.keepRejected(503, `${message} Internal error: ${(error as Error)?.message ?? String(error)}`);
    return json(503, { error: { status: 503, message } }, { "retry-after": String(RETRY_AFTER_SECONDS) });
  }

  private async keepRejected(status: number, reason: string): Promise<void> {
    const body = this.body;
    try {
      await intakeStores(this.services).rejected.add({
        route: this.route,
        status,
        reason,
        deliveryId: this.deliveryId,
        headers: redactHeaders(this.request.headers),
        body: body?.read ? redactSecrets(bodyText(body.bytes)) : undefined,
        bodyBytes: body?.size ?? 0,
        bodyCut: body?.tooLarge ?? false,
      });
    } catch (storeError) {
      // The response to the sender does not depend on this, and the log line keeps the reason.
      this.context.error("Could not keep the rejected payload.", {
        route: this.route,
        deliveryId: this.deliveryId,
        status,
        reason,
        error: (storeError as Error).message,
      });
    }
  }
}
