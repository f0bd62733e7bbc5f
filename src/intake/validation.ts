import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { commonAlertSchema, type CommonAlert } from "./schemas/azureMonitor";
import {
  incidentChildDataSchema,
  incidentDataSchema,
  webhookEnvelopeSchema,
  type PagerDutyIncidentChildData,
  type PagerDutyIncidentData,
  type PagerDutyWebhook,
} from "./schemas/pagerDuty";

/** One Ajv instance and the intake validators, compiled once per process. */
const ajv = new Ajv({ allErrors: true, strict: false });

const validators = {
  commonAlert: ajv.compile<CommonAlert>(commonAlertSchema),
  pagerDutyWebhook: ajv.compile<PagerDutyWebhook>(webhookEnvelopeSchema),
  pagerDutyIncident: ajv.compile<PagerDutyIncidentData>(incidentDataSchema),
  pagerDutyIncidentChild: ajv.compile<PagerDutyIncidentChildData>(incidentChildDataSchema),
};

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function run<T>(validate: ValidateFunction<T>, value: unknown, root: string): Validation<T> {
  if (validate(value)) return { ok: true, value };
  return { ok: false, problems: (validate.errors ?? []).map((error) => describe(error, root)) };
}

export function validateCommonAlert(value: unknown): Validation<CommonAlert> {
  return run(validators.commonAlert, value, "");
}

export function validatePagerDutyWebhook(value: unknown): Validation<PagerDutyWebhook> {
  return run(validators.pagerDutyWebhook, value, "");
}

/** Validates `event.data` of an event about an incident. */
export function validatePagerDutyIncidentData(value: unknown): Validation<PagerDutyIncidentData> {
  return run(validators.pagerDutyIncident, value, "event.data");
}

/** Validates `event.data` of an event about a note, responder or other sub-object of an incident. */
export function validatePagerDutyIncidentChildData(value: unknown): Validation<PagerDutyIncidentChildData> {
  return run(validators.pagerDutyIncidentChild, value, "event.data");
}

/** Rule text for each field checked by a pattern, by field name. */
const PATTERN_RULES: Record<string, string> = {
  severity: "must be one of Sev0, Sev1, Sev2, Sev3, Sev4 or null",
  monitorCondition: "must be Fired, Resolved or null",
  firedDateTime: "must be an ISO-8601 date and time such as 2026-01-31T12:00:00Z",
  resolvedDateTime: "must be an ISO-8601 date and time such as 2026-01-31T12:00:00Z",
};

/** Turns one Ajv error into a sentence that names the field in dotted form, such as `data.essentials.alertId`. */
function describe(error: ErrorObject, root: string): string {
  const path = [root, ...error.instancePath.split("/").filter(Boolean)].filter(Boolean).join(".");
  switch (error.keyword) {
    case "required": {
      const field = [path, String(error.params.missingProperty)].filter(Boolean).join(".");
      return `${field} is missing`;
    }
    case "type":
      return `${path || "the body"} must be ${String(error.params.type).replace(",", " or ")}`;
    case "minLength":
      return `${path} must not be empty`;
    case "pattern":
      return `${path} ${PATTERN_RULES[path.split(".").pop() ?? ""] ?? "must contain an id"}`;
    default:
      return `${path || "the body"} ${error.message ?? "is invalid"}`;
  }
}
