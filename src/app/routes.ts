import type { HttpRoute } from "./http";
import { apiRoutes } from "./apiRoutes";
import { intakeRoutes } from "../intake/routes";
import { handlersRoutes } from "../handlers/routes";
import { approvalsRoutes } from "../approvals/routes";
import { webRoutes } from "../web/routes";

/** Every HTTP route of the app. */
export function allRoutes(): HttpRoute[] {
  return [...apiRoutes, ...intakeRoutes, ...handlersRoutes, ...approvalsRoutes, ...webRoutes];
}
