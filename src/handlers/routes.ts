import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { HttpRoute } from "../app/http";
import { json, problem } from "../app/http";
import { getServices } from "../app/services";
import { HandlerPreconditionError } from "../storage/handlers";
import { isTransientStorageError } from "../storage/tables";
import { toHandler } from "./defaults";
import { compareHandlers } from "./match";
import { handlerNameProblem, validateHandlerConfig } from "./schema";
import { handlerDefaults, handlerStore } from "./store";

/** Largest request body accepted, in characters; the schema's limits keep a real handler far below it. */
const MAX_BODY_CHARS = 256 * 1024;

async function listHandlers(_request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const services = getServices();
    const defaults = handlerDefaults(services.settings);
    const entries = (await handlerStore(services).list()).map((stored) => {
      const validation = validateHandlerConfig(stored.config);
      const effective = validation.valid ? toHandler(stored.name, validation.config, defaults) : undefined;
      return {
        name: stored.name,
        order: effective?.order ?? 100,
        enabled: effective?.enabled ?? false,
        origin: stored.origin,
        etag: stored.etag,
        updatedAt: stored.updatedAt,
        config: stored.config,
        ...(effective ? { effective } : { violations: validation.valid ? [] : validation.violations }),
      };
    });
    return json(200, { handlers: entries.sort(compareHandlers) });
  } catch (error) {
    return storageFailure(error, context, "list handlers");
  }
}

async function getHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.name;
  const nameProblem = handlerNameProblem(name);
  if (nameProblem) return problem(400, nameProblem);

  try {
    const stored = await handlerStore(getServices()).get(name);
    if (!stored) return notFound(name);
    return json(200, stored.config, { etag: stored.etag });
  } catch (error) {
    return storageFailure(error, context, "read handler", name);
  }
}

/** Creates or replaces a handler. `If-Match: <etag>` replaces only that version; `If-None-Match: *` only creates. */
async function putHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.name;
  const nameProblem = handlerNameProblem(name);
  if (nameProblem) return problem(400, nameProblem);

  const ifNoneMatch = request.headers.get("if-none-match")?.trim();
  if (ifNoneMatch !== undefined && ifNoneMatch !== "*") {
    return problem(400, `If-None-Match supports only "*" (create only); got ${JSON.stringify(ifNoneMatch)}.`);
  }
  const ifMatch = tableEtag(request.headers.get("if-match"));

  const body = await request.text();
  if (body.length > MAX_BODY_CHARS) return problem(413, `The handler is ${body.length} characters long; the limit is ${MAX_BODY_CHARS}.`);
  if (body.trim() === "") return problem(400, `The request body is empty: send the handler as JSON, for example {"autonomy": "reader"}.`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return problem(400, `The request body is not valid JSON: ${(error as Error).message}.`);
  }

  const validation = validateHandlerConfig(value);
  if (!validation.valid) {
    const count = validation.violations.length;
    return problem(400, `Handler ${name} is invalid: ${count} violation${count === 1 ? "" : "s"}. docs/handlers.md describes every property.`, {
      violations: validation.violations,
    });
  }

  try {
    const stored = await handlerStore(getServices()).put(name, validation.config, {
      origin: "api",
      ifMatch,
      ifNoneMatch: ifNoneMatch === "*" ? "*" : undefined,
    });
    context.log(stored.created ? "Handler created." : "Handler replaced.", { handler: name });
    const headers: Record<string, string> = { etag: stored.etag };
    if (stored.created) headers.location = `/api/handlers/${name}`;
    return json(stored.created ? 201 : 200, validation.config, headers);
  } catch (error) {
    if (error instanceof HandlerPreconditionError) return preconditionFailed(name, error);
    return storageFailure(error, context, "write handler", name);
  }
}

async function deleteHandler(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  const name = request.params.name;
  const nameProblem = handlerNameProblem(name);
  if (nameProblem) return problem(400, nameProblem);

  try {
    const deleted = await handlerStore(getServices()).delete(name, { ifMatch: tableEtag(request.headers.get("if-match")) });
    if (!deleted) return notFound(name);
    context.log("Handler deleted.", { handler: name });
    return { status: 204 };
  } catch (error) {
    if (error instanceof HandlerPreconditionError) return preconditionFailed(name, error);
    return storageFailure(error, context, "delete handler", name);
  }
}

/**
 * Turns an `If-Match` header into a Table Storage etag. Table etags are weak (`W/"datetime'…'"`);
 * a client that dropped the `W/` prefix still means the same version.
 */
function tableEtag(header: string | null): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (value === "*" || value.startsWith("W/")) return value;
  return `W/${value}`;
}

function notFound(name: string): HttpResponseInit {
  return problem(404, `Handler ${name} not found. GET /api/handlers lists the handlers.`);
}

function preconditionFailed(name: string, error: HandlerPreconditionError): HttpResponseInit {
  return problem(
    412,
    `${error.message} GET /api/handlers/${name} for the current version and its ETag, apply your change again, and send that ETag in If-Match.`,
  );
}

function storageFailure(error: unknown, context: InvocationContext, action: string, handler?: string): HttpResponseInit {
  context.error(`Failed to ${action}.`, { handler, error: (error as Error).message });
  if (isTransientStorageError(error)) return problem(503, "Storage is unavailable; try again shortly.");
  return problem(500, `Failed to ${action}: ${(error as Error).message}`);
}

/** HTTP routes of this module; `src/app/routes.ts` collects them for both hosts. Admin endpoints in Azure. */
export const handlersRoutes: HttpRoute[] = [
  { name: "listHandlers", methods: ["GET"], route: "handlers", authLevel: "admin", handler: listHandlers },
  { name: "getHandler", methods: ["GET"], route: "handlers/{name}", authLevel: "admin", handler: getHandler },
  { name: "putHandler", methods: ["PUT"], route: "handlers/{name}", authLevel: "admin", handler: putHandler },
  { name: "deleteHandler", methods: ["DELETE"], route: "handlers/{name}", authLevel: "admin", handler: deleteHandler },
];
