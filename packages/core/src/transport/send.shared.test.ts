import { describe, expect, inject, test, vi } from "vitest";
import { ConnectionError, RequestAbortedError, TimeoutError } from "../errors/errors.js";
import { send } from "./send.js";

const base = inject("testServerUrl");
const uid = () => `${Date.now()}-${Math.random().toString(36).slice(2)}`;

interface Echo {
  method: string;
  headers: [string, string][];
  contentTypes: string[];
  bodyText: string;
}

describe("send", () => {
  test("resolves with the Response for every status, body intact", async () => {
    for (const code of [200, 201, 404, 500, 503]) {
      const response = await send({ method: "GET", url: `${base}/status/${code}` });
      expect(response.status).toBe(code);
      expect(await response.text()).toBe(`status ${code}`);
    }
  });

  test("retries 503 twice then returns the 200 (3 attempts), through ky's retry", async () => {
    const id = uid();
    const response = await send(
      { method: "GET", url: `${base}/flaky?id=${id}&fail=2&code=503` },
      { retry: { limit: 2, delay: () => 10 } },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ attempts: 3 });
  });

  test("with retry 0 (the default) the 503 is returned after one attempt", async () => {
    const id = uid();
    const response = await send({ method: "GET", url: `${base}/flaky?id=${id}&fail=2&code=503` });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ attempts: 1, error: "try again" });
    const count = await send({ method: "GET", url: `${base}/flaky-count?id=${id}` });
    expect(await count.json()).toEqual({ attempts: 1 });
  });

  test("when retries run out, the last error response comes back with its body", async () => {
    const id = uid();
    const response = await send(
      { method: "GET", url: `${base}/flaky?id=${id}&fail=5&code=503` },
      { retry: { limit: 2, delay: () => 10 } },
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ attempts: 3, error: "try again" });
  });

  test("Retry-After on 429 is honoured (afterStatusCodes) and POST retries when listed", async () => {
    const id = uid();
    const started = performance.now();
    const response = await send(
      { method: "POST", url: `${base}/flaky?id=${id}&fail=1&code=429&retryAfter=1`, body: "x" },
      { retry: { limit: 1, methods: ["post"], delay: () => 0 } },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ attempts: 2 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  test("a status ky will not retry (413 without Retry-After) still comes back intact", async () => {
    const id = uid();
    const response = await send(
      { method: "GET", url: `${base}/flaky?id=${id}&fail=1&code=413` },
      { retry: { limit: 2, statusCodes: [413], delay: () => 10 } },
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ attempts: 1, error: "try again" });
  });

  test("POST is not retried by ky's default methods", async () => {
    const id = uid();
    const response = await send(
      { method: "POST", url: `${base}/flaky?id=${id}&fail=1&code=503`, body: "x" },
      { retry: 2 },
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ attempts: 1, error: "try again" });
  });

  test("ky adds nothing to the request: only the caller's headers (and the runtime's own)", async () => {
    const response = await send({
      method: "POST",
      url: `${base}/echo`,
      headers: { "x-one": "1", "content-type": "application/json" },
      body: "{}",
    });
    const echo = (await response.json()) as Echo;
    const names = echo.headers.map(([name]) => name.toLowerCase());
    expect(names).toContain("x-one");
    expect(echo.contentTypes).toEqual(["application/json"]);
    // Nothing ky-specific: no Accept set by ky shortcut methods, no library headers.
    expect(names.some((name) => name.startsWith("x-") && name !== "x-one")).toBe(false);
    expect(echo.bodyText).toBe("{}");
  });

  test("ky's 10 s default per-attempt timeout is off: an answer after 11 s (fake clock) arrives", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let answer: (response: Response) => void = () => {};
      const late = new Promise<Response>((resolve) => {
        answer = resolve;
      });
      const pending = send({ method: "GET", url: `${base}/never` }, { fetch: () => late });
      const settled = vi.fn();
      pending.then(settled, settled);
      await vi.advanceTimersByTimeAsync(11_000);
      expect(settled).not.toHaveBeenCalled();
      answer(new Response("late"));
      expect(await (await pending).text()).toBe("late");
    } finally {
      vi.useRealTimers();
    }
  });

  test("the total timeout rejects with TimeoutError (phase total), naming method and URL", async () => {
    const url = `${base}/slow?ms=2000`;
    const error = await send(
      { method: "GET", url, headers: { authorization: "Bearer s3cret" } },
      { timeout: 150 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("total");
    expect((error as TimeoutError).timeoutMs).toBe(150);
    expect((error as Error).message).toContain(`GET ${url}`);
    expect((error as Error).message).not.toContain("s3cret");
  });

  test("the caller's abort rejects with RequestAbortedError", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const url = `${base}/slow?ms=2000`;
    const error = await send({ method: "GET", url }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect((error as Error).message).toContain(`GET ${url}`);
  });

  test("an abort during a retry wait rejects with RequestAbortedError", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await send(
      { method: "GET", url: `${base}/flaky?id=${uid()}&fail=5&code=503` },
      { signal: controller.signal, retry: { limit: 3, delay: () => 5000 } },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
  });

  test("a refused connection rejects with ConnectionError naming method and URL", async () => {
    const url = "http://127.0.0.1:1/nothing";
    const error = await send({ method: "DELETE", url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(`DELETE ${url}`);
  });

  test("an injected fetch is used, and hooks are ky's", async () => {
    const seen: string[] = [];
    const response = await send(
      { method: "GET", url: `${base}/ping` },
      {
        fetch: (input, init) => {
          seen.push(input instanceof Request ? input.url : String(input));
          return globalThis.fetch(input, init);
        },
        hooks: {
          beforeRequest: [
            ({ request }) => {
              request.headers.set("x-hooked", "1");
            },
          ],
        },
      },
    );
    expect(await response.text()).toBe("pong");
    expect(seen).toEqual([`${base}/ping`]);
  });
});
