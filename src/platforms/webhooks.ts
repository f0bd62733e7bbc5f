/**
 * Outgoing webhooks: chat notifications (Teams and Slack incoming webhooks both take `{"text"}`)
 * and Azure Automation runbook webhooks. The URLs come only from handler configuration, and they
 * carry their own secret, so they never appear in logs or thread messages.
 */

export interface WebhookResult {
  status: number;
  /** The start of the response body, for the thread. */
  excerpt: string;
}

/** A webhook response outside 2xx, or no response. */
export class WebhookError extends Error {
  override name = "WebhookError";

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;

async function postJson(url: string, body: unknown, what: string): Promise<WebhookResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "error",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new WebhookError(`${what} webhook failed: ${(error as Error).message}`, 0);
  }
  const excerpt = (await response.text()).slice(0, 300);
  if (!response.ok) throw new WebhookError(`${what} webhook returned HTTP ${response.status}.`, response.status);
  return { status: response.status, excerpt };
}

/** Posts a chat message; Teams and Slack incoming webhooks both accept `{"text": ...}`. */
export function postChatMessage(url: string, text: string): Promise<WebhookResult> {
  return postJson(url, { text }, "Notification");
}

/** Starts an Azure Automation runbook through its webhook. Azure returns 202 with the job ids. */
export function invokeRunbookWebhook(url: string, body: Record<string, unknown>): Promise<WebhookResult> {
  return postJson(url, body, "Runbook");
}

/** Returns the URL without its query string, path secrets cut, for messages: `https://host/...`. */
export function describeWebhook(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return "(invalid URL)";
  }
}
