// The client's retry rules, proven by counting attempts on a fault-injecting server.
// Runs in Node and in Chromium.
import { describe, expect, test } from "vitest";
import { OpenAI, RequestAbortedError } from "../src/index.js";
import { scenario } from "./client-scenario.js";

const user = [{ role: "user" as const, content: "Hi" }];
const rateLimited = {
  error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" },
};

describe("retries", () => {
  test("429 with Retry-After (seconds), then success: POST retried after the wait", async () => {
    const s = await scenario([{ status: 429, json: rateLimited, headers: { "retry-after": "1" } }]);
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const started = Date.now();
    const result = await client.createChatCompletion(user);
    const elapsed = Date.now() - started;
    expect(result.ok).toBe(true);
    const reqs = await s.requests();
    expect(reqs.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(reqs[1]?.json).toEqual(reqs[0]?.json); // the same body again
    expect(elapsed).toBeGreaterThanOrEqual(950);
  });

  test("retry-after-ms wins over retry-after", async () => {
    const s = await scenario([
      { status: 429, json: rateLimited, headers: { "retry-after-ms": "30", "retry-after": "20" } },
    ]);
    const started = Date.now();
    const result = await new OpenAI("k", { baseURL: s.baseURL }).createChatCompletion(user);
    expect(result.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await s.requests()).length).toBe(2);
  });

  test("Retry-After as an HTTP date", async () => {
    const soon = new Date(Date.now() + 1_500).toUTCString();
    const s = await scenario([{ status: 503, text: "busy", headers: { "retry-after": soon } }]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).models();
    expect(result.ok).toBe(true);
    expect((await s.requests()).length).toBe(2);
  });

  test("500 then success, with the default backoff", async () => {
    const s = await scenario([{ status: 500, json: { error: { message: "oops", type: "server_error" } } }]);
    const started = Date.now();
    const result = await new OpenAI("k", { baseURL: s.baseURL }).createResponse("hi");
    expect(result.ok).toBe(true);
    expect((await s.requests()).length).toBe(2);
    // 0.5 s base, up to 25 % jitter off.
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  test("408 and 409 are retried; 400 is not", async () => {
    const s = await scenario([
      { status: 408, text: "", headers: { "retry-after-ms": "1" } },
      { status: 409, json: { error: { message: "locked" } }, headers: { "retry-after-ms": "1" } },
    ]);
    expect((await new OpenAI("k", { baseURL: s.baseURL }).models()).ok).toBe(true);
    expect((await s.requests()).length).toBe(3);

    const bad = await scenario([{ status: 400, json: { error: { message: "bad" } } }]);
    const result = await new OpenAI("k", { baseURL: bad.baseURL }).createChatCompletion(user);
    expect(result).toMatchObject({ ok: false, status: 400 });
    expect((await bad.requests()).length).toBe(1);
  });

  test("502 with an HTML page on every attempt: ApiResult with the normalised error after 3 attempts", async () => {
    const html =
      "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    const page = { status: 502, text: html, headers: { "content-type": "text/html", "retry-after-ms": "5" } };
    const s = await scenario([page, page, page]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).createChatCompletion(user);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(502);
    expect(result.data).toBe(html);
    expect(result.error.message).toContain("502 Bad Gateway");
    expect(result.error.raw).toBe(html);
    expect((await s.requests()).length).toBe(3);
  });

  test("maxRetries bounds the attempts (client-wide and per call)", async () => {
    const fail = { status: 500, text: "x", headers: { "retry-after-ms": "1" } };
    const s = await scenario([fail, fail, fail, fail, fail, fail]);
    const client = new OpenAI("k", { baseURL: s.baseURL, maxRetries: 0 });
    expect((await client.models()).status).toBe(500);
    expect((await s.requests()).length).toBe(1);
    expect((await client.models({ maxRetries: 3 })).status).toBe(500);
    expect((await s.requests()).length).toBe(5);
  });

  test("429 insufficient_quota is not retried", async () => {
    const quota = {
      error: {
        message: "You exceeded your current quota, please check your plan and billing details.",
        type: "insufficient_quota",
        param: null,
        code: "insufficient_quota",
      },
    };
    const s = await scenario([{ status: 429, json: quota, headers: { "retry-after-ms": "1" } }]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).createChatCompletion(user);
    expect(result).toMatchObject({ ok: false, status: 429, error: { code: "insufficient_quota" } });
    expect((await s.requests()).length).toBe(1);
  });

  test("x-should-retry: false stops a retry; x-should-retry: true forces one", async () => {
    const s = await scenario([{ status: 503, text: "no", headers: { "x-should-retry": "false" } }]);
    expect((await new OpenAI("k", { baseURL: s.baseURL }).models()).status).toBe(503);
    expect((await s.requests()).length).toBe(1);

    const t = await scenario([
      {
        status: 400,
        json: { error: { message: "retry me" } },
        headers: { "x-should-retry": "true", "retry-after-ms": "1" },
      },
    ]);
    expect((await new OpenAI("k", { baseURL: t.baseURL }).models()).ok).toBe(true);
    expect((await t.requests()).length).toBe(2);
  });

  test("a stream is retried before its first byte (429 then a stream)", async () => {
    const s = await scenario([{ status: 429, json: rateLimited, headers: { "retry-after-ms": "1" } }]);
    const stream = new OpenAI("k", { baseURL: s.baseURL }).streamChatCompletion(user);
    expect(await stream.text()).toBe("Hello there");
    expect((await s.requests()).length).toBe(2);
  });

  test("an abort during the retry wait rejects with RequestAbortedError and stops retrying", async () => {
    const s = await scenario([{ status: 429, json: rateLimited, headers: { "retry-after": "30" } }]);
    const controller = new AbortController();
    const pending = new OpenAI("k", { baseURL: s.baseURL }).models({ signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
    expect((await s.requests()).length).toBe(1);
  });
});
