import { describeWebhook, invokeRunbookWebhook } from "../platforms/webhooks";
import { failed, notConfigured, succeeded } from "./results";
import type { ToolContext, ToolResult } from "./types";

/**
 * Starts an Azure Automation runbook through a webhook URL that the handler lists under
 * `runbooks`, by name. The URL never comes from the arguments, so alert text cannot send the
 * agent to an address of its choosing. The URL carries the webhook's secret, so only its origin
 * appears in results.
 */
export async function invokeRunbook(args: Record<string, unknown>, context: ToolContext): Promise<ToolResult> {
  const tool = "runbook.invokeWebhook";
  const name = String(args.runbook ?? "");
  const resourceId = typeof args.resourceId === "string" ? args.resourceId : undefined;
  const url = Object.prototype.hasOwnProperty.call(context.handler.runbooks ?? {}, name) ? context.handler.runbooks![name] : undefined;
  const attempted = { runbook: name, ...(resourceId ? { resource: resourceId } : {}), ...(url ? { url: describeWebhook(url) } : {}) };
  if (!url) {
    const known = Object.keys(context.handler.runbooks ?? {});
    return notConfigured(tool, `Handler ${context.handler.name} lists no runbook named "${name}"${known.length ? `; it lists ${known.join(", ")}` : ""}.`, attempted);
  }

  try {
    const result = await invokeRunbookWebhook(url, {
      incidentKey: context.incident.key,
      runbook: name,
      ...(resourceId ? { resourceId } : {}),
      parameters: (args.parameters as Record<string, string> | undefined) ?? {},
    });
    return succeeded(tool, `Started runbook ${name} (webhook answered ${result.status}).`, attempted, { excerpt: result.excerpt }, result.status);
  } catch (error) {
    return failed(tool, attempted, error);
  }
}
