/**
 * A real node:http server on 127.0.0.1 standing in for lua-openai's mocked socket (`socket.http`
 * `request` stub). It answers with lua-openai's mocked bodies, writes streamed bodies chunk by chunk with
 * lua-openai's boundaries (a pause between writes so they arrive as separate reads), and records every
 * request so "exact params" assertions check the JSON body the server received.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";

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

/** A running mock server. */
export interface MockServer {
  /** Base URL for the client (`http://127.0.0.1:<port>/v1`). */
  baseURL: string;
  /** Every request received since the last `handle()`/`reset()`. */
  requests: RecordedRequest[];
  /** Answers the next requests with `handler` (lua-openai's `stub(...).invokes(...)`); resets `requests`. */
  handle(handler: Handler): void;
  /** Back to lua-openai's default mock; resets `requests`. */
  reset(): void;
  close(): Promise<void>;
}

const PAUSE_MS = 15;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the mock on 127.0.0.1, port 0. */
export async function startMockServer(): Promise<MockServer> {
  let handler: Handler = seedHandler;
  let calls = 0;
  const state = { requests: [] as RecordedRequest[] };
  const server = createServer(async (req, res) => {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const text = Buffer.concat(pieces).toString("utf8");
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: (req.url ?? "").replace(/^\/v1/, ""),
      headers: req.headers,
      body: text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>),
    };
    state.requests.push(recorded);
    calls += 1;
    let reply: Reply;
    try {
      reply = await handler(recorded, calls);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
      return;
    }
    const status = reply.status ?? 200;
    if (reply.chunks) {
      res.writeHead(status, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.flushHeaders();
      for (const chunk of reply.chunks) {
        if (res.destroyed) return;
        res.write(chunk);
        await sleep(PAUSE_MS);
      }
      if (reply.hang) {
        await new Promise<void>((resolve) => res.on("close", () => resolve()));
        return;
      }
      res.end();
      return;
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(reply.json ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const mock: MockServer = {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    set requests(value) {
      state.requests = value;
    },
    handle(next) {
      handler = next;
      calls = 0;
      state.requests = [];
    },
    reset() {
      mock.handle(seedHandler);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return mock;
}

/**
 * The mock server of one test file: started before all its tests, back to lua-openai's default mock
 * before each, closed after all. The returned object forwards to the running server.
 */
export function useMockServer(): MockServer {
  let server: MockServer | undefined;
  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    server?.reset();
  });
  const running = (): MockServer => {
    if (!server) throw new Error("The mock server starts in beforeAll; use it inside a test.");
    return server;
  };
  return {
    get baseURL() {
      return running().baseURL;
    },
    get requests() {
      return running().requests;
    },
    set requests(value) {
      running().requests = value;
    },
    handle: (handler) => running().handle(handler),
    reset: () => running().reset(),
    close: () => running().close(),
  };
}

/** The request body without `messages`: the parameters a session sent. */
export function paramsOf(request: RecordedRequest | undefined): Record<string, unknown> {
  const { messages: _messages, ...params } = request?.body ?? {};
  return params;
}
