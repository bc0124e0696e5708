/**
 * A hostile or broken server's shapes: absurd indexes, content that is not a list, keys that would
 * change a prototype. Each must settle promptly with a typed StreamError that keeps the partial, never
 * hang, never drop content silently, never touch an aggregate's prototype.
 */
import { describe, expect, test } from "vitest";
import { StreamError } from "../errors/errors.js";
import type { ChatCompletion, ResponseObject } from "../types/index.js";
import { ChatCompletionAccumulator } from "./chat-accumulator.js";
import { ChatCompletionStream } from "./chat-stream.js";
import { ResponseStream } from "./response-stream.js";
import { ResponsesAccumulator } from "./responses-accumulator.js";
import type { StreamSource } from "./types.js";

function source(frames: unknown[]): StreamSource {
  const text = frames.map((f) => `data: ${typeof f === "string" ? f : JSON.stringify(f)}\n\n`).join("");
  return {
    target: { method: "POST", url: "http://in-process/" },
    start: async () => new Response(text, { headers: { "content-type": "text/event-stream" } }),
  };
}

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
  id: "c",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices,
  ...extra,
});

async function settle(
  stream: ChatCompletionStream | ResponseStream,
): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  try {
    await stream.final();
    return { error: undefined, ms: Date.now() - started };
  } catch (error) {
    return { error, ms: Date.now() - started };
  }
}

describe("Chat Completions: server-given indexes are checked", () => {
  const hello = chunk([{ index: 0, delta: { content: "Hello" } }]);
  for (const [label, index] of [
    ["a billion", 1_000_000_000],
    ["negative", -1],
    ["fractional", 0.5],
    ["a string", "1"],
    ["NaN-like null", null],
  ] as const) {
    test(`choice index ${label} → StreamError at once, partial kept`, async () => {
      const stream = new ChatCompletionStream(
        source([hello, chunk([{ index, delta: { content: "x" } }]), "[DONE]"]),
      );
      const { error, ms } = await settle(stream);
      expect(error).toBeInstanceOf(StreamError);
      const e = error as StreamError<ChatCompletion>;
      expect(e.error.code).toBe("invalid_shape");
      expect(e.message).toContain("choices[].index");
      expect(e.partial.choices[0]?.message.content).toBe("Hello");
      expect(ms).toBeLessThan(5_000); // promptly: an absurd index used to cost 25-40 s in final()
      expect(stream.diagnostics.endReason).toBe("invalid-data");
    });

    test(`tool call index ${label} → StreamError, partial kept`, async () => {
      const stream = new ChatCompletionStream(
        source([
          chunk([
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, id: "t", function: { name: "f", arguments: "{" } }] },
            },
          ]),
          chunk([{ index: 0, delta: { tool_calls: [{ index, function: { arguments: "}" } }] } }]),
        ]),
      );
      const { error } = await settle(stream);
      expect(error).toBeInstanceOf(StreamError);
      const e = error as StreamError<ChatCompletion>;
      expect(e.message).toContain("tool_calls[].index");
      expect(e.partial.choices[0]?.message.tool_calls?.[0]?.function.arguments).toBe("{");
    });
  }

  test("an index a little past the end is fine (corpus 27 starts tool calls at 1; n=3 interleaves)", async () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk([{ index: 2, delta: { content: "c" } }]) as never);
    acc.add(
      chunk([{ index: 0, delta: { tool_calls: [{ index: 1, id: "t", function: { name: "f" } }] } }]) as never,
    );
    expect(acc.snapshot().choices.map((c) => c.index)).toEqual([0, 2]);
  });

  test("the pure accumulator throws the same StreamError (for code that feeds it by hand)", () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk([{ index: 0, delta: { content: "a" } }]) as never);
    expect(() => acc.add(chunk([{ index: 1e9, delta: {} }]) as never)).toThrow(StreamError);
  });
});

