import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { json } from "../app/http";
import { getServices, type Services } from "../app/services";
import { isJsonMediaType, mediaType, parseJsonBody, readRawBody } from "./body";
import { IntakeExchange } from "./exchange";
import { agentIdentity } from "./pagerduty/agentIdentity";
import { applyEvent, classifyEvent, type ClassifiedEvent, type EventResult } from "./pagerduty/events";
import { verifyPagerDutySignature } from "./pagerduty/signature";
import type { PagerDutyEvent } from "./schemas/pagerDuty";
import { intakeStores } from "./stores";
import { validatePagerDutyWebhook } from "./validation";

export const PAGERDUTY_ROUTE = "alerts/pagerduty";

/** Partition of the deliveries table for PagerDuty. */
const DELIVERIES = "pagerduty";
/** Payload partition for accepted events that belong to no known incident (pings, unknown incidents). */
export const UNLINKED_PAGERDUTY_PAYLOADS = "pagerduty-unlinked";

/**
 * `POST /api/alerts/pagerduty`: a PagerDuty webhook v3 delivery. The signature is verified over the
 * raw body before anything else, de-duplication included. Then the delivery is checked by
 * `X-Webhook-Id`, claimed by event id, applied and recorded.
 */
export async function pagerDutyWebhookHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = getServices();
  const settings = services.settings;
  const webhookId = request.headers.get("x-webhook-id")?.trim() || undefined;
  const exchange = new IntakeExchange(services, request, context, PAGERDUTY_ROUTE, webhookId ?? context.invocationId);
  const limit = settings.intakeMaxBodyBytes;

  try {
    exchange.body = await readRawBody(request, limit);
  } catch (error) {
    return exchange.reject(400, `The request body could not be read (${(error as Error).message}). Send the webhook again.`);
  }
  if (exchange.body.tooLarge) {
    return exchange.reject(413, `The request body is ${exchange.body.size} bytes, over the ${limit}-byte limit (INTAKE_MAX_BODY_BYTES). PagerDuty drops webhooks over 256 KB, so check what sends this payload.`);
  }

  const secret = settings.pagerDuty.webhookSecret;
  if (secret === undefined) {
    if (!settings.pagerDuty.allowUnsigned) {
      return exchange.reject(
        401,
        "PagerDuty intake is off: PAGERDUTY_WEBHOOK_SECRET is not set. Set it to the webhook subscription's signing secret (or PAGERDUTY_ALLOW_UNSIGNED=true for local development only).",
      );
    }
  } else {
    const check = verifyPagerDutySignature(exchange.body.bytes, request.headers.get("x-pagerduty-signature"), secret);
    // TODO: unsigned requests to this anonymous route are kept in the rejected table too (each at most
    // INTAKE_MAX_BODY_BYTES); nothing rate-limits them yet.
    if (check !== "valid") return exchange.reject(401, signatureMessage(check));
  }

  const type = mediaType(request);
  if (type !== undefined && !isJsonMediaType(type)) {
    return exchange.reject(415, `Content-Type ${type} is not supported. PagerDuty webhooks are application/json.`);
  }

  const parsed = parseJsonBody(exchange.body.bytes);
  if (!parsed.ok) return exchange.reject(400, parsed.message);
  const validation = validatePagerDutyWebhook(parsed.value);
  if (!validation.ok) {
    return exchange.reject(400, `Invalid PagerDuty webhook: ${validation.problems.join("; ")}. Send a webhook v3 payload with event.id and event.event_type.`);
  }
  const event = validation.value.event;
  const classified = classifyEvent(event);
  if ("problem" in classified) return exchange.reject(400, `${classified.problem}. PagerDuty sends this with the incident in event.data.`);

  try {
    return await deliver(services, exchange, event, classified, parsed.text, webhookId);
  } catch (error) {
    return exchange.unavailable(error, `process the ${event.event_type} event`);
  }
}

