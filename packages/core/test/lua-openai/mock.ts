/**
 * lua-openai's mocked socket (`socket.http` `request` stub), as a scenario of the one fake server
 * (apps/demo/server/testing/scenarios.ts) in this process: it answers with lua-openai's mocked bodies,
 * writes streamed bodies chunk by chunk with lua-openai's boundaries (a pause after each write so they
 * arrive as separate reads), and records every request so "exact params" assertions check the JSON body
 * the server received.
 */
import type { IncomingHttpHeaders } from "node:http";
import { beforeEach } from "vitest";
import {
  type RecordedRequest as Recorded,
  type ScriptedAnswer,
  type ServedScenario,
  useOneServer,
} from "../../../../tests/support/one-server.ts";

/** One request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the `/v1` prefix, as lua-openai's stubs saw it (`/chat/completions`). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The decoded JSON body, or undefined when there was none. */
  body: Record<string, unknown> | undefined;
}

/** How to answer one request. */
export interface Reply {
  status?: number;
  /** A JSON body (sent with `Content-Type: application/json`). */
  json?: unknown;
  /** SSE body pieces, each written on its own (`text/event-stream`). */
  chunks?: string[];
  /** Keep the connection open after the chunks (until the client goes away): for abort tests. */
  hang?: boolean;
}

/** Decides the reply to a request; `call` counts from 1. */
export type Handler = (request: RecordedRequest, call: number) => Reply | Promise<Reply>;

/** lua-openai's `before_each` mock: routes by URL substring. */
export const seedHandler: Handler = ({ path }) => {
  if (path.includes("/chat/completions")) {
    return {
      json: {
        usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
        choices: [{ message: { content: "This is a chat response.", role: "assistant" } }],
      },
    };
  }
  if (path.includes("/responses")) {
    return {
      json: {
        id: "resp_123",
        object: "response",
        model: "gpt-4.1-mini",
        output: [
          {
            id: "msg_123",
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "This is a responses reply.", annotations: [] }],
          },
        ],
        status: "completed",
        usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      },
    };
  }
  return {
    json: {
      usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
      choices: [{ text: "This is a completion response." }],
    },
  };
};

/** The mock of one test file. */
export interface MockServer {
  /** Base URL for the client (`http://127.0.0.1:<port>/__test/scenarios/<id>/v1`). */
  readonly baseURL: string;
  /** Every request received since the last `handle()`/`reset()`. */
  readonly requests: RecordedRequest[];
  /** Answers the next requests with `handler` (lua-openai's `stub(...).invokes(...)`); resets `requests`. */
  handle(handler: Handler): void;
  /** Back to lua-openai's default mock; resets `requests`. */
  reset(): void;
}

/** A pause after each streamed write, so that every write is its own read on the client's side. */
const PAUSE_MS = 15;

const asLua = (r: Recorded): RecordedRequest => ({
  method: r.method,
  path: r.path,
  headers: r.headers,
  body: r.json as Record<string, unknown> | undefined,
});

/** lua-openai's reply as the one server's scripted answer. */
function answer(reply: Reply): ScriptedAnswer {
  const status = reply.status ?? 200;
  if (!reply.chunks) return { status, json: reply.json ?? {} };
  return {
    status,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    sse: reply.chunks,
    pauseAfterEachMs: PAUSE_MS,
    ...(reply.hang ? { after: "stall" as const } : {}),
  };
}

/**
 * The mock of one test file: the one fake server started before all its tests, back to lua-openai's
 * default mock before each (a fresh scenario: new recordings, calls counted from 1), closed after all.
 */
export function useMockServer(): MockServer {
  const server = useOneServer();
  let current: ServedScenario | undefined;
  const running = (): ServedScenario => {
    if (!current) throw new Error("The mock server starts in beforeAll; use it inside a test.");
    return current;
  };
  const handle = (handler: Handler) => {
    const { scenario } = running();
    scenario.respond = async (r, call) => answer(await handler(asLua(r), call));
    scenario.requests.length = 0; // `call` counts the requests: from 1 again
  };
  beforeEach(() => {
    current = server.scenario();
    handle(seedHandler);
  });
  return {
    get baseURL() {
      return running().baseURL;
    },
    get requests() {
      return running().scenario.requests.map(asLua);
    },
    handle,
    reset: () => handle(seedHandler),
  };
}

/** The request body without `messages`: the parameters a session sent. */
export function paramsOf(request: RecordedRequest | undefined): Record<string, unknown> {
  const { messages: _messages, ...params } = request?.body ?? {};
  return params;
}
