// The client's streaming forms (callback and iterator) against the shared test server: aggregates,
// ApiResult on HTTP errors, and the typed errors of a broken stream, each with its partial output.
// Runs in Node and in Chromium.
import { describe, expect, test } from "vitest";
import {
  type ChatCompletionChunk,
  ConnectionError,
  ContentChunk,
  fromPreset,
  Gemini,
  OpenAI,
  RequestAbortedError,
  type ResponseStreamEvent,
  StreamError,
  StreamTruncatedError,
  TimeoutError,
} from "../src/index.js";
import { chunkFrame, scenario } from "./client-scenario.js";

const user = [{ role: "user" as const, content: "Hi" }];

describe("streaming forms", () => {
  test("createChatCompletion({ stream: true }, onChunk): every raw chunk, then an ApiResult with the aggregate", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const chunks: ChatCompletionChunk[] = [];
    const result = await client.createChatCompletion(user, { stream: true }, (chunk) => chunks.push(chunk));
    const [req] = await s.requests();
    expect(req?.json).toEqual({
      model: "gpt-4.1",
      messages: user,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(["", "Hello", " there", null]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status).toBe(200);
    expect(result.requestId).toBe("req_stream");
    expect(result.data.object).toBe("chat.completion");
    expect(result.data.choices[0]?.message.content).toBe("Hello there");
    expect(result.data.choices[0]?.finish_reason).toBe("stop");
  });

  test("streamChatCompletion: iterate raw chunks, then final() and text()", async () => {
    const s = await scenario();
    const stream = new OpenAI("k", { baseURL: s.baseURL }).streamChatCompletion(user, {
      stream: false,
      n: 1,
    });
    const seen: string[] = [];
    for await (const chunk of stream) seen.push(String(chunk.choices[0]?.delta.content ?? ""));
    expect(seen.join("")).toBe("Hello there");
    const final = await stream.final();
    expect(final.choices[0]?.message.content).toBe("Hello there");
    const [req] = await s.requests();
    // Usage is asked for by default, so final().usage is filled without extra code.
    expect(req?.json).toEqual({
      model: "gpt-4.1",
      messages: user,
      stream: true,
      n: 1,
      stream_options: { include_usage: true },
    });
  });

  test("stream_options: the call's own wins; streamUsage: false (Gemini, the mistral preset) sends none", async () => {
    const s = await scenario();
    const own = { include_usage: false };
    await new OpenAI("k", { baseURL: s.baseURL }).streamChatCompletion(user, { stream_options: own }).final();
    await new OpenAI("k", { baseURL: s.baseURL, streamUsage: false }).streamChatCompletion(user).final();
    await new Gemini("k", { baseURL: s.baseURL }).streamChatCompletion(user).final();
    await fromPreset("mistral", "k", { baseURL: s.baseURL }).streamChatCompletion(user).final();
    const reqs = await s.requests();
    expect(reqs[0]?.json).toMatchObject({ stream_options: own });
    for (const req of reqs.slice(1)) expect(req.json).not.toHaveProperty("stream_options");
    expect(() => new OpenAI("k", { streamUsage: "yes" as never })).toThrow(
      /streamUsage must be true or false/,
    );
  });

  test("createResponse({ stream: true }, onEvent) and streamResponse: raw events, final response", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const events: ResponseStreamEvent[] = [];
    const result = await client.createResponse("hello", { stream: true }, (event) => events.push(event));
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.completed",
    ]);
    expect(result.ok && result.data.id).toBe("resp_test");
    expect(result.ok && result.data.status).toBe("completed");

    const stream = client.streamResponse([{ role: "user", content: "hello" }], { model: "gpt-4.1-mini" });
    expect(await stream.text()).toBe("Hello there");
    const reqs = await s.requests();
    expect(reqs[1]?.json).toEqual({
      model: "gpt-4.1-mini",
      input: [{ role: "user", content: "hello" }],
      stream: true,
    });
  });

  test("completion({ stream: true }) aggregates; streamCompletion iterates text_completion chunks", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const result = await client.completion("Once", { model: "m", stream: true });
    expect(result.ok && result.data.choices[0]?.text).toBe("This is a completion.");
    expect(result.ok && result.data.choices[0]?.finish_reason).toBe("stop");
    const stream = client.streamCompletion("Once", { model: "m" });
    const texts: string[] = [];
    for await (const chunk of stream) texts.push(chunk.choices[0]?.text ?? "");
    expect(texts).toEqual(["This is ", "a completion.", ""]);
    const reqs = await s.requests();
    expect(reqs.map((r) => r.json)).toEqual([
      { prompt: "Once", model: "m", stream: true },
      { prompt: "Once", model: "m", stream: true },
    ]);
  });

  test("chat() (deprecated): lua-openai's filtered deltas, with the raw chunk", async () => {
    // Three deltas split over writes, one with leading spaces, [DONE] without a newline (lua-openai test 8),
    // plus chunks the filter drops: n=2, a usage chunk with no choices, another object type.
    const s = await scenario([
      {
        sse: [
          `${chunkFrame([{ index: 0, delta: { content: "This is " } }])}            ${chunkFrame([{ index: 0, delta: { content: "a chat " } }])}`,
          chunkFrame([
            { index: 0, delta: { content: "x" } },
            { index: 1, delta: { content: "y" } },
          ]),
          chunkFrame([], { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
          chunkFrame([{ index: 0, delta: { content: "ignored" } }], { object: "something.else" }),
          chunkFrame([{ index: 0, delta: { content: "response." } }]),
          chunkFrame([{ index: 0, delta: { tool_calls: null }, finish_reason: "stop" }]),
          "data: [DONE]",
        ],
      },
    ]);
    const got: [ContentChunk, ChatCompletionChunk][] = [];
    const result = await new OpenAI("k", { baseURL: s.baseURL }).chat(user, { stream: true }, (delta, raw) =>
      got.push([delta, raw]),
    );
    expect(got.map(([d]) => ({ ...d }))).toEqual([
      { content: "This is ", index: 0 },
      { content: "a chat ", index: 0 },
      { content: "response.", index: 0 },
      { index: 0 },
    ]);
    expect(got.every(([d]) => d instanceof ContentChunk)).toBe(true);
    expect(String(got[0]?.[0])).toBe("This is ");
    expect(`${got[3]?.[0]}`).toBe("");
    expect(got[0]?.[1].choices[0]?.delta.content).toBe("This is ");
    expect(result.ok).toBe(true);
    expect(result.ok && result.data.usage?.total_tokens).toBe(3);
  });

  test("chat() passes tool_calls deltas through", async () => {
    const call = {
      index: 0,
      id: "call_tool",
      type: "function",
      function: { name: "convert", arguments: "" },
    };
    const s = await scenario([
      {
        sse: [
          chunkFrame([{ index: 0, delta: { role: "assistant", tool_calls: [call] } }]),
          chunkFrame([
            { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] } },
          ]),
          chunkFrame([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
          "data: [DONE]\n\n",
        ],
      },
    ]);
    const deltas: ContentChunk[] = [];
    const result = await new OpenAI("k", { baseURL: s.baseURL }).chat(user, { stream: true }, (d) =>
      deltas.push(d),
    );
    expect(deltas[0]?.tool_calls).toEqual([call]);
    expect(deltas[1]?.content).toBeUndefined();
    expect(result.ok && result.data.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe('{"a":1}');
  });

  test("a non-2xx answer to a streamed call: { ok: false } with the normalised error (callback form)", async () => {
    const body = {
      error: {
        message: "The model `nope` does not exist or you do not have access to it.",
        type: "invalid_request_error",
        code: "model_not_found",
      },
    };
    const s = await scenario([{ status: 404, json: body, headers: { "x-request-id": "req_404" } }]);
    const onChunk = () => {
      throw new Error("no chunk expected");
    };
    const result = await new OpenAI("k", { baseURL: s.baseURL }).createChatCompletion(
      user,
      { stream: true, model: "nope" },
      onChunk,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(404);
    expect(result.error.code).toBe("model_not_found");
    expect(result.data).toEqual(body);
    expect(result.requestId).toBe("req_404");
  });

  test("a non-2xx answer to streamResponse: the iterator throws APIError", async () => {
    const s = await scenario([
      { status: 401, json: { error: { message: "bad key", code: "invalid_api_key" } } },
    ]);
    const stream = new OpenAI("k", { baseURL: s.baseURL }).streamResponse("hi");
    await expect(stream.final()).rejects.toMatchObject({ name: "APIError", status: 401 });
  });
});

describe("broken streams: typed errors with the partial output", () => {
  test("event: error mid-stream → StreamError with the partial", async () => {
    const s = await scenario([
      {
        sse: [
          chunkFrame([{ index: 0, delta: { content: "Half an ans" } }]),
          `event: error\ndata: ${JSON.stringify({ error: { message: "Tool call validation failed: x", type: "invalid_request_error", code: "tool_use_failed", status_code: 400 } })}\n\n`,
        ],
      },
    ]);
    const error = await new OpenAI("k", { baseURL: s.baseURL })
      .createChatCompletion(user, { stream: true }, () => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    const streamError = error as StreamError<{ choices: { message: { content: string } }[] }>;
    expect(streamError.error.code).toBe("tool_use_failed");
    expect(streamError.partial.choices[0]?.message.content).toBe("Half an ans");
  });

  test("a cut mid-line → StreamTruncatedError or ConnectionError, with the partial", async () => {
    const s = await scenario([
      {
        sse: [
          chunkFrame([{ index: 0, delta: { content: "Before the cut" } }]),
          'data: {"id":"c1","object":"chat.compl',
        ],
        after: "destroy",
      },
    ]);
    const error = await new OpenAI("k", { baseURL: s.baseURL, maxRetries: 0 })
      .streamChatCompletion(user)
      .final()
      .catch((e: unknown) => e);
    expect(error instanceof StreamTruncatedError || error instanceof ConnectionError).toBe(true);
    const partial = (error as { partial?: { choices: { message: { content: string } }[] } }).partial;
    expect(partial?.choices[0]?.message.content).toBe("Before the cut");
  });

  test("a clean end without a terminator → StreamTruncatedError with the partial", async () => {
    const s = await scenario([{ sse: [chunkFrame([{ index: 0, delta: { content: "No end" } }])] }]);
    const error = await new OpenAI("k", { baseURL: s.baseURL })
      .createChatCompletion(user, { stream: true }, () => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(
      (error as StreamTruncatedError<{ choices: { message: { content: string } }[] }>).partial.choices[0]
        ?.message.content,
    ).toBe("No end");
  });

  test("a stall past the idle timeout → TimeoutError (idle), the partial kept on the stream", async () => {
    const s = await scenario([
      {
        sse: [chunkFrame([{ index: 0, delta: { content: "Then silence" } }]), ": keep-alive\n\n"],
        after: "stall",
      },
    ]);
    const client = new OpenAI("k", { baseURL: s.baseURL, idleTimeout: 300 });
    const stream = client.streamChatCompletion(user);
    const started = Date.now();
    const error = await stream.final().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("idle");
    expect(Date.now() - started).toBeLessThan(5_000);
    const partial = (error as { partial?: { choices: { message: { content: string } }[] } }).partial;
    expect(partial?.choices[0]?.message.content).toBe("Then silence");
  });

  test("no first byte within firstByteTimeout → TimeoutError (first-byte)", async () => {
    const s = await scenario([{ sse: [": waiting\n\n"], after: "stall" }]);
    const stream = new OpenAI("k", { baseURL: s.baseURL }).streamResponse(
      "hi",
      {},
      { firstByteTimeout: 300 },
    );
    const error = await stream.final().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("first-byte");
  });

  test("an invalid JSON chunk → a typed stream error, not a silent skip", async () => {
    const s = await scenario([
      {
        sse: [
          chunkFrame([{ index: 0, delta: { content: "ok so far" } }]),
          "data: {not json}\n\n",
          "data: [DONE]\n\n",
        ],
      },
    ]);
    const error = await new OpenAI("k", { baseURL: s.baseURL })
      .streamChatCompletion(user)
      .final()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    const partial = (error as StreamError<{ choices: { message: { content: string } }[] }>).partial;
    expect(partial.choices[0]?.message.content).toBe("ok so far");
  });

  test("an abort from the caller mid-stream → RequestAbortedError", async () => {
    const s = await scenario([
      { sse: [chunkFrame([{ index: 0, delta: { content: "Going" } }])], after: "stall" },
    ]);
    const controller = new AbortController();
    const got: string[] = [];
    const pending = new OpenAI("k", { baseURL: s.baseURL }).createChatCompletion(
      user,
      { stream: true },
      (chunk) => {
        got.push(String(chunk.choices[0]?.delta.content ?? ""));
        controller.abort();
      },
      { signal: controller.signal },
    );
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
    expect(got).toEqual(["Going"]);
  });

  test("stream.abort() ends the iteration with RequestAbortedError", async () => {
    const s = await scenario([
      { sse: [chunkFrame([{ index: 0, delta: { content: "Going" } }])], after: "stall" },
    ]);
    const stream = new OpenAI("k", { baseURL: s.baseURL }).streamChatCompletion(user);
    const error = await (async () => {
      for await (const _chunk of stream) stream.abort();
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
  });
});
