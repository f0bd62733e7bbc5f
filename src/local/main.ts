import { consoleLogger } from "../app/logger";
import { environmentWithLocalSettings } from "./localSettings";
import { startLocalHost } from "./host";

/** `npm start`: runs the agent on this machine and stops it cleanly on Ctrl-C. */
async function main(): Promise<void> {
  const logger = consoleLogger("local");
  const host = await startLocalHost({ env: environmentWithLocalSettings(), logger });

  console.log("");
  console.log(`SRE incident agent is running on ${host.url}`);
  console.log(`  Incidents (web):       ${host.url}/api/ui/incidents`);
  console.log(`  Incidents (JSON):      ${host.url}/api/incidents`);
  console.log(`  Azure Monitor intake:  POST ${host.url}/api/alerts/azure-monitor`);
  console.log(`  PagerDuty intake:      POST ${host.url}/api/alerts/pagerduty`);
  console.log(`  Handlers:              ${host.url}/api/handlers`);
  console.log(`  Health:                ${host.url}/api/health`);
  console.log("Send a sample alert: npm run send -- samples/app-service-http-5xx.json");
  console.log("Press Ctrl-C to stop.");

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`Received ${signal}; stopping the local host and Azurite.`);
    host
      .stop()
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error("Failed to stop cleanly.", error);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: Error) => {
  console.error(`The local host failed to start: ${error.message}`);
  process.exit(1);
});
