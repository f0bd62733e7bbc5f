import { sendJson, startFake, type RunningFake } from "./https";

/**
 * A loopback fake of the chat completions API, on both the OpenAI path (`POST /chat/completions`,
 * also under `/v1`) and the Azure OpenAI deployment path
 * (`POST /openai/deployments/{deployment}/chat/completions?api-version=...`). It returns the
 * scripted replies in order, and a request after the script ends gets a 500.
 */

export interface ScriptedToolCall {
  name: string;
  /** The raw arguments string, exactly as the model sent it (it may be truncated or invalid JSON). */
  arguments: string;
}

export type ScriptedReply = { status: number; body: unknown };

export interface ChatCall {
  path: string;
  apiVersion?: string;
  /** `bearer`, `api-key` or `none`. */
  auth: string;
  body: {
    model?: string;
    messages: Array<{ role: string; content?: string }>;
    tools?: Array<{ type: string; function: { name: string; parameters?: unknown } }>;
  };
}

export interface ChatFake extends RunningFake {
  calls: ChatCall[];
  /** Appends replies to the script. */
  script(...replies: ScriptedReply[]): void;
  /** Forgets the remaining script and the recorded calls. */
  reset(): void;
}

let sequence = 0;

/** Builds a completion whose message carries `calls` as tool calls. */
export function toolCallReply(
  calls: ScriptedToolCall[],
  options: { finishReason?: string; usage?: { prompt: number; completion: number }; model?: string } = {},
): ScriptedReply {
  const usage = options.usage ?? { prompt: 1200, completion: 150 };
  return {
    status: 200,
    body: {
      id: `chatcmpl-fake-${++sequence}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: options.model ?? "gpt-4o-2024-08-06",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            refusal: null,
            tool_calls: calls.map((call, index) => ({ id: `call_${sequence}_${index}`, type: "function", function: { name: call.name, arguments: call.arguments } })),
          },
          logprobs: null,
          finish_reason: options.finishReason ?? "tool_calls",
        },
      ],
      usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    },
  };
}

/** Builds a completion whose message is plain text. */
export function textReply(content: string, usage = { prompt: 1000, completion: 80 }): ScriptedReply {
  return {
    status: 200,
    body: {
      id: `chatcmpl-fake-${++sequence}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-2024-08-06",
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: usage.prompt, completion_tokens: usage.completion, total_tokens: usage.prompt + usage.completion },
    },
  };
}

/** Builds an API error in OpenAI's shape. */
export function errorReply(status: number, message: string, code = "server_error"): ScriptedReply {
  return { status, body: { error: { message, type: code, param: null, code } } };
}

/** Starts the chat completions fake; plain HTTP by default, since the openai client needs no TLS to send a key. */
export async function startChatFake(options: { tls?: boolean } = {}): Promise<ChatFake> {
  const replies: ScriptedReply[] = [];
  const calls: ChatCall[] = [];

  const running = await startFake(
    (request, response) => {
      const azure = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(request.path);
      const openai = /^(\/v1)?\/chat\/completions$/.test(request.path);
      if (request.method !== "POST" || (!azure && !openai)) {
        sendJson(response, 404, { error: { message: `Unknown path ${request.path}`, type: "invalid_request_error", code: "not_found" } });
        return;
      }
      if (azure && !request.query.get("api-version")) {
        sendJson(response, 404, { error: { code: "404", message: "Resource not found" } });
        return;
      }
      const bearer = /^Bearer \S+/.test(String(request.headers.authorization ?? ""));
      const apiKey = typeof request.headers["api-key"] === "string";
      if (!bearer && !apiKey) {
        sendJson(response, 401, { error: { code: "401", message: "Access denied due to missing subscription key or bearer token." } });
        return;
      }
      calls.push({
        path: request.path,
        apiVersion: request.query.get("api-version") ?? undefined,
        auth: apiKey ? "api-key" : "bearer",
        body: JSON.parse(request.body) as ChatCall["body"],
      });
      const reply = replies.shift() ?? errorReply(500, "The fake's script has no more replies.");
      sendJson(response, reply.status, reply.body);
    },
    { tls: options.tls ?? false },
  );

  return {
    ...running,
    calls,
    script: (...more) => {
      replies.push(...more);
    },
    reset: () => {
      replies.length = 0;
      calls.length = 0;
    },
  };
}
