import type { HttpRoute } from "../app/http";
import { azureMonitorAlertHandler, AZURE_MONITOR_ROUTE } from "./azureMonitorHandler";
import { pagerDutyWebhookHandler, PAGERDUTY_ROUTE } from "./pagerdutyHandler";
import { listRejectedHandler } from "./rejectedApi";

/** HTTP routes of this module; `src/app/routes.ts` collects them for both hosts. */
export const intakeRoutes: HttpRoute[] = [
  // The function key authenticates Azure Monitor; AZURE_MONITOR_WEBHOOK_TOKEN adds a shared token.
  { name: "azureMonitorAlert", methods: ["POST"], route: AZURE_MONITOR_ROUTE, authLevel: "function", handler: azureMonitorAlertHandler },
  // PagerDuty cannot send a function key; the signature check in the handler authenticates it.
  { name: "pagerDutyWebhook", methods: ["POST"], route: PAGERDUTY_ROUTE, authLevel: "anonymous", handler: pagerDutyWebhookHandler },
  { name: "listRejected", methods: ["GET"], route: "rejected", authLevel: "function", handler: listRejectedHandler },
];
