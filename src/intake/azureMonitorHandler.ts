import { createHash, timingSafeEqual } from "node:crypto";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getServices, type Services } from "../app/services";
import { isJsonMediaType, mediaType, parseJsonBody, readRawBody } from "./body";
import { IntakeExchange } from "./exchange";
import { openIncident, resolveIncident, type IntakeOutcome } from "./lifecycle";
import { detectAlertSchema } from "./azureMonitor/schemaDetection";
import { normalizeAzureAlert, type NormalizedAlert } from "./azureMonitor/normalize";
import { validateCommonAlert } from "./validation";
import { intakeStores } from "./stores";

export const AZURE_MONITOR_ROUTE = "alerts/azure-monitor";

/**
 * `POST /api/alerts/azure-monitor`: an action-group webhook in the common alert schema. Validates,
 * stores and hands over; the investigation runs in the orchestration, never in this request.
 */
export async function azureMonitorAlertHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const services = getServices();
  const exchange = new IntakeExchange(services, request, context, AZURE_MONITOR_ROUTE, context.invocationId);
  const limit = services.settings.intakeMaxBodyBytes;

  try {
    exchange.body = await readRawBody(request, limit);
  } catch (error) {
    return exchange.reject(400, `The request body could not be read (${(error as Error).message}). Send the alert again.`);
  }

  const expectedToken = services.settings.azureMonitorWebhookToken;
  if (expectedToken !== undefined && !tokenMatches(request.query.get("token"), expectedToken)) {
    return exchange.reject(
      401,
      "The token query parameter is missing or wrong. Add ?token=<AZURE_MONITOR_WEBHOOK_TOKEN> to the webhook URL in the action group.",
    );
  }

  if (exchange.body.tooLarge) {
    return exchange.reject(
      413,
      `The request body is ${exchange.body.size} bytes, over the ${limit}-byte limit (INTAKE_MAX_BODY_BYTES). Azure Monitor alerts are at most 256 KB; check what sends this payload.`,
    );
  }

  const type = mediaType(request);
  // Azure documents no Content-Type for action-group webhooks; senders use application/json, so a missing header is accepted.
  if (type !== undefined && !isJsonMediaType(type)) {
    return exchange.reject(415, `Content-Type ${type} is not supported. Send the alert as application/json.`);
  }

  const parsed = parseJsonBody(exchange.body.bytes);
  if (!parsed.ok) return exchange.reject(400, parsed.message);

  const detection = detectAlertSchema(parsed.value);
  if (detection.kind === "rejected") return exchange.reject(400, detection.message);

  const validation = validateCommonAlert(parsed.value);
  if (!validation.ok) {
    return exchange.reject(
      400,
      `Invalid Azure Monitor common alert: ${validation.problems.join("; ")}. Azure Monitor sends these fields in this form, so check what produced this payload.`,
    );
  }

  const normalized = normalizeAzureAlert(validation.value);
  const incidentKey = normalized.incident.key;
  if (normalized.parseError) {
    context.warn("Alert context could not be read; the incident has a generic summary.", {
      route: AZURE_MONITOR_ROUTE,
      deliveryId: exchange.deliveryId,
      incidentKey,
      monitoringService: normalized.incident.service,
      error: normalized.parseError.message,
    });
  }

  try {
    const outcome = await handleAlert(services, context, normalized, parsed.text, exchange.deliveryId);
    return exchange.accepted(outcome, incidentKey, { monitorCondition: normalized.monitorCondition });
  } catch (error) {
    return exchange.unavailable(error, `store the ${normalized.monitorCondition} alert`, incidentKey);
  }
}

async function handleAlert(services: Services, context: InvocationContext, alert: NormalizedAlert, body: string, deliveryId: string): Promise<IntakeOutcome> {
  const { incident, monitorCondition } = alert;
  const port = services.orchestrations(context);

  // The first payload of each condition is kept; redeliveries of the same condition add nothing.
  await intakeStores(services).payloads.put(incident.key, {
    id: monitorCondition.toLowerCase(),
    source: "azure-monitor",
    body,
    contentType: "application/json",
    deliveryId,
  });

  if (monitorCondition === "Fired") return openIncident(services, port, incident);
  return resolveAlert(services, port, alert);
}

/**
 * Handles a `Resolved` notification by resolving the known incident. For an unknown key, whose
 * `Fired` is late or lost, it stores a tombstone record instead, so the late `Fired` opens nothing.
 */
async function resolveAlert(services: Services, port: ReturnType<Services["orchestrations"]>, alert: NormalizedAlert): Promise<IntakeOutcome> {
  const { incident } = alert;
  const resolvedAt = incident.resolvedAt ?? new Date().toISOString();

  if (!(await services.incidents.get(incident.key))) {
    const tombstone = { ...incident, status: "resolved" as const, resolvedAt, tombstone: true };
    if ((await services.incidents.create(tombstone)) === "created") {
      await services.threads.append(incident.key, {
        id: "alert-resolved",
        author: "platform",
        kind: "resolved",
        text: "Azure Monitor reported this alert resolved before its Fired notification arrived, so no investigation runs for it.",
        data: { resolvedAt, tombstone: true },
      });
      return "resolved";
    }
    // A concurrent Fired created the record first; resolve it as usual.
  }

  const { firstDelivery } = await resolveIncident(services, port, incident.key, {
    resolvedAt,
    messageId: "alert-resolved",
    text: `Azure Monitor reported the alert resolved at ${resolvedAt}.`,
    data: { resolvedAt, monitorCondition: "Resolved" },
    eventData: { source: "azure-monitor", resolvedAt },
  });
  return firstDelivery ? "resolved" : "duplicate";
}

/** Compares the token in constant time; hashing first makes the lengths equal. */
function tokenMatches(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const receivedDigest = createHash("sha256").update(received, "utf8").digest();
  const expectedDigest = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(receivedDigest, expectedDigest);
}
