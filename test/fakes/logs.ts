import { sendJson, startFake, type RunningFake, createPauses } from "./https";

/**
 * An HTTPS loopback fake of the Log Analytics query API: `POST /v1/workspaces/{id}/query` and the
 * resource-centric `POST /v1/{resourceId}/query`, with the service's success, partial-error
 * (`200` with `tables` and `error.code = "PartialError"`) and OneAPI error shapes.
 */

export type ColumnType = "bool" | "datetime" | "dynamic" | "int" | "long" | "real" | "string" | "guid" | "decimal" | "timespan";

export interface Table {
  name: string;
  columns: Array<{ name: string; type: ColumnType }>;
  rows: unknown[][];
}

/** One query the fake received. */
export interface LogsCall {
  workspaceId?: string;
  resourceId?: string;
  query: string;
  timespan?: string;
  prefer?: string;
}

export type LogsReply =
  | { kind: "success"; tables: Table[] }
  | { kind: "partial"; tables: Table[]; message: string }
  | { kind: "error"; status: number; code: string; message: string };

export interface LogsFake extends RunningFake {
  calls: LogsCall[];
  /** Replies `reply` to queries that `matches` accepts; later rules win over earlier ones. */
  when(matches: (call: LogsCall) => boolean, reply: LogsReply): void;
  setDelay(ms: number): void;
}

/** Builds a `PrimaryResult` table. */
export function table(columns: Array<[string, ColumnType]>, rows: unknown[][]): Table {
  return { name: "PrimaryResult", columns: columns.map(([name, type]) => ({ name, type })), rows };
}

export function success(...tables: Table[]): LogsReply {
  return { kind: "success", tables };
}

export function partial(message: string, ...tables: Table[]): LogsReply {
  return { kind: "partial", tables, message };
}

export function failure(status: number, code: string, message: string): LogsReply {
  return { kind: "error", status, code, message };
}

/** Starts the Log Analytics fake on loopback HTTPS; unmatched queries get an empty table. */
export async function startLogsFake(): Promise<LogsFake> {
  const rules: Array<{ matches: (call: LogsCall) => boolean; reply: LogsReply }> = [];
  const calls: LogsCall[] = [];
  let delayMs = 0;

  const { pause, clear: clearPauses } = createPauses();

  const running = await startFake(async (request, response) => {
    if (delayMs > 0) await pause(delayMs);
    if (!/^Bearer \S+/.test(String(request.headers.authorization ?? ""))) {
      sendJson(response, 403, { error: { code: "AuthorizationRequiredError", message: "Valid authentication was not provided" } });
      return;
    }
    const workspace = /^\/v1\/workspaces\/([^/]+)\/query$/i.exec(request.path);
    const resource = /^\/v1(\/subscriptions\/.+)\/query$/i.exec(request.path);
    if (request.method !== "POST" || (!workspace && !resource)) {
      sendJson(response, 404, { error: { code: "PathNotFoundError", message: `The requested path does not exist: ${request.path}` } });
      return;
    }

    let body: { query?: unknown; timespan?: unknown };
    try {
      body = JSON.parse(request.body) as typeof body;
    } catch {
      sendJson(response, 400, { error: { code: "BadArgumentError", message: "The request had some invalid properties", details: [{ code: "InvalidJsonBody", message: "Body is not JSON" }] } });
      return;
    }
    if (typeof body.query !== "string" || body.query.trim() === "") {
      sendJson(response, 400, { error: { code: "BadArgumentError", message: "The request had some invalid properties", details: [{ code: "QueryValidationError", message: "Query is required" }] } });
      return;
    }

    const call: LogsCall = {
      ...(workspace ? { workspaceId: workspace[1] } : { resourceId: resource![1] }),
      query: body.query,
      timespan: typeof body.timespan === "string" ? body.timespan : undefined,
      prefer: typeof request.headers.prefer === "string" ? request.headers.prefer : undefined,
    };
    calls.push(call);

    const rule = [...rules].reverse().find((entry) => entry.matches(call));
    const reply = rule?.reply ?? success(table([["TimeGenerated", "datetime"]], []));
    if (reply.kind === "success") {
      sendJson(response, 200, { tables: reply.tables });
    } else if (reply.kind === "partial") {
      sendJson(response, 200, {
        tables: reply.tables,
        error: {
          code: "PartialError",
          message: "There were some errors when processing your query.",
          details: [
            {
              code: "EngineError",
              message: "Something went wrong processing your query on the server.",
              innererror: { code: "-2133196797", message: reply.message, severity: 2, severityName: "Error" },
            },
          ],
        },
      });
    } else {
      sendJson(response, reply.status, { error: { code: reply.code, message: reply.message, details: [{ code: reply.code, message: reply.message }] } });
    }
  });

  return {
    ...running,
    close: async () => {
      clearPauses();
      await running.close();
    },
    calls,
    when: (matches, reply) => {
      rules.push({ matches, reply });
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
  };
}
