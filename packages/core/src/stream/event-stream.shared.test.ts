// The stream classes' failure paths and API surface, against the shared test server's fault routes
// (tests/server/stream-fault-routes.ts): timeouts, keep-alives, aborts, cuts, bad JSON, error events,
// error statuses, lazy start, re-streaming.
import { describe, expect, inject, test } from "vitest";
import {
  APIError,
  ConnectionError,
  RequestAbortedError,
  StreamError,
  StreamTruncatedError,
  TimeoutError,
} from "../errors/errors.js";
import type { ChatCompletion, ChatCompletionChunk } from "../types/index.js";
import { ChatCompletionStream } from "./chat-stream.js";
import type { StreamOptions, StreamSource } from "./types.js";

const base = inject("testServerUrl");

function source(path: string, counter?: { starts: number }): StreamSource {
  const url = `${base}${path}`;
  return {
    target: { method: "POST", url },
    start: (signal) => {
      if (counter) counter.starts++;
      return fetch(url, { method: "POST", body: "{}", signal });
    },
  };
}

function chat(path: string, options?: StreamOptions<ChatCompletionChunk>): ChatCompletionStream {
  return new ChatCompletionStream(source(path), options);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

describe("timeouts", () => {
  test("first-byte: no response head at all", async () => {
    const started = Date.now();
    const error = await failure(
      chat("/stream-fault/stall-before-head?ms=5000", { firstByteTimeout: 300 }).final(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("first-byte");
    expect((error as TimeoutError).timeoutMs).toBe(300);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  test("first-byte: a 200 head and keep-alive comments, but no data event", async () => {
    const stream = chat("/stream-fault/stall-after-head?ms=5000&keepalive=50", { firstByteTimeout: 400 });
    const error = await failure(stream.final());
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("first-byte");
    expect(stream.diagnostics.comments).toBeGreaterThan(2);
    expect(stream.diagnostics.events).toBe(0);
    expect((await stream.response).status).toBe(200);
  });

  test("idle: keep-alive comments keep flowing but no data → TimeoutError(idle) with the partial", async () => {
    const stream = chat("/stream-fault/stall-mid?ms=5000&keepalive=50", { idleTimeout: 400 });
    const chunks: ChatCompletionChunk[] = [];
    const started = Date.now();
    const error = await failure(
      (async () => {
        for await (const chunk of stream) chunks.push(chunk);
      })(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("idle");
    expect(Date.now() - started).toBeLessThan(3000);
    expect(chunks).toHaveLength(2);
    expect(stream.diagnostics.comments).toBeGreaterThan(3);
    const partial = (error as TimeoutError).partial as ChatCompletion;
    expect(partial.choices[0]?.message.content).toBe("Hello world");
    expect(stream.currentSnapshot().choices[0]?.message.content).toBe("Hello world");
    expect(stream.diagnostics.endReason).toBe("timeout");
  });

  test("idle timeout does not fire while data keeps coming", async () => {
    const stream = chat("/stream-fault/slow?n=8&delay=60", { idleTimeout: 400, firstByteTimeout: 2000 });
    expect(await stream.text()).toBe("0 1 2 3 4 5 6 7 ");
  });

  test("idle measures the server, not the reader: a pause longer than idleTimeout between reads is no timeout", async () => {
    // The server sends a chunk every 40 ms; the reader stops for 3 idle periods after the second one.
    const stream = chat("/stream-fault/slow?n=12&delay=40", { idleTimeout: 200, firstByteTimeout: 2000 });
    const contents: string[] = [];
    for await (const chunk of stream) {
      contents.push(chunk.choices[0]?.delta.content ?? "");
      if (contents.length === 2) await new Promise((resolve) => setTimeout(resolve, 600));
    }
    expect(contents.join("")).toBe("0 1 2 3 4 5 6 7 8 9 10 11 ");
    expect(stream.diagnostics.endReason).toBe("complete");
  });

  test("a paused reader still gets the idle TimeoutError when the server went quiet meanwhile", async () => {
    // Two chunks, then only keep-alive comments: the reader pauses past idleTimeout and reads on.
    const stream = chat("/stream-fault/stall-mid?ms=5000&keepalive=50", { idleTimeout: 200 });
    const started = Date.now();
    const error = await failure(
      (async () => {
        for await (const _chunk of stream) await new Promise((resolve) => setTimeout(resolve, 300));
      })(),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("idle");
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("aborts", () => {
  test("stream.abort() mid-stream → RequestAbortedError with the partial", async () => {
    const stream = chat("/stream-fault/slow?n=50&delay=30");
    const chunks: ChatCompletionChunk[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of stream) {
          chunks.push(chunk);
          if (chunks.length === 3) stream.abort();
        }
      })(),
    );
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(((error as RequestAbortedError).partial as ChatCompletion).choices[0]?.message.content).toBe(
      "0 1 2 ",
    );
    await expect(stream.final()).rejects.toBe(error);
  });

  test("the caller's signal aborts it", async () => {
    const controller = new AbortController();
    const stream = chat("/stream-fault/slow?n=50&delay=30", { signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    const error = await failure(stream.final());
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(stream.diagnostics.endReason).toBe("aborted");
  });

  test("an already-aborted signal never sends the request", async () => {
    const counter = { starts: 0 };
    const stream = new ChatCompletionStream(source("/stream-fault/slow", counter), {
      signal: AbortSignal.abort(),
    });
    expect(await failure(stream.final())).toBeInstanceOf(RequestAbortedError);
    expect(counter.starts).toBe(0);
  });

  test("break out of for-await stops the request", async () => {
    const stream = chat("/stream-fault/slow?n=50&delay=30");
    for await (const _chunk of stream) break;
    expect(stream.ended).toBe(true);
    expect(stream.diagnostics.endReason).toBe("aborted");
  });
});

describe("broken bodies", () => {
  test("a connection cut mid-line → ConnectionError with the partial", async () => {
    const stream = chat("/stream-fault/cut-mid-line");
    const error = await failure(stream.final());
    // Some stacks report a cut chunked body as a clean EOF; either way it must not be a success.
    if (error instanceof ConnectionError) {
      expect((error.partial as ChatCompletion).choices[0]?.message.content).toBe("Hello world");
    } else {
      expect(error).toBeInstanceOf(StreamTruncatedError);
      expect((error as StreamTruncatedError<ChatCompletion>).partial.choices[0]?.message.content).toBe(
        "Hello world",
      );
    }
  });

  test("a clean end without [DONE] or finish_reason → StreamTruncatedError with the partial", async () => {
    const error = await failure(chat("/stream-fault/eof-no-terminator").final());
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect((error as StreamTruncatedError<ChatCompletion>).partial.choices[0]?.message.content).toBe(
      "Hello world",
    );
  });

  test("invalid JSON in a data event → StreamError (code invalid_json) with the partial", async () => {
    const stream = chat("/stream-fault/bad-json");
    const chunks: unknown[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of stream) chunks.push(chunk);
      })(),
    );
    expect(error).toBeInstanceOf(StreamError);
    const streamError = error as StreamError<ChatCompletion>;
    expect(streamError.error.code).toBe("invalid_json");
    expect(streamError.error.raw).toContain("{broken");
    expect(streamError.partial.choices[0]?.message.content).toBe("Hello");
    expect(chunks).toHaveLength(1);
  });

  test("an error chunk followed by silence ends within the grace period, not never", async () => {
    const started = Date.now();
    const error = await failure(chat("/stream-fault/error-then-stall?ms=10000").final());
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).error.message).toBe("Upstream failed");
    expect((error as StreamError).error.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test("an error status with an SSE content type is an APIError, its body never parsed as events", async () => {
    const stream = chat("/stream-fault/error-status-sse");
    const error = await failure(stream.final());
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(503);
    // The body is kept as text (its message shows it), not decoded as a stream of events.
    expect((error as APIError).error.message).toContain("Overloaded");
    expect((error as APIError).error.raw).toMatch(/^data: /);
    expect((error as APIError).requestId).toBe("req_fault");
    expect(stream.diagnostics.events).toBe(0);
  });
});

describe("API surface", () => {
  test("lazy: nothing is sent before first use", async () => {
    const counter = { starts: 0 };
    const stream = new ChatCompletionStream(source("/stream-fault/slow?n=2&delay=1", counter));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(counter.starts).toBe(0);
    expect(await stream.text()).toBe("0 1 ");
    expect(counter.starts).toBe(1);
  });

  test("onChunk sees every raw chunk; iteration and final() together", async () => {
    const seen: ChatCompletionChunk[] = [];
    const stream = chat("/stream-fault/slow?n=3&delay=5", { onChunk: (raw) => seen.push(raw) });
    const finalPromise = stream.final();
    const iterated: ChatCompletionChunk[] = [];
    for await (const chunk of stream) iterated.push(chunk);
    const final = await finalPromise;
    expect(iterated).toEqual(seen);
    expect(iterated).toHaveLength(4);
    expect(final.choices[0]?.finish_reason).toBe("stop");
    expect(await stream.final()).toBe(final);
  });

  test("iterating twice, or after final() has read events, is a TypeError", async () => {
    const stream = chat("/stream-fault/slow?n=2&delay=1");
    await stream.final();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(TypeError);
    const other = chat("/stream-fault/slow?n=2&delay=1");
    other[Symbol.asyncIterator]();
    expect(() => other[Symbol.asyncIterator]()).toThrow(TypeError);
    other.abort();
  });

  test("response gives status, headers and x-request-id", async () => {
    const stream = chat("/stream-fault/slow?n=1&delay=1");
    const info = await stream.response;
    expect(info.status).toBe(200);
    expect(info.requestId).toBe("req_fault");
    expect(info.headers.get("content-type")).toContain("text/event-stream");
    await stream.final();
    expect(stream.responseInfo).toEqual(info);
  });

  test("bad options are TypeErrors", () => {
    expect(() => chat("/x", { idleTimeout: -1 })).toThrow(TypeError);
    expect(() => chat("/x", { onChunk: "no" as never })).toThrow(TypeError);
    expect(() => new ChatCompletionStream({} as StreamSource)).toThrow(TypeError);
  });

  test("toReadableStream() re-streams SSE that another stream reads to the same aggregate", async () => {
    const upstream = chat("/stream-fault/slow?n=4&delay=5");
    const bytes = upstream.toReadableStream();
    const downstream = new ChatCompletionStream({
      target: { method: "POST", url: "http://worker/" },
      start: async () => new Response(bytes, { headers: { "content-type": "text/event-stream" } }),
    });
    const final = await downstream.final();
    expect(final.choices[0]?.message.content).toBe("0 1 2 3 ");
    expect(downstream.diagnostics.done).toBe(true);
    expect(await upstream.final()).toEqual(final);
  });

  test("toReadableStream() errors (never closes cleanly) when the upstream is truncated", async () => {
    const upstream = chat("/stream-fault/eof-no-terminator");
    const reader = upstream.toReadableStream().getReader();
    const text: string[] = [];
    const decoder = new TextDecoder();
    const error = await failure(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          text.push(decoder.decode(value));
        }
      })(),
    );
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(text.join("")).toContain('"content":" world"');
  });

  test("lua-openai's indented data line and unterminated [DONE] (openai_spec #8)", async () => {
    const stream = chat("/stream-fault/lua-indented");
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(["This is ", "a chat ", "response."]);
    expect(await stream.text()).toBe("This is a chat response.");
    expect(stream.diagnostics.done).toBe(true);
  });
});
