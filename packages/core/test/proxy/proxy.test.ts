// createProxy in Node, served by @hono/node-server (as the docs show it), in front of the one fake
// server's scenarios (every request the upstream gets is recorded), driven by oaikit's own client and by
// plain fetch: what goes upstream and what comes back, streams byte for byte and unbuffered,
// cancellation, every refusal with its status and error shape, the limits, and the key kept out of
// answers, logs and errors. The hostile inputs are in adversarial.test.ts.
import { afterEach, describe, expect, test } from "vitest";
import { streamChatCompletion } from "../../src/api/chat.js";
import { APIError, createClient, OpenAI } from "../../src/index.js";
import {
  createProxy,
  memoryLimitStore,
  type ProxyLogEntry,
  type ProxyOptions,
} from "../../src/proxy/index.js";
import { type RecordedRequest, useOneServer } from "../security/hostile.js";
import { readChunks, serveProxy, waitFor } from "./serve.js";

const KEY = "sk-server-SECRET-KEY-0123456789";
const server = useOneServer();
const user = [{ role: "user" as const, content: "Hi" }];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Tokens the test proxies accept: `Bearer tok-<user>`. */
const authorize = (request: Request) =>
  /^Bearer tok-(\w+)$/.exec(request.headers.get("authorization") ?? "")?.[1];

/** A scenario upstream and a proxy in front of it; `logs` holds every log entry. */
async function setup(
  options: Partial<ProxyOptions> = {},
  scenario: Parameters<typeof server.scenario>[0] = {},
) {
  const upstream = server.scenario(scenario);
  const logs: ProxyLogEntry[] = [];
  const proxy = createProxy({
    apiKey: KEY,
    upstream: upstream.baseURL,
    authorize,
    log: (entry) => logs.push(entry),
    ...options,
  });
  const served = await serveProxy(proxy);
  closers.push(served.close);
  return {
    upstream,
    requests: () => upstream.scenario.requests,
    logs,
    base: `${served.url}/v1`,
    port: served.port,
    client: (token = "tok-alice", config = {}) =>
      new OpenAI(token, { baseURL: `${served.url}/v1`, maxRetries: 0, ...config }),
  };
}

/** Waits, when the clock's minute is about to end, for the next one: a rate window is a clock minute. */
async function awayFromMinuteEnd(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 57_000) await new Promise((resolve) => setTimeout(resolve, 60_100 - intoMinute));
}

/** The headers the upstream got, minus the ones Node's fetch adds by itself. */
function sentHeaders(request: RecordedRequest | undefined): Record<string, string> {
  const own = new Set([
    "host",
    "connection",
    "accept-encoding",
    "accept-language",
    "user-agent",
    "content-length",
    "sec-fetch-mode",
  ]);
  return Object.fromEntries(Object.entries(request?.headers ?? {}).filter(([name]) => !own.has(name)));
}

