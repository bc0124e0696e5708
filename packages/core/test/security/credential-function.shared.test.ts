// Keys that are fetched (apiKey given as a function), in Node and in Chromium, against the one fake
// server's scenarios: the function is called for every request, a 401 makes it fetch a fresh key once
// and the request goes again (one attempt beyond maxRetries), it reaches every way a request is made
// (the lean client, OpenAI, streams, sessions, the realtime client secret, the request builder), and
// its failures are typed errors that never show a key.
import { describe, expect, test } from "vitest";
import { streamChatCompletion } from "../../src/api/chat.js";
import { createRealtimeClientSecret } from "../../src/api/realtime.js";
import { request } from "../../src/http/index.js";
import { type ApiKeyContext, ChatSession, CredentialError, createClient, OpenAI } from "../../src/index.js";
import { chunkFrame, type ScriptedAnswer, scenario } from "../client-scenario.js";

const unauthorized: ScriptedAnswer = {
  status: 401,
  json: {
    error: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
  },
};
const ok: ScriptedAnswer = { json: { object: "list", data: [] } };
const user = [{ role: "user" as const, content: "Hi" }];

/** A key function that hands out key-1, key-2, ... and records what it was told. */
function keys(prefix = "key") {
  const calls: Pick<ApiKeyContext, "refresh">[] = [];
  const fn = (context: ApiKeyContext) => {
    calls.push({ refresh: context.refresh });
    expect(context.signal).toBeInstanceOf(AbortSignal);
    return Promise.resolve(`${prefix}-${calls.length}`);
  };
  return { fn, calls };
}

describe("apiKey as a function", () => {
  test("called for every request; each request carries the key it returned", async () => {
    const s = await scenario([ok, ok]);
    const { fn, calls } = keys();
    const client = createClient(fn, { baseURL: s.baseURL });
    await client.call("GET /models");
    await client.call("GET /models");
    expect(calls).toEqual([{ refresh: false }, { refresh: false }]);
    expect((await s.requests()).map((r) => r.headers.authorization)).toEqual([
      "Bearer key-1",
      "Bearer key-2",
    ]);
  });

  test("after a 401 it is asked once more with refresh: true and the request goes again, beyond maxRetries", async () => {
    const s = await scenario([unauthorized, ok]);
    const { fn, calls } = keys();
    const client = createClient(fn, { baseURL: s.baseURL, maxRetries: 0 });
    const result = await client.call("GET /models");
    expect(result.ok).toBe(true);
    expect(calls).toEqual([{ refresh: false }, { refresh: true }]);
    expect((await s.requests()).map((r) => r.headers.authorization)).toEqual([
      "Bearer key-1",
      "Bearer key-2",
    ]);
  });

  test("a second 401 is the answer: one refresh per request, and the JSON body goes out twice intact", async () => {
    const s = await scenario([unauthorized, unauthorized, ok]);
    const { fn, calls } = keys();
    const client = createClient(fn, { baseURL: s.baseURL });
    const result = await client.call("POST /embeddings", { body: { model: "m", input: "x" } });
    expect(result.ok || result.status).toBe(401);
    expect(!result.ok && result.error.code).toBe("invalid_api_key");
    expect(calls.map((c) => c.refresh)).toEqual([false, true]);
    const sent = await s.requests();
    expect(sent.map((r) => r.json)).toEqual([
      { model: "m", input: "x" },
      { model: "m", input: "x" },
    ]);
  });

  test("the extra attempt is only for the refresh: 5xx and connection retries stay within maxRetries", async () => {
    const s = await scenario([
      { status: 500, json: {} },
      { status: 500, json: {} },
      { status: 500, json: {} },
    ]);
    const client = createClient(keys().fn, { baseURL: s.baseURL, maxRetries: 1 });
    expect((await client.call("GET /models")).status).toBe(500);
    expect(await s.requests()).toHaveLength(2);
    let attempts = 0;
    const refused: typeof fetch = async () => {
      attempts++;
      throw new TypeError("fetch failed");
    };
    const offline = createClient(keys().fn, {
      baseURL: "http://127.0.0.1:9/v1",
      fetch: refused,
      maxRetries: 1,
    });
    await expect(offline.call("GET /models")).rejects.toThrow(/failed before a complete response/);
    expect(attempts).toBe(2);
  });

  test("a per-call Authorization header wins: the function is not called", async () => {
    const s = await scenario([unauthorized]);
    const { fn, calls } = keys();
    const result = await createClient(fn, { baseURL: s.baseURL }).call("GET /models", {
      headers: { authorization: "Bearer mine" },
    });
    expect(result.status).toBe(401);
    expect(calls).toEqual([]);
    expect((await s.requests()).map((r) => r.headers.authorization)).toEqual(["Bearer mine"]);
  });

  test("authHeader: 'api-key' sends api-key: <key> (Azure's resource keys), fixed or fetched", async () => {
    const s = await scenario([ok, ok]);
    await createClient("fixed", { baseURL: s.baseURL, authHeader: "api-key" }).call("GET /models");
    await createClient(keys("az").fn, { baseURL: s.baseURL, authHeader: "api-key" }).call("GET /models");
    const sent = await s.requests();
    expect(sent.map((r) => [r.headers["api-key"], r.headers.authorization])).toEqual([
      ["fixed", undefined],
      ["az-1", undefined],
    ]);
    expect(() => createClient("k", { authHeader: "x-key" as never })).toThrow(/authHeader must be/);
  });

  test("streams: the refresh happens before the first byte, the stream then runs on the fresh key", async () => {
    const s = await scenario([
      unauthorized,
      {
        sse: [
          chunkFrame([{ index: 0, delta: { content: "ok" }, finish_reason: "stop" }]),
          "data: [DONE]\n\n",
        ],
      },
    ]);
    const { fn, calls } = keys();
    const text = await streamChatCompletion(createClient(fn, { baseURL: s.baseURL }), user).text();
    expect(text).toBe("ok");
    expect(calls.map((c) => c.refresh)).toEqual([false, true]);
  });

  test("OpenAI, a ChatSession and the realtime client secret use it too", async () => {
    const s = await scenario([
      ok,
      {
        json: {
          id: "c",
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content: "yo" }, finish_reason: "stop" }],
        },
      },
      { json: { value: "ek_1", expires_at: 1, session: { type: "realtime" } } },
    ]);
    const { fn } = keys();
    const client = new OpenAI(fn, { baseURL: s.baseURL });
    await client.models();
    const chat = new ChatSession(client);
    expect(String(await chat.send("Hi"))).toBe("yo");
    const secret = await createRealtimeClientSecret(client, { type: "realtime", model: "gpt-realtime" });
    expect(secret.ok && secret.data.value).toBe("ek_1");
    expect((await s.requests()).map((r) => r.headers.authorization)).toEqual([
      "Bearer key-1",
      "Bearer key-2",
      "Bearer key-3",
    ]);
  });

  test("the request builder: setApiKey and the table form, before the caller's own hooks", async () => {
    const s = await scenario([unauthorized, ok, ok]);
    const { fn, calls } = keys();
    const seenByHook: (string | null)[] = [];
    const first = await request(`${s.baseURL}/models`).setApiKey(fn).execute();
    expect(first.status).toBe(200);
    const second = await request({
      url: `${s.baseURL}/models`,
      apiKey: fn,
      authHeader: "api-key",
      hooks: { beforeRequest: [({ request: r }) => void seenByHook.push(r.headers.get("api-key"))] },
    }).execute();
    expect(second.status).toBe(200);
    expect(calls.map((c) => c.refresh)).toEqual([false, true, false]);
    expect(seenByHook).toEqual(["key-3"]);
    const sent = await s.requests();
    expect(sent.map((r) => r.headers.authorization ?? r.headers["api-key"])).toEqual([
      "Bearer key-1",
      "Bearer key-2",
      "key-3",
    ]);
    expect(() => request(`${s.baseURL}/models`).setApiKey(42 as never)).toThrow(/apiKey must be/);
  });
});

