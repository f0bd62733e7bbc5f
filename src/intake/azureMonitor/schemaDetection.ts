import { COMMON_ALERT_SCHEMA_ID } from "../schemas/azureMonitor";

/** How to turn the common alert schema on; every non-common rejection ends with it. */
export const ENABLE_COMMON_SCHEMA =
  "Enable the common alert schema on the action group's webhook action (\"Enable the common alert schema\" in the portal, useCommonAlertSchema: true in ARM), then send the alert again.";

/** Payload shapes that action groups send when the common alert schema is off, by `schemaId`. */
const LEGACY_SCHEMA_IDS: Record<string, string> = {
  azuremonitormetricalert: "the metric alert webhook schema (schemaId AzureMonitorMetricAlert)",
  "microsoft.insights/activitylogs": "the activity log alert webhook schema (schemaId Microsoft.Insights/activityLogs)",
  "microsoft.insights/logalert": "the Application Insights log alert webhook schema (schemaId Microsoft.Insights/LogAlert)",
  "aip budget notification": "the budget notification schema (schemaId AIP Budget Notification)",
};

export type SchemaDetection = { kind: "common" } | { kind: "rejected"; message: string };

/**
 * Decides from the envelope alone whether `value` is a common-schema alert. Everything else gets a
 * message that names what arrived and asks the operator to enable the common alert schema,
 * because that is the fix in every case.
 */
export function detectAlertSchema(value: unknown): SchemaDetection {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "rejected", message: `The body must be a JSON object in the Azure Monitor common alert schema. ${ENABLE_COMMON_SCHEMA}` };
  }
  const body = value as Record<string, unknown>;
  const schemaId = body.schemaId;

  if (typeof schemaId === "string") {
    // Every Azure sample spells it exactly; a case difference is still clearly the same schema.
    if (schemaId.toLowerCase() === COMMON_ALERT_SCHEMA_ID.toLowerCase()) return { kind: "common" };
    const legacy = LEGACY_SCHEMA_IDS[schemaId.toLowerCase()];
    if (legacy) {
      return { kind: "rejected", message: `This payload uses ${legacy}, which the action group sends when the common alert schema is off. ${ENABLE_COMMON_SCHEMA}` };
    }
    return {
      kind: "rejected",
      message: `schemaId "${schemaId.slice(0, 100)}" is not supported: this endpoint accepts only the Azure Monitor common alert schema (schemaId ${COMMON_ALERT_SCHEMA_ID}). ${ENABLE_COMMON_SCHEMA}`,
    };
  }

  if (schemaId !== undefined && schemaId !== null) {
    return { kind: "rejected", message: `schemaId must be the string ${COMMON_ALERT_SCHEMA_ID}. ${ENABLE_COMMON_SCHEMA}` };
  }

  if ("AlertRuleName" in body || "SearchQuery" in body || "WorkspaceId" in body) {
    return {
      kind: "rejected",
      message: `This payload is a legacy log alert without a schemaId (the Log Analytics webhook format of API 2018-04-16), sent when the common alert schema is off. ${ENABLE_COMMON_SCHEMA}`,
    };
  }
  if ("status" in body && "context" in body) {
    return { kind: "rejected", message: `This payload is a classic metric alert without a schemaId. ${ENABLE_COMMON_SCHEMA}` };
  }
  return { kind: "rejected", message: `schemaId is missing: this endpoint accepts only the Azure Monitor common alert schema (schemaId ${COMMON_ALERT_SCHEMA_ID}). ${ENABLE_COMMON_SCHEMA}` };
}
