/**
 * JSON Schema of the Azure Monitor common alert schema as intake accepts it. Essentials are parsed
 * leniently: unknown keys pass, and every field except `alertId` may be null or missing, because
 * Azure leaves many out (cost alerts send null severity, Service Health omits
 * `configurationItems`). Types are still checked where a wrong one would mislead the agent.
 */

const nullableString = { type: ["string", "null"] } as const;

/** ISO-8601 date and time; Azure sends up to 7 fractional digits. */
const ISO_TIME = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?$";

const essentialsSchema = {
  type: "object",
  required: ["alertId"],
  properties: {
    alertId: { type: "string", minLength: 1, pattern: "[^/\\s]" },
    alertRule: nullableString,
    // `Sev0`…`Sev4`, any letter case, or the bare digit some senders use.
    severity: { type: ["string", "null"], pattern: "^([Ss][Ee][Vv])?[0-4]$" },
    signalType: nullableString,
    monitorCondition: { type: ["string", "null"], pattern: "^([Ff][Ii][Rr][Ee][Dd]|[Rr][Ee][Ss][Oo][Ll][Vv][Ee][Dd])$" },
    monitoringService: nullableString,
    alertTargetIDs: { type: ["array", "null"], items: nullableString },
    configurationItems: { type: ["array", "null"], items: nullableString },
    originAlertId: nullableString,
    firedDateTime: { type: ["string", "null"], pattern: ISO_TIME },
    resolvedDateTime: { type: ["string", "null"], pattern: ISO_TIME },
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
