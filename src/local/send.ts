import { readFileSync } from "node:fs";
import { createHmac, randomUUID } from "node:crypto";
import { environmentWithLocalSettings } from "./localSettings";

/**
 * `npm run send -- <file> [--new] [--url http://127.0.0.1:7071]`: posts an alert file to the
 * running host, prints the incident's links, then follows its thread for a few seconds.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith("--"));
  const urlIndex = args.indexOf("--url");
  const env = environmentWithLocalSettings();
  const base = (urlIndex >= 0 ? args[urlIndex + 1] : undefined) ?? `http://127.0.0.1:${env.PORT ?? "7071"}`;
  if (!file) {
    console.error("Usage: npm run send -- <alert.json> [--new] [--url http://127.0.0.1:7071]");
    process.exit(2);
  }

  let body = readFileSync(file);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    console.error(`${file} is not valid JSON: ${(error as Error).message}`);
    process.exit(2);
  }

  // The samples probe the local host's own health endpoint on the default port; follow the real one.
  if (!base.endsWith("127.0.0.1:7071")) body = Buffer.from(body.toString("utf8").split("http://127.0.0.1:7071/").join(`${base}/`));
  parsed = JSON.parse(body.toString("utf8"));

  // --new gives the alert a fresh id, so a sample can be sent again as a new incident.
  if (args.includes("--new")) {
    const essentials = (parsed.data as { essentials?: { alertId?: string } } | undefined)?.essentials;
    const incident = (parsed.event as { data?: { id?: string } } | undefined)?.data;
    if (essentials?.alertId) essentials.alertId = essentials.alertId.replace(/[^/]+$/, randomUUID());
    if (incident?.id) incident.id = `Q${randomUUID().replace(/-/g, "").slice(0, 13).toUpperCase()}`;
    body = Buffer.from(JSON.stringify(parsed));
  }

  const isPagerDuty = typeof parsed.event === "object" && parsed.event !== null;
  const headers: Record<string, string> = { "content-type": "application/json" };
  let endpoint = `${base}/api/alerts/azure-monitor`;
  if (isPagerDuty) {
    endpoint = `${base}/api/alerts/pagerduty`;
    const secret = env.PAGERDUTY_WEBHOOK_SECRET;
    if (secret) headers["x-pagerduty-signature"] = `v1=${createHmac("sha256", secret).update(body).digest("hex")}`;
    headers["x-webhook-id"] = `local-${Date.now()}`;
  }
  const token = env.AZURE_MONITOR_WEBHOOK_TOKEN;
  if (!isPagerDuty && token) endpoint += `?token=${encodeURIComponent(token)}`;

  let response: Response;
  try {
    response = await fetch(endpoint, { method: "POST", headers, body });
  } catch (error) {
    console.error(`Could not reach ${base}: ${(error as Error).message}. Start the agent first with npm start.`);
    process.exit(1);
  }
  const result = (await response.json().catch(() => ({}))) as { incidentKey?: string; outcome?: string; error?: { message?: string } };
  console.log(`POST ${endpoint.replace(/\?.*$/, "")} → ${response.status} ${result.outcome ?? result.error?.message ?? ""}`);
  if (!result.incidentKey) process.exit(response.ok ? 0 : 1);

  const key = encodeURIComponent(result.incidentKey);
  console.log(`Incident ${result.incidentKey}`);
  console.log(`  Thread page: ${base}/api/ui/incidents/${key}`);
  console.log(`  Thread JSON: ${base}/api/incidents/${key}/thread`);

  const seen = new Set<number>();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const thread = (await fetch(`${base}/api/incidents/${key}/thread`).then((r) => r.json()).catch(() => undefined)) as
      | { messages?: Array<{ seq: number; kind: string; text: string }> }
      | undefined;
    for (const message of thread?.messages ?? []) {
      if (seen.has(message.seq)) continue;
      seen.add(message.seq);
      console.log(`  [${message.kind}] ${message.text.split("\n")[0]}`);
    }
    if (thread?.messages?.some((m) => ["escalated", "resolved", "not-handled", "approval-requested"].includes(m.kind))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
