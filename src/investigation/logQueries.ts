/**
 * KQL templates for the logs collector. None of them filters on time: the window is the query's
 * timespan, derived from the alert, so a template can never widen or shift it with `ago()`.
 * Each returns one summarized row, so the evidence stays small whatever the log volume.
 */

export interface ErrorQuery {
  name: "failed-requests" | "exceptions";
  query: string;
  /** Column holding the count. */
  countColumn: string;
}

/** Application Insights component (classic schema through resource-centric queries). */
const COMPONENT_QUERIES: ErrorQuery[] = [
  {
    name: "failed-requests",
    countColumn: "failedRequests",
    query:
      "requests | where success == false | summarize failedRequests = count(), resultCodes = make_set(resultCode, 10), operations = make_set(operation_Name, 10)",
  },
  {
    name: "exceptions",
    countColumn: "exceptions",
    query: "exceptions | summarize exceptions = count(), types = make_set(type, 10), messages = make_set(outerMessage, 5)",
  },
];

/** App Service app (its resource-log tables, present when diagnostic settings send them). */
const SITE_QUERIES: ErrorQuery[] = [
  {
    name: "failed-requests",
    countColumn: "failedRequests",
    query:
      "AppServiceHTTPLogs | where ScStatus >= 500 | summarize failedRequests = count(), resultCodes = make_set(ScStatus, 10), operations = make_set(CsUriStem, 10)",
  },
  {
    name: "exceptions",
    countColumn: "exceptions",
    query:
      'AppServiceAppLogs | where Level in~ ("Error", "Critical") | summarize exceptions = count(), types = make_set(ExceptionClass, 10), messages = make_set(Message, 5)',
  },
];

/** Resource types whose failed requests and exceptions the logs collector reads. */
export const ERROR_QUERY_TYPES = ["microsoft.web/sites", "microsoft.insights/components"];

/** Returns the failed-request and exception queries for a resource type, or none. */
export function errorQueriesFor(resourceType: string | undefined): ErrorQuery[] {
  if (resourceType === "microsoft.insights/components") return COMPONENT_QUERIES;
  if (resourceType === "microsoft.web/sites") return SITE_QUERIES;
  return [];
}
