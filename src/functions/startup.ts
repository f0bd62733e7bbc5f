import { app } from "@azure/functions";
import { consoleLogger } from "../app/logger";
import { getServices } from "../app/services";
import { prepareApp } from "../app/startup";
import { featureNotices } from "../config/settings";

app.hook.appStart(async () => {
  const logger = consoleLogger("startup");
  const services = getServices();
  for (const notice of featureNotices(services.settings)) logger.log(notice);
  await prepareApp(services, logger);
});