describe("keys that would change a prototype never reach an aggregate", () => {
  test("__proto__, constructor, prototype in chunks, choices, deltas, tool calls, logprobs", async () => {
    const raw = `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","__proto__":{"polluted":1},"constructor":{"x":1},"choices":[{"index":0,"__proto__":{"p":1},"logprobs":{"__proto__":{"q":1},"content":[]},"delta":{"content":"hi","__proto__":{"d":1},"prototype":2,"tool_calls":[{"index":0,"id":"t","__proto__":{"t":1},"function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}]}`;
    const stream = new ChatCompletionStream(source([raw, "[DONE]"]));
    const yielded: unknown[] = [];
    for await (const c of stream) yielded.push(c);
    const final = await stream.final();
    expect(Object.getPrototypeOf(final)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(final.choices[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(final.choices[0]?.message)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(final.choices[0]?.message.tool_calls?.[0])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(final.choices[0]?.logprobs)).toBe(Object.prototype);
    expect(Object.hasOwn(final, "constructor")).toBe(false);
    expect(Object.hasOwn(final.choices[0]?.message ?? {}, "prototype")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(final.choices[0]?.message.content).toBe("hi");
    // The yielded chunk is the server's, own `__proto__` key included.
    expect(yielded[0]).toEqual(JSON.parse(raw));
  });

  test("Responses items keep their prototype", async () => {
    const raw = `{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"m","__proto__":{"x":1},"content":[{"type":"output_text","text":"","__proto__":{"y":1}}]}}`;
    const acc = new ResponsesAccumulator();
    acc.add(JSON.parse(raw));
    const item = acc.snapshot().output[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((item.content as unknown[])[0])).toBe(Object.prototype);
  });
});

describe("Responses: indexes and item shapes are checked", () => {
  const created = {
    type: "response.created",
    response: { id: "r", object: "response", status: "in_progress", output: [] },
  };
  const added = {
    type: "response.output_item.added",
    output_index: 0,
    item: { type: "message", id: "msg", role: "assistant", content: [] },
  };
  const delta = (fields: Record<string, unknown>) => ({
    type: "response.output_text.delta",
    item_id: "msg",
    output_index: 0,
    content_index: 0,
    delta: "Hi",
    ...fields,
  });

  for (const [name, fields] of [
    ["output_index 1e9", { output_index: 1_000_000_000 }],
    ["output_index -1", { output_index: -1 }],
    ["content_index 0.5", { content_index: 0.5 }],
    ["content_index 1e9", { content_index: 1_000_000_000 }],
  ] as const) {
    test(`${name} → StreamError at once, partial kept`, async () => {
      const stream = new ResponseStream(source([created, added, delta({}), delta(fields)]));
      const { error, ms } = await settle(stream);
      expect(error).toBeInstanceOf(StreamError);
      const e = error as StreamError<ResponseObject>;
      expect(e.error.code).toBe("invalid_shape");
      expect(JSON.stringify(e.partial.output)).toContain('"text":"Hi"');
      expect(ms).toBeLessThan(5_000); // promptly: an absurd index used to cost 25-40 s in final()
    });
  }

  test("summary_index 1e9 → StreamError", async () => {
    const reasoning = {
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "reasoning", id: "rs", summary: [] },
    };
    const stream = new ResponseStream(
      source([
        created,
        reasoning,
        {
          type: "response.reasoning_summary_text.delta",
          item_id: "rs",
          output_index: 0,
          summary_index: 1e9,
          delta: "x",
        },
      ]),
    );
    expect((await settle(stream)).error).toBeInstanceOf(StreamError);
  });

  test("an item whose content is a string, then a text delta → StreamError with the partial (not a raw TypeError)", async () => {
    const bad = { ...added, item: { ...added.item, content: "not a list" } };
    const stream = new ResponseStream(source([created, bad, delta({})]));
    const { error } = await settle(stream);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError<ResponseObject>).partial.id).toBe("r");
    expect((error as Error).message).toContain("`content` is not an array");
  });

  test("a yielded output_item.added never fills up with the deltas that follow (one read holds them all)", async () => {
    const stream = new ResponseStream(
      source([
        created,
        added,
        {
          type: "response.content_part.added",
          item_id: "msg",
          output_index: 0,
          content_index: 0,
          part: { type: "output_text", text: "" },
        },
        delta({}),
        delta({ delta: " there" }),
        {
          type: "response.completed",
          response: {
            id: "r",
            object: "response",
            status: "completed",
            output: [
              {
                type: "message",
                id: "msg",
                role: "assistant",
                content: [{ type: "output_text", text: "Hi there" }],
              },
            ],
          },
        },
      ]),
    );
    const events: unknown[] = [];
    for await (const e of stream) events.push(e);
    const final = await stream.final();
    expect(events[1]).toEqual(added);
    expect((events[2] as { part: { text: string } }).part.text).toBe("");
    // final() is a separate object from the terminal event: changing it leaves the event alone.
    final.status = "changed";
    (final.output[0] as { id?: string }).id = "changed";
    expect((events[5] as { response: ResponseObject }).response.status).toBe("completed");
    expect(((events[5] as { response: ResponseObject }).response.output[0] as { id?: string }).id).toBe(
      "msg",
    );
  });
});