async function deliver(services: Services, exchange: IntakeExchange, event: PagerDutyEvent, classified: ClassifiedEvent, body: string, webhookId: string | undefined): Promise<HttpResponseInit> {
  const { deliveries, payloads } = intakeStores(services);
  const details = { eventId: event.id, eventType: event.event_type };

  if (webhookId) {
    const seen = await deliveries.get(DELIVERIES, webhookDeliveryKey(webhookId));
    if (seen?.state === "done") return exchange.accepted("duplicate", seen.incidentKey, details);
  }

  const claim = await deliveries.claim(DELIVERIES, eventDeliveryKey(event), { eventType: event.event_type });
  if (claim.result === "done") {
    if (webhookId) await deliveries.complete(DELIVERIES, webhookDeliveryKey(webhookId), { outcome: "duplicate", incidentKey: claim.record.incidentKey, eventType: event.event_type });
    return exchange.accepted("duplicate", claim.record.incidentKey, details);
  }
  if (claim.result === "in-progress") {
    // Another request has claimed this event and usually finishes within milliseconds, so wait
    // briefly and respond `duplicate`. Only when it is still running does the sender get a 503,
    // which PagerDuty retries, so no delivery gets a 2xx before one request has stored the event.
    const finished = await waitForDelivery(deliveries, eventDeliveryKey(event), IN_PROGRESS_WAIT_MS);
    if (finished) {
      if (webhookId) await deliveries.complete(DELIVERIES, webhookDeliveryKey(webhookId), { outcome: "duplicate", incidentKey: finished.incidentKey, eventType: event.event_type });
      return exchange.accepted("duplicate", finished.incidentKey, details);
    }
    exchange.context.log("PagerDuty event is being processed by another request.", { route: PAGERDUTY_ROUTE, deliveryId: exchange.deliveryId, ...details });
    return json(503, { error: { status: 503, message: "This event is being processed by another request; try again shortly." } }, { "retry-after": "5" });
  }

  let result: EventResult;
  try {
    const agentUserId = await agentIdentity(services).userId(exchange.context);
    const port = services.orchestrations(exchange.context);
    result = await applyEvent({ services, port, logger: exchange.context, agentUserId }, event, classified);

    await payloads.put(result.incidentKey ?? UNLINKED_PAGERDUTY_PAYLOADS, {
      id: event.id,
      source: "pagerduty",
      body,
      contentType: "application/json",
      deliveryId: webhookId,
    });
    const record = { outcome: result.outcome, incidentKey: result.incidentKey, eventType: event.event_type };
    await deliveries.complete(DELIVERIES, eventDeliveryKey(event), record);
    if (webhookId) await deliveries.complete(DELIVERIES, webhookDeliveryKey(webhookId), record);
  } catch (error) {
    // Free the claim so PagerDuty's retry is processed at once; if storage is down, the lease expires instead.
    await deliveries.release(DELIVERIES, eventDeliveryKey(event)).catch(() => undefined);
    throw error;
  }

  return exchange.accepted(result.outcome, result.incidentKey, { ...details, note: result.note });
}

function eventDeliveryKey(event: PagerDutyEvent): string {
  return `event-${event.id}`;
}

function webhookDeliveryKey(webhookId: string): string {
  return `webhook-${webhookId}`;
}

function signatureMessage(check: "missing" | "malformed" | "mismatch"): string {
  switch (check) {
    case "missing":
      return "The X-PagerDuty-Signature header is missing. PagerDuty signs every webhook v3 delivery; check that the request comes from PagerDuty.";
    case "malformed":
      return "The X-PagerDuty-Signature header has no valid v1= entry (v1= followed by 64 hex digits). Check that the request comes from PagerDuty unaltered.";
    case "mismatch":
      return "The X-PagerDuty-Signature does not match the body. Check that PAGERDUTY_WEBHOOK_SECRET is the subscription's current secret and that no proxy re-encodes the body.";
  }
}

/** How long a concurrent duplicate waits for the request that claimed its event. */
const IN_PROGRESS_WAIT_MS = 2_000;

async function waitForDelivery(deliveries: ReturnType<typeof intakeStores>["deliveries"], key: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const record = await deliveries.get(DELIVERIES, key);
    if (record?.state === "done") return record;
  }
  return undefined;
}
