/**
 * JSON Schema of the Azure Monitor common alert schema as intake accepts it. Essentials are parsed
 * leniently: unknown keys pass, and every field except `alertId` may be null or missing, because
 * Azure leaves many out (cost alerts send null severity, Service Health omits
 * `configurationItems`). Types are still checked where a wrong one would mislead the agent.
 */

const nullableString = { type: ["string", "null"] } as const;

const essentialsSchema = {
  type: "object",
  required: ["alertId"],
  properties: {
    alertId: { type: "string", minLength: 1, pattern: "[^/\\s]" },
    alertRule: nullableString,
    severity: nullableString,
    signalType: nullableString,
    monitorCondition: nullableString,
    monitoringService: nullableString,
    alertTargetIDs: { type: ["array", "null"], items: nullableString },
    configurationItems: { type: ["array", "null"], items: nullableString },
    originAlertId: nullableString,
    firedDateTime: nullableString,
    resolvedDateTime: nullableString,
    description: nullableString,
    essentialsVersion: nullableString,
    alertContextVersion: nullableString,
    alertRuleID: nullableString,
    resourceType: nullableString,
    resourceGroupName: nullableString,
    investigationLink: nullableString,
  },
} as const;

export const commonAlertSchema = {
  $id: "azure-monitor-common-alert",
  type: "object",
  required: ["schemaId", "data"],
  properties: {
    schemaId: { type: "string" },
    data: {
      type: "object",
      required: ["essentials"],
      properties: {
        essentials: essentialsSchema,
        alertContext: { type: ["object", "null"] },
        customProperties: { type: ["object", "null"] },
      },
    },
  },
} as const;

/** The common alert schema's `schemaId`. */
export const COMMON_ALERT_SCHEMA_ID = "azureMonitorCommonAlertSchema";

/** Essentials as the schema above lets them through. */
export interface AlertEssentials {
  alertId: string;
  alertRule?: string | null;
  severity?: string | null;
  signalType?: string | null;
  monitorCondition?: string | null;
  monitoringService?: string | null;
  alertTargetIDs?: Array<string | null> | null;
  configurationItems?: Array<string | null> | null;
  originAlertId?: string | null;
  firedDateTime?: string | null;
  resolvedDateTime?: string | null;
  description?: string | null;
  alertRuleID?: string | null;
  resourceType?: string | null;
  resourceGroupName?: string | null;
  investigationLink?: string | null;
  [field: string]: unknown;
}

/** A common-schema alert as the schema above lets it through. */
export interface CommonAlert {
  schemaId: string;
  data: {
    essentials: AlertEssentials;
    alertContext?: Record<string, unknown> | null;
    customProperties?: Record<string, unknown> | null;
  };
}