describe("forwarding", () => {
  test("a chat call reaches the upstream with the server's key instead of the page's token, and the answer comes back", async () => {
    const p = await setup();
    const result = await p.client().createChatCompletion(user, { model: "gpt-4.1" });
    expect(result.ok && result.data.choices[0]?.message.content).toBe("Hello there");
    const [sent] = p.requests();
    expect(sent?.path).toBe("/chat/completions");
    // `accept` is the page's own (Node's fetch sends */*), passed on.
    expect(sentHeaders(sent)).toEqual({
      accept: "*/*",
      authorization: `Bearer ${KEY}`,
      "content-type": "application/json",
    });
    expect(sent?.json).toEqual({ model: "gpt-4.1", messages: user });
    expect(result.requestId).toBe("req_test");
    expect(p.logs).toEqual([
      expect.objectContaining({
        outcome: "forwarded",
        status: 200,
        route: "POST /chat/completions",
        user: "alice",
        model: "gpt-4.1",
        stream: false,
      }),
    ]);
  });

  test("a stream arrives byte for byte, each upstream write as it was written", async () => {
    const pieces = [
      'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"héllo"}}]}\n\n',
      ": keep-alive\n\n",
      'data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
      "data: [DONE]\n\n",
    ];
    const p = await setup({}, { answers: [{ sse: pieces, pauseAfterEachMs: 30 }] });
    const response = await fetch(`${p.base}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer tok-alice", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: user, stream: true }),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const chunks = await readChunks(response);
    const decoder = new TextDecoder();
    expect(chunks.map((chunk) => decoder.decode(chunk))).toEqual(pieces);
  });

  test("a stream is not buffered: the first deltas reach the page while the upstream is still writing", async () => {
    const p = await setup({}, { words: { words: ["one", " two", " three"], delayMs: 5, hangAfter: 2 } });
    const stream = streamChatCompletion(p.client(), user, { model: "m" });
    const seen: string[] = [];
    for await (const chunk of stream) {
      seen.push(chunk.choices[0]?.delta?.content ?? "");
      if (seen.length === 2) break; // the upstream never sends a third word: only an unbuffered proxy gets here
    }
    expect(seen).toEqual(["one", " two"]);
  });

  test("cancelling in the page cancels the upstream request", async () => {
    const p = await setup({}, { words: { words: ["a", "b", "c"], delayMs: 5, hangAfter: 1 } });
    const stream = streamChatCompletion(p.client(), user, { model: "m" });
    for await (const _chunk of stream) break; // first word arrived; the upstream now hangs
    stream.abort();
    await waitFor(() => p.requests()[0]?.reply.closed === true, 3_000, "the upstream saw its client go away");
  });

  test("Responses: a GET with the query (stream, starting_after, include[]), a DELETE, a cancel", async () => {
    const p = await setup();
    const client = p.client();
    await client.call("GET /responses/{response_id}", {
      path: { response_id: "resp_1" },
      query: { stream: true, starting_after: 3, include: ["reasoning.encrypted_content"] },
    });
    await client.deleteResponse("resp_1");
    await client.cancelResponse("resp_1");
    expect(p.requests().map((r) => `${r.method} ${decodeURIComponent(r.path)}`)).toEqual([
      "GET /responses/resp_1?stream=true&starting_after=3&include[]=reasoning.encrypted_content",
      "DELETE /responses/resp_1",
      "POST /responses/resp_1/cancel",
    ]);
    expect(p.logs[0]?.stream).toBe(true);
  });

  test("operator-chosen headers: allow.headers goes upstream, upstreamHeaders are added, allow.responseHeaders come back", async () => {
    const p = await setup(
      {
        allow: { headers: ["openai-beta"], responseHeaders: ["x-ratelimit-remaining-requests"] },
        upstreamHeaders: { "OpenAI-Project": "proj_server" },
      },
      {
        answers: [
          {
            json: { object: "list", data: [] },
            headers: { "x-ratelimit-remaining-requests": "9", "openai-organization": "org-secret" },
          },
        ],
      },
    );
    const result = await p
      .client()
      .call("GET /models", { headers: { "OpenAI-Beta": "assistants=v2", "X-Other": "1" } });
    expect(sentHeaders(p.requests()[0])).toEqual({
      accept: "*/*",
      authorization: `Bearer ${KEY}`,
      "openai-beta": "assistants=v2",
      "openai-project": "proj_server",
    });
    expect(result.headers.get("x-ratelimit-remaining-requests")).toBe("9");
    expect(result.headers.get("openai-organization")).toBeNull();
  });
});

describe("refusals: the right status, OpenAI's error shape, nothing forwarded", () => {
  test("no token, a wrong token, an authorize that throws: 401", async () => {
    let calls = 0;
    const p = await setup({
      authorize: (request) => {
        calls++;
        if (request.headers.get("authorization") === "Bearer boom") throw new Error("session store down");
        return authorize(request);
      },
    });
    for (const token of [undefined, "tok-", "boom"]) {
      const result = await createClient(token, { baseURL: p.base, maxRetries: 0 }).call("GET /models");
      expect([result.status, !result.ok && result.error.code, !result.ok && result.error.type]).toEqual([
        401,
        "unauthorized",
        "invalid_request_error",
      ]);
    }
    expect(calls).toBe(3);
    expect(p.requests()).toEqual([]);
  });

  test("a route outside the allow-list (files by default), an unknown one, one outside basePath: 403", async () => {
    const p = await setup();
    const client = p.client();
    expect((await client.files()).status).toBe(403);
    expect((await client.call("GET /organization/users")).status).toBe(403);
    const outside = await fetch(`${p.base.replace("/v1", "")}/models`, {
      headers: { authorization: "Bearer tok-alice" },
    });
    expect([outside.status, ((await outside.json()) as { error: { code: string } }).error.code]).toEqual([
      403,
      "route_not_allowed",
    ]);
    expect(p.requests()).toEqual([]);
  });

  test("opt-in routes: files and a template pass once allowed", async () => {
    const p = await setup({ allow: { routes: ["files", "GET /batches/{id}"] } });
    expect((await p.client().files()).ok).toBe(true);
    expect((await p.client().call("GET /batches/{batch_id}", { path: { batch_id: "batch_1" } })).status).toBe(
      404,
    );
    expect(p.requests().map((r) => r.path)).toEqual(["/files", "/batches/batch_1"]);
    expect((await p.client().createChatCompletion(user)).status).toBe(403);
  });

  test("models: one outside the list, or none named, is refused (JSON and multipart); a listed one passes", async () => {
    const p = await setup({ allow: { models: ["gpt-4.1-mini", "whisper-1"] } });
    const client = p.client();
    const refused = await client.createChatCompletion(user, { model: "gpt-4.1" });
    expect([refused.status, !refused.ok && refused.error.code]).toEqual([403, "model_not_allowed"]);
    expect((await client.embedding("x", {})).status).toBe(403);
    const form = new FormData();
    form.append("model", "whisper-2");
    form.append("file", new File(["RIFF"], "a.wav"));
    expect((await client.call("POST /audio/transcriptions", { form })).status).toBe(403);
    expect((await client.createChatCompletion(user, { model: "gpt-4.1-mini" })).ok).toBe(true);
    expect(p.requests()).toHaveLength(1);
  });

  test("a body over limits.maxBodyBytes: 413, by Content-Length and by counting a chunked body", async () => {
    const p = await setup({ limits: { maxBodyBytes: 1000 } });
    const big = await p.client().createChatCompletion([{ role: "user", content: "x".repeat(2000) }]);
    expect([big.status, !big.ok && big.error.code]).toEqual([413, "request_too_large"]);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new TextEncoder().encode("x".repeat(300)));
        controller.close();
      },
    });
    const response = await fetch(`${p.base}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer tok-alice", "content-type": "application/json" },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(p.requests()).toEqual([]);
  });

  test("a body that says JSON but is not an object: 400", async () => {
    const p = await setup();
    const response = await fetch(`${p.base}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer tok-alice", "content-type": "application/json" },
      body: "[1, 2",
    });
    expect(response.status).toBe(400);
    expect(p.requests()).toEqual([]);
  });

  test("requests per minute, per user: 429 with Retry-After, other users unaffected", async () => {
    const p = await setup({ limits: { requestsPerMinute: 2 } });
    await awayFromMinuteEnd();
    expect((await p.client().models()).ok).toBe(true);
    expect((await p.client().models()).ok).toBe(true);
    const third = await p.client().models();
    expect([third.status, !third.ok && third.error.code]).toEqual([429, "rate_limit_exceeded"]);
    const wait = Number(third.headers.get("retry-after"));
    expect(wait >= 1 && wait <= 60).toBe(true);
    expect(third.headers.get("retry-after-ms")).toBe(String(wait * 1000));
    expect((await p.client("tok-bob").models()).ok).toBe(true);
    expect(p.requests()).toHaveLength(3);
  });

  test("concurrent streams, per user: 429 while one is open, allowed again once it is cancelled", async () => {
    const p = await setup(
      { limits: { concurrentStreams: 1 } },
      { words: { words: ["a", "b"], delayMs: 5, hangAfter: 1 } },
    );
    const first = streamChatCompletion(p.client(), user, { model: "m" });
    await first[Symbol.asyncIterator]().next(); // the first word arrived; the stream stays open
    const second = await streamChatCompletion(p.client(), user, { model: "m" })
      .final()
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(APIError);
    expect([(second as APIError).status, (second as APIError).error.code]).toEqual([
      429,
      "concurrency_limit_exceeded",
    ]);
    expect((await p.client("tok-alice").createChatCompletion(user)).ok).toBe(true); // not a stream: not counted
    first.abort();
    await waitFor(() => p.requests()[0]?.reply.closed === true, 3_000, "the first stream ended upstream");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = streamChatCompletion(p.client(), user, { model: "m" });
    for await (const chunk of third) {
      expect(chunk.choices[0]?.delta?.content).toBe("a");
      break;
    }
    third.abort();
  });

  test("a stream's end is counted before its body ends, however slow the store (a Worker's request ends with its body)", async () => {
    const memory = memoryLimitStore();
    const slow = {
      add: async (key: string, delta: number, ttl: number) => {
        if (delta < 0) await new Promise((resolve) => setTimeout(resolve, 150));
        return memory.add(key, delta, ttl);
      },
    };
    const p = await setup({ limits: { concurrentStreams: 1, store: slow } });
    const response = await fetch(`${p.base}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer tok-alice", "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: user, stream: true }),
    });
    await readChunks(response); // to the body's end
    expect(await memory.add("streams:alice", 0, 60)).toBe(0);
  });

  test("a limit store that fails refuses the request (503) instead of letting it through", async () => {
    const p = await setup({
      limits: { requestsPerMinute: 10, store: { add: () => Promise.reject(new Error("KV down")) } },
    });
    const result = await p.client().models();
    expect([result.status, !result.ok && result.error.code]).toEqual([503, "limits_unavailable"]);
    expect(p.requests()).toEqual([]);
  });
});

