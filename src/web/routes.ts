import type { HttpRoute } from "../app/http";
import { incidentListPage } from "./incidentList";
import { threadPage } from "./threadPage";
import { takeOverIncident } from "./takeover";

/**
 * HTTP routes of the pages; `src/app/routes.ts` collects them for both hosts. They are anonymous
 * at the Functions level because people open them in a browser, which cannot send a function key.
 * In Azure, App Service authentication must be switched on and require a signed-in user; it
 * excludes only `/api/alerts/*` and `/api/health`. The local host listens on loopback only.
 */
export const webRoutes: HttpRoute[] = [
  { name: "uiIncidentList", methods: ["GET"], route: "ui/incidents", authLevel: "anonymous", handler: incidentListPage },
  { name: "uiIncidentThread", methods: ["GET"], route: "ui/incidents/{incidentKey}", authLevel: "anonymous", handler: threadPage },
  { name: "uiTakeOver", methods: ["POST"], route: "ui/incidents/{incidentKey}/takeover", authLevel: "anonymous", handler: takeOverIncident },
];
