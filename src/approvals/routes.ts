import type { HttpRoute } from "../app/http";

/** HTTP routes of this module; `src/app/routes.ts` collects them for both hosts. */
export const approvalsRoutes: HttpRoute[] = [];