describe("CORS: the configured origins only", () => {
  const preflight = (origin: string, headers = "authorization, content-type") =>
    new Request("http://proxy.test/v1/chat/completions", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
    });

  test("a preflight from a listed origin: 204, that origin, the methods and headers the proxy forwards", async () => {
    const upstream = server.scenario();
    const proxy = createProxy({
      apiKey: KEY,
      upstream: upstream.baseURL,
      authorize,
      allow: { origins: ["https://app.example.com"], headers: ["openai-beta"] },
    });
    const ok = await proxy(preflight("https://app.example.com", "authorization, content-type, openai-beta"));
    expect(ok.status).toBe(204);
    expect(Object.fromEntries(ok.headers)).toMatchObject({
      "access-control-allow-origin": "https://app.example.com",
      "access-control-allow-methods": "POST, GET, DELETE",
      "access-control-allow-headers": "authorization, content-type, accept, openai-beta",
      vary: "Origin",
    });
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    for (const refused of [
      preflight("https://evil.example"),
      preflight("https://app.example.com", "authorization, x-stainless-os"),
    ]) {
      const answer = await proxy(refused);
      expect(answer.status).toBe(403);
      expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    }
    const call = await proxy(
      new Request("http://proxy.test/v1/models", {
        headers: { origin: "https://app.example.com", authorization: "Bearer tok-alice" },
      }),
    );
    expect(call.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(call.headers.get("access-control-expose-headers")).toContain("retry-after");
    expect(upstream.scenario.requests).toHaveLength(1);
  });

  test('"*" answers any origin with *; credentials (cookies) go only with listed origins', async () => {
    const upstream = server.scenario();
    const open = createProxy({
      apiKey: KEY,
      upstream: upstream.baseURL,
      authorize,
      allow: { origins: ["*"] },
    });
    const any = await open(preflight("https://any.example"));
    expect(any.headers.get("access-control-allow-origin")).toBe("*");
    expect(any.headers.get("access-control-allow-credentials")).toBeNull();
    const cookies = createProxy({
      apiKey: KEY,
      upstream: upstream.baseURL,
      authorize,
      allow: { origins: ["https://app.example.com"], credentials: true },
    });
    const answer = await cookies(preflight("https://app.example.com"));
    expect(answer.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(answer.headers.get("access-control-allow-credentials")).toBe("true");
    expect(() =>
      createProxy({
        apiKey: KEY,
        upstream: upstream.baseURL,
        authorize,
        allow: { origins: ["*"], credentials: true },
      }),
    ).toThrow(/credentials.*"\*"/);
  });
});

describe("the key never reaches a page, a log or an error", () => {
  test("an upstream 401 (the server's key refused) is a 502 of the proxy's own, without the upstream's text", async () => {
    const p = await setup(
      {},
      {
        answers: [
          {
            status: 401,
            json: {
              error: {
                message: `Incorrect API key provided: ${KEY.slice(0, 8)}***${KEY.slice(-4)}`,
                code: "invalid_api_key",
              },
            },
          },
        ],
      },
    );
    const result = await p.client().models();
    expect([result.status, !result.ok && result.error.code]).toEqual([502, "upstream_key_refused"]);
    expect(JSON.stringify(result.data)).not.toContain(KEY.slice(-4));
  });

  test("an upstream error body that quotes the key is passed on with the key cut out", async () => {
    const p = await setup(
      {},
      { answers: [{ status: 400, json: { error: { message: `bad key ${KEY} here`, code: "x" } } }] },
    );
    const result = await p.client().models();
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.data)).toContain("bad key REDACTED here");
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  test("an unreachable upstream: 502, and neither the answer nor the log holds the key", async () => {
    const logs: ProxyLogEntry[] = [];
    const leaky: typeof fetch = async (input, init) => {
      throw new TypeError(
        `connect ECONNREFUSED with ${new Request(input, init).headers.get("authorization")}`,
      );
    };
    const proxy = createProxy({
      apiKey: KEY,
      upstream: "http://127.0.0.1:9/v1",
      authorize,
      fetch: leaky,
      log: (e) => logs.push(e),
    });
    const response = await proxy(
      new Request("http://proxy.test/v1/models", { headers: { authorization: "Bearer tok-alice" } }),
    );
    expect(response.status).toBe(502);
    const body = await response.text();
    expect(JSON.parse(body).error.code).toBe("upstream_unreachable");
    expect(body + JSON.stringify(logs)).not.toContain(KEY);
    expect(logs[0]).toMatchObject({ outcome: "failed", code: "upstream_unreachable" });
    expect(logs[0]?.error).toContain("REDACTED");
  });

  test("every log entry of a busy run is free of the key and of bodies", async () => {
    const p = await setup({ limits: { requestsPerMinute: 2 } });
    await awayFromMinuteEnd();
    await p.client().createChatCompletion([{ role: "user", content: "private words" }]);
    await p.client("tok-").models();
    await p.client().files();
    await p.client().models();
    await p.client().models();
    const printed = JSON.stringify(p.logs);
    expect(p.logs.map((e) => [e.outcome, e.status])).toEqual([
      ["forwarded", 200],
      ["refused", 401],
      ["refused", 403],
      ["forwarded", 200],
      ["refused", 429],
    ]);
    expect(printed).not.toContain(KEY);
    expect(printed).not.toContain("private words");
  });
});

describe("the server's key as a function", () => {
  test("called per request with the platform's env; an upstream 401 fetches a fresh key and the request goes again", async () => {
    const told: { refresh: boolean; env: unknown }[] = [];
    const upstream = server.scenario({
      answers: [
        { json: { object: "list", data: [] } },
        { status: 401, json: { error: { message: "expired" } } },
      ],
    });
    const proxy = createProxy<{ region: string }>({
      apiKey: ({ refresh, env }) => {
        told.push({ refresh, env });
        return `${KEY}-${told.length}`;
      },
      upstream: upstream.baseURL,
      authorize,
    });
    const env = { region: "eu" };
    const models = () =>
      new Request("http://proxy.test/v1/models", { headers: { authorization: "Bearer tok-alice" } });
    expect((await proxy(models(), env)).status).toBe(200);
    expect((await proxy(models(), env)).status).toBe(200);
    expect(told).toEqual([
      { refresh: false, env },
      { refresh: false, env },
      { refresh: true, env },
    ]);
    expect(upstream.scenario.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${KEY}-1`,
      `Bearer ${KEY}-2`,
      `Bearer ${KEY}-3`,
    ]);
  });

  test("a key function that fails: 500 proxy_key_unavailable, nothing forwarded", async () => {
    const upstream = server.scenario();
    const proxy = createProxy({
      apiKey: () => Promise.reject(new Error("vault sealed")),
      upstream: upstream.baseURL,
      authorize,
    });
    const response = await proxy(
      new Request("http://proxy.test/v1/models", { headers: { authorization: "Bearer tok-alice" } }),
    );
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("proxy_key_unavailable");
    expect(upstream.scenario.requests).toEqual([]);
  });
});

describe("limits and options", () => {
  test("the memory store: an atomic add per key, counters expire after their ttl", async () => {
    const store = memoryLimitStore();
    expect([await store.add("a", 1, 60), await store.add("a", 1, 60), await store.add("b", 1, 60)]).toEqual([
      1, 2, 1,
    ]);
    expect(await store.add("a", -1, 60)).toBe(1);
    expect(await store.add("short", 1, 0)).toBe(1);
    expect(await store.add("short", 1, 60)).toBe(1); // the first had expired
  });

  test.each([
    [{ apiKey: "" }, /apiKey must be the server's key/],
    [{ apiKey: `${KEY}\n` }, /line break/],
    [{ authorize: undefined }, /authorize\(request\) is required/],
    [{ upstream: "api.openai.com" }, /upstream must be the API's base URL/],
    [{ allow: { routes: ["everything"] } }, /neither a route group/],
    [{ allow: { routes: ["GET /a/../b"] } }, /neither a route group/],
    [{ allow: { origins: ["https://app.example.com/"] } }, /not an origin/],
    [{ allow: { headers: ["cookie"] } }, /may not name cookie/],
    [{ allow: { headers: ["x-forwarded-host"] } }, /may not name x-forwarded-host/],
    [{ allow: { responseHeaders: ["set-cookie"] } }, /may not name set-cookie/],
    [{ limits: { requestsPerMinute: 0 } }, /requestsPerMinute must be a positive integer/],
    [{ limits: { store: {} } }, /limits.store must have add/],
    [{ basePath: "v1" }, /basePath must be/],
  ])("createProxy(%j) is refused at creation", (bad, message) => {
    const options = { apiKey: KEY, upstream: "https://api.openai.com/v1", authorize, ...bad } as ProxyOptions;
    expect(() => createProxy(options)).toThrow(message);
  });

  test("the key is not quoted by a refused option", () => {
    const error = (() => {
      try {
        createProxy({ apiKey: `${KEY}\r\n`, upstream: "https://api.openai.com/v1", authorize });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain(KEY);
  });
});
