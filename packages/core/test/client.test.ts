// Node-only client tests: a connection refused (a port with nothing listening), the overall timeout
// (headers and body), and the pure pieces of the retry policy.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, test } from "vitest";
import {
  APIError,
  ConnectionError,
  fromPreset,
  Gemini,
  OpenAI,
  OpenRouter,
  presets,
  TimeoutError,
  unwrap,
} from "../src/index.js";
import { backoffDelay, serverRetryDelay } from "../src/transport/retry.js";
import { scenario } from "./client-scenario.js";

/** A port that was free a moment ago and has nothing listening now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("transport failures", () => {
  test("connection refused → ConnectionError after maxRetries retries", async () => {
    const port = await closedPort();
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const client = new OpenAI("sk-secret", { baseURL: `http://127.0.0.1:${port}/v1`, fetch: counting });
    const started = Date.now();
    const error = await client
      .createChatCompletion([{ role: "user", content: "Hi" }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).message).toContain(`POST http://127.0.0.1:${port}/v1/chat/completions`);
    expect((error as ConnectionError).message).not.toContain("sk-secret");
    expect(attempts).toBe(3);
    // Two backoff waits: 0.5 s and 1 s, each up to 25 % shorter.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  test("the overall timeout covers slow response headers", async () => {
    const s = await scenario([{ delayMs: 2_000, json: {} }]);
    const client = new OpenAI("k", { baseURL: s.baseURL, timeout: 200 });
    const error = await client.models().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("total");
  });

  test("the overall timeout covers a body that stalls (per-call timeout)", async () => {
    const s = await scenario([{ json: { object: "list", data: [] }, after: "stall" }]);
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const started = Date.now();
    const error = await client.models({ timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("total");
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  test("a body cut mid-way → ConnectionError", async () => {
    const s = await scenario([{ json: { object: "list", data: ["x".repeat(1000)] }, after: "destroy" }]);
    const error = await new OpenAI("k", { baseURL: s.baseURL }).models().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
  });
});

describe("retry policy pieces", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  test.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "12.5", "retry-after": "9" }, 12.5],
    [{ "retry-after": "2" }, 2_000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }, 3_000],
    [{ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, 0],
    [{ "retry-after": "120" }, undefined], // above a minute: backoff instead
    [{ "retry-after": "soon" }, undefined],
    [{ "retry-after-ms": "-5" }, undefined],
    [{}, undefined],
  ])("serverRetryDelay(%o) = %s", (headers, expected) => {
    expect(serverRetryDelay(new Headers(headers as Record<string, string>), now)).toBe(expected);
  });

  test("backoff: 0.5 s doubling, capped at 8 s, jitter takes off at most 25 %", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffDelay(1, 1)).toBe(375);
    expect(backoffDelay(5, 1)).toBe(6000);
  });
});

describe("compat clients and presets", () => {
  test("Gemini and OpenRouter override the static base URL and model", () => {
    const gemini = new Gemini("g");
    expect(gemini).toBeInstanceOf(OpenAI);
    expect(gemini.baseURL).toBe("https://generativelanguage.googleapis.com/v1beta/openai");
    expect(gemini.defaultModel).toBe("gemini-2.5-flash");
    const openrouter = new OpenRouter("o", { defaultModel: "x/y" });
    expect(openrouter.baseURL).toBe("https://openrouter.ai/api/v1");
    expect(openrouter.defaultModel).toBe("x/y");
  });

  test("a subclass's statics reach the requests (Gemini against the test server)", async () => {
    const s = await scenario();
    class Local extends Gemini {
      static override baseURL = s.baseURL;
    }
    const client = new Local("g");
    await client.createChatCompletion([{ role: "user", content: "Hi" }]);
    const [req] = await s.requests();
    expect(req?.json).toMatchObject({ model: "gemini-2.5-flash" });
    expect(req?.headers.authorization).toBe("Bearer g");
  });

  test("fromPreset: every preset, config wins, unknown names are a TypeError", () => {
    expect(Object.keys(presets)).toEqual([
      "openai",
      "gemini",
      "openrouter",
      "groq",
      "deepseek",
      "mistral",
      "ollama",
      "local",
    ]);
    const ollama = fromPreset("ollama");
    expect([ollama.baseURL, ollama.apiKey]).toEqual(["http://localhost:11434/v1", undefined]);
    const groq = fromPreset("groq", "k", { defaultModel: "m", baseURL: undefined });
    expect([groq.baseURL, groq.defaultModel, groq.apiKey]).toEqual([
      "https://api.groq.com/openai/v1",
      "m",
      "k",
    ]);
    expect(() => fromPreset("nope" as "openai")).toThrow(/Unknown preset "nope"; known presets: openai/);
  });
});

describe("unwrap", () => {
  test("returns data, or throws the APIError of a failure", async () => {
    const s = await scenario([{ status: 404, json: { error: { message: "gone", code: "nope" } } }]);
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const error = await client
      .models()
      .then(unwrap)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(404);
    expect((error as APIError).message).toBe("404 gone (nope)");
    expect(unwrap(await client.models()).data[0]?.id).toBe("test-model");
  });
});