describe("a key function's failures are typed and never show a key", () => {
  const SECRET = "sk-fetched-SECRET-0042";

  test("it throws: CredentialError with its error as the cause, nothing sent", async () => {
    const s = await scenario([ok]);
    const cause = new Error("token endpoint down");
    const client = createClient(() => Promise.reject(cause), { baseURL: s.baseURL });
    const error = await client.call("GET /models").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as CredentialError).cause).toBe(cause);
    expect((error as CredentialError).message).toMatch(
      /^GET .*\/models could not be authenticated: the apiKey function threw/,
    );
    expect(await s.requests()).toEqual([]);
  });

  test.each([
    ["not a string", () => 42, /returned 42 instead of a non-empty string/],
    ["an empty string", () => "", /returned an empty string instead/],
    ["a key with a line break", () => `${SECRET}\r\nX: 1`, /returned a key that contains a line break/],
    ["a key above U+00FF", () => `${SECRET}…`, /above U\+00FF/],
  ])("it returns %s: CredentialError, the value not shown", async (_what, fn, message) => {
    const s = await scenario([ok]);
    const error = await createClient(fn as never, { baseURL: s.baseURL })
      .call("GET /models")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as Error).message).toMatch(message);
    expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain(SECRET);
    expect(await s.requests()).toEqual([]);
  });

  test("a transport error that quotes the request's headers has the fetched key cut out", async () => {
    const leaky: typeof fetch = async (input, init) => {
      const auth = new Request(input, init).headers.get("authorization");
      throw new TypeError(`fetch failed: connect refused for request with ${auth}`);
    };
    const error = await createClient(() => SECRET, {
      baseURL: "http://127.0.0.1:9/v1",
      fetch: leaky,
      maxRetries: 0,
    })
      .call("GET /models")
      .catch((e: unknown) => e);
    const printed = `${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause)} ${(error as Error).stack}`;
    expect(printed).toContain("REDACTED");
    expect(printed).not.toContain(SECRET);
  });

  test("the client shows no key function either: JSON without it, apiKey still readable", () => {
    const fn = () => SECRET;
    const client = createClient(fn);
    expect(client.apiKey).toBe(fn);
    expect(JSON.stringify(client)).not.toContain("apiKey");
    client.apiKey = "sk-fixed";
    expect(client.apiKey).toBe("sk-fixed");
    expect(() => {
      client.apiKey = 42 as never;
    }).toThrow(/apiKey must be a string, a function that returns one, or undefined/);
  });
});
