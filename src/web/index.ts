/** The pages' building blocks, for other modules' pages (the approval page) to share the layout and escaping. */
export { html, escapeHtml, safeHref, trusted, joinHtml, isSafeHtml, type SafeHtml } from "./escape";
export { pageResponse, messagePage, seeOther, renderPage, pageHeaders, contentSecurityPolicy, createNonce, type PageOptions } from "./layout";
export { formatTime, formatElapsed, formatDuration, formatConfidence, formatJson } from "./format";
export { priorityBadge, statusBadge, verdictBadge, resultBadge } from "./badges";
export { threadPath, INCIDENT_LIST_PATH } from "./paths";
export { signedInUser, personName, PRINCIPAL_NAME_HEADER } from "./identity";
