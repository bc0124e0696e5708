import { describe, expect, it } from "vitest";
import { startDemoServer } from "./index.ts";
import { payloads, post, readSse, useDemoServer } from "./test-utils.ts";

const demo = useDemoServer();

const chat = (model = "m", extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: "user", content: "Tell me something" }],
  stream: true,
  ...extra,
});

/** Reads a stream until `ms` pass without data; returns what came. */
async function readFor(res: Response, ms: number): Promise<{ text: string; ended: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const quiet = new Promise<"quiet">((r) => {
      timer = setTimeout(() => r("quiet"), ms);
    });
    const next = await Promise.race([reader.read(), quiet]);
    clearTimeout(timer);
    if (next === "quiet") {
      await reader.cancel();
      return { text, ended: false };
    }
    if (next.done) return { text, ended: true };
    text += decoder.decode(next.value, { stream: true });
  }
}

describe("fault injection", () => {
  it("401 sends OpenAI's invalid_api_key body, by header or by model name", async () => {
    for (const res of [
      await post(demo.url, "/chat/completions", chat(), { "x-oaikit-fault": "401" }),
      await post(demo.url, "/chat/completions", chat("fault:401")),
      await post(demo.url, "/responses", { model: "fault:401", input: "x" }),
    ]) {
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.error).toMatchObject({
        type: "invalid_request_error",
        code: "invalid_api_key",
        param: null,
      });
      expect(body.error.message).toMatch(/^Incorrect API key provided/);
    }
  });

  it("429 sends a rate_limit body with Retry-After (also on GET)", async () => {
    const res = await post(demo.url, "/chat/completions", chat("fault:429"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(res.headers.get("retry-after-ms")).toBe("1000");
    expect((await res.json()).error.code).toBe("rate_limit_exceeded");
    const get = await fetch(`${demo.url}/v1/models`, { headers: { "x-oaikit-fault": "429" } });
    expect(get.status).toBe(429);
    await get.body?.cancel();
  });

  it("500 sends a server_error body", async () => {
    const res = await post(demo.url, "/embeddings", { model: "fault:500", input: "x" });
    expect(res.status).toBe(500);
    expect((await res.json()).error).toMatchObject({ type: "server_error", code: null });
  });

  it("cut ends the stream in the middle of a line, without [DONE]", async () => {
    const res = await post(demo.url, "/chat/completions", chat("fault:cut"));
    expect(res.status).toBe(200);
    const { events, raw } = await readSse(res);
    expect(raw).not.toContain("[DONE]");
    expect(raw.endsWith("\n")).toBe(false);
    expect(raw.slice(raw.lastIndexOf("\n") + 1)).toMatch(/^data: \{"id":"chatcmpl-/);
    const chunks = payloads<{ choices: { delta: { content?: string }; finish_reason: string | null }[] }>(
      events,
    );
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.choices[0]!.finish_reason === null)).toBe(true);
  });

  it("cut also breaks a non-streamed JSON body half-way", async () => {
    const res = await post(demo.url, "/chat/completions", { ...chat("fault:cut"), stream: false });
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text.startsWith('{"id":"chatcmpl-')).toBe(true);
  });

  it("reset destroys the connection mid-stream: the reader fails", async () => {
    const res = await post(demo.url, "/responses", { model: "fault:reset", input: "x", stream: true });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it("stall sends part of the stream, then nothing, and keeps the connection open", async () => {
    const res = await post(demo.url, "/chat/completions", chat("fault:stall"));
    const { text, ended } = await readFor(res, 300);
    expect(ended).toBe(false);
    expect(text).toContain('"role":"assistant"');
    expect(text).not.toContain("[DONE]");
  });

  it("stall-keepalive sends only `: keep-alive` comments after the stall", async () => {
    const res = await post(demo.url, "/chat/completions", chat("m"), { "x-oaikit-fault": "stall-keepalive" });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const until = Date.now() + 450;
    while (Date.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    const tail = text.slice(text.indexOf(": keep-alive"));
    expect(tail.split(": keep-alive\n\n").length - 1).toBeGreaterThanOrEqual(2);
    expect(tail.replaceAll(": keep-alive\n\n", "")).toBe("");
  });

  it("error-event sends `event: error` mid-stream and no [DONE] (chat)", async () => {
    const { events, raw } = await readSse(
      await post(demo.url, "/chat/completions", chat("fault:error-event")),
    );
    expect(raw).not.toContain("[DONE]");
    const last = events.at(-1)!;
    expect(last.event).toBe("error");
    expect(JSON.parse(last.data).error).toMatchObject({ type: "server_error", code: "stream_error" });
    expect(events.length).toBeGreaterThan(3);
  });

  it("error-event in a Responses stream is an error event then response.failed, numbered in sequence", async () => {
    const { events } = await readSse(
      await post(demo.url, "/responses", { model: "fault:error-event", input: "hello there", stream: true }),
    );
    const tail = events.slice(-2).map((e) => ({ event: e.event, data: JSON.parse(e.data) }));
    expect(tail[0]!.event).toBe("error");
    expect(tail[0]!.data.error.code).toBe("server_error");
    expect(tail[1]!.event).toBe("response.failed");
    expect(tail[1]!.data.response.status).toBe("failed");
    const seq = events.map((e) => JSON.parse(e.data).sequence_number);
    expect(seq).toEqual(seq.map((_: number, i: number) => i));
  });

  it("rejects an unknown fault with the list of known ones", async () => {
    const res = await post(demo.url, "/chat/completions", chat("fault:boom"));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/Unknown fault "boom".*cut.*stall/);
  });
});

describe("pace", () => {
  it("spaces streamed pieces by the configured delay; x-oaikit-delay overrides it", async () => {
    const paced = await startDemoServer({ delayMs: 25 });
    try {
      const body = { model: "m", messages: [{ role: "user", content: "hi" }], stream: true, max_tokens: 8 };
      const send = (headers: Record<string, string>) =>
        fetch(`${paced.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        });
      // Only lower bounds: a timer never fires early, but a loaded machine can make anything slower, so
      // "the override is faster" would be a timed test. The override is shown by a longer delay instead.
      let start = performance.now();
      await readSse(await send({}));
      const paced25 = performance.now() - start; // 8 pieces + role + finish + [DONE]: 10 gaps of 25 ms
      start = performance.now();
      await readSse(await send({ "x-oaikit-delay": "60" }));
      const paced60 = performance.now() - start; // the same 10 gaps of 60 ms
      expect(paced25).toBeGreaterThanOrEqual(240);
      expect(paced60).toBeGreaterThanOrEqual(590);
    } finally {
      await paced.close();
    }
  });

  it("close() ends stalled streams too", async () => {
    const other = await startDemoServer();
    const res = await post(other.url, "/chat/completions", chat("fault:stall"));
    const reading = res.text().catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await other.close();
    expect(await reading).toBeInstanceOf(Error);
  });
});
