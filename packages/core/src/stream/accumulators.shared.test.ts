// The aggregation rules of DESIGN.md §2, one synthetic case each (the corpus test covers real streams).
import { describe, expect, test } from "vitest";
import type { ChatCompletionChunk, ResponseStreamEvent } from "../types/index.js";
import { ChatCompletionAccumulator } from "./chat-accumulator.js";
import {
  ResponsesAccumulator,
  responseFunctionCalls,
  responseOutputText,
  responseReasoningText,
} from "./responses-accumulator.js";

function chunk(choices: unknown[], extra: Record<string, unknown> = {}): ChatCompletionChunk {
  return {
    id: "c1",
    object: "chat.completion.chunk",
    created: 5,
    model: "m",
    choices,
    ...extra,
  } as ChatCompletionChunk;
}

function aggregate(chunks: ChatCompletionChunk[]) {
  const acc = new ChatCompletionAccumulator();
  for (const c of chunks) acc.add(c);
  return acc;
}

describe("ChatCompletionAccumulator", () => {
  test("content per choice index, refusal apart, finish_reason last non-null", () => {
    const acc = aggregate([
      chunk([
        { index: 1, delta: { content: "B" } },
        { index: 0, delta: { content: "A" } },
      ]),
      chunk([{ index: 0, delta: { refusal: "no" }, finish_reason: "stop" }]),
      chunk([
        { index: 0, delta: {}, finish_reason: null },
        { index: 1, delta: { content: "b" }, finish_reason: "length" },
      ]),
    ]);
    const snap = acc.snapshot();
    expect(snap.object).toBe("chat.completion");
    expect(snap.choices.map((c) => [c.index, c.message.content, c.message.refusal, c.finish_reason])).toEqual(
      [
        [0, "A", "no", "stop"],
        [1, "Bb", null, "length"],
      ],
    );
    expect(acc.allChoicesFinished()).toBe(true);
    expect(acc.text(1)).toBe("Bb");
  });

  test("reasoning: reasoning_content preferred over a duplicate reasoning; Mistral thinking parts walked", () => {
    const acc = aggregate([
      chunk([{ index: 0, delta: { reasoning_content: "R1", reasoning: "R1" } }]),
      chunk([{ index: 0, delta: { reasoning: "R2" } }]),
      chunk([
        {
          index: 0,
          delta: {
            content: [
              { type: "thinking", thinking: [{ type: "text", text: "T" }] },
              { type: "text", text: "x" },
            ],
          },
        },
      ]),
      chunk([{ index: 0, delta: { content: "y" }, finish_reason: "stop" }]),
    ]);
    const message = acc.snapshot().choices[0]?.message;
    expect(message?.reasoning).toBe("R1R2T");
    expect(message?.content).toBe("xy");
  });

  test("tool calls keyed by index: no phantom 0, empty id kept, args concatenated, name set once", () => {
    const acc = aggregate([
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [{ index: 1, id: "t1", type: "function", function: { name: "f", arguments: "" } }],
          },
        },
      ]),
      chunk([
        { index: 0, delta: { tool_calls: [{ index: 1, function: { name: "f", arguments: '{"a"' } }] } },
      ]),
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 1, function: { arguments: ":1}" } },
              { index: 3, id: "", function: { name: "g", arguments: "{}" } },
            ],
          },
        },
      ]),
      chunk([{ index: 0, delta: {}, finish_reason: "tool_calls" }]),
    ]);
    const calls = acc.snapshot().choices[0]?.message.tool_calls;
    expect(calls).toEqual([
      { id: "t1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
      { id: "", type: "function", function: { name: "g", arguments: "{}" } },
    ]);
  });

  test("legacy function_call", () => {
    const acc = aggregate([
      chunk([{ index: 0, delta: { function_call: { name: "print_tags", arguments: "" } } }]),
      chunk([{ index: 0, delta: { function_call: { arguments: "{\n" } } }]),
    ]);
    expect(acc.snapshot().choices[0]?.message.function_call).toEqual({
      name: "print_tags",
      arguments: "{\n",
    });
    expect(acc.allChoicesFinished()).toBe(false);
  });

  test("usage is the last non-null one (cumulative usage is not summed); Groq x_groq is a fallback", () => {
    const acc = aggregate([
      chunk([{ index: 0, delta: { content: "a" } }], {
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
      chunk([{ index: 0, delta: { content: "b" } }], { usage: null }),
      chunk([], { usage: { prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 } }),
    ]);
    expect(acc.snapshot().usage).toEqual({ prompt_tokens: 1, completion_tokens: 5, total_tokens: 6 });
    const groq = aggregate([
      chunk([], { x_groq: { usage: { prompt_tokens: 2, completion_tokens: 2, total_tokens: 4 } } }),
    ]);
    expect(groq.snapshot().usage?.total_tokens).toBe(4);
  });

  test("id/model/created from the first chunk that has them (Azure's empty first chunk)", () => {
    const acc = aggregate([
      {
        id: "",
        object: "",
        created: 0,
        model: "",
        choices: [],
        prompt_filter_results: [{ x: 1 }],
      } as ChatCompletionChunk,
      chunk([{ index: 0, delta: { content: "x" } }], { id: "real", model: "gpt", created: 9 }),
    ]);
    const snap = acc.snapshot();
    expect([snap.id, snap.model, snap.created]).toEqual(["real", "gpt", 9]);
    expect(snap.prompt_filter_results).toEqual([{ x: 1 }]);
  });

  test("extras: logprobs and images concatenated, citations last, obfuscation dropped", () => {
    const acc = aggregate([
      chunk(
        [{ index: 0, delta: { content: "a", images: [{ i: 1 }] }, logprobs: { content: [{ token: "a" }] } }],
        {
          citations: ["u1"],
          obfuscation: "zz",
        },
      ),
      chunk(
        [{ index: 0, delta: { content: "b", images: [{ i: 2 }] }, logprobs: { content: [{ token: "b" }] } }],
        {
          citations: ["u1", "u2"],
        },
      ),
    ]);
    const snap = acc.snapshot();
    const choice = snap.choices[0];
    expect(choice?.logprobs).toEqual({ content: [{ token: "a" }, { token: "b" }] });
    expect(choice?.message.images).toEqual([{ i: 1 }, { i: 2 }]);
    expect(snap.citations).toEqual(["u1", "u2"]);
    expect("obfuscation" in snap).toBe(false);
  });

  test("snapshots are fresh objects; nothing arrived → no choices", () => {
    const acc = new ChatCompletionAccumulator();
    expect(acc.snapshot().choices).toEqual([]);
    expect(acc.allChoicesFinished()).toBe(false);
    acc.add(chunk([{ index: 0, delta: { content: "a" } }]));
    const first = acc.snapshot();
    acc.add(chunk([{ index: 0, delta: { content: "b" } }]));
    expect(first.choices[0]?.message.content).toBe("a");
    expect(acc.snapshot().choices[0]?.message.content).toBe("ab");
  });
});

describe("ResponsesAccumulator", () => {
  const events: ResponseStreamEvent[] = [
    { type: "response.created", response: { id: "r1", status: "in_progress", output: [] } },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "reasoning", id: "rs", summary: [] },
    },
    {
      type: "response.reasoning_summary_text.delta",
      output_index: 0,
      item_id: "rs",
      summary_index: 0,
      delta: "Think",
    },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { type: "message", id: "m", role: "assistant", content: [] },
    },
    {
      type: "response.content_part.added",
      output_index: 1,
      content_index: 0,
      part: { type: "output_text", text: "" },
    },
    { type: "response.output_text.delta", output_index: 1, content_index: 0, delta: "Hel" },
    { type: "response.output_text.delta", output_index: 1, content_index: 0, delta: "lo" },
    {
      type: "response.output_item.added",
      output_index: 2,
      item: { type: "function_call", id: "fc", name: "f", call_id: "c", arguments: "" },
    },
    { type: "response.function_call_arguments.delta", output_index: 2, item_id: "fc", delta: '{"a":' },
    { type: "response.function_call_arguments.delta", output_index: 2, item_id: "fc", delta: "1}" },
  ];

  test("a best-effort partial from the deltas before the terminal event", () => {
    const acc = new ResponsesAccumulator();
    for (const e of events) acc.add(e);
    const partial = acc.snapshot();
    expect(acc.isTerminal).toBe(false);
    expect(partial.id).toBe("r1");
    expect(partial.status).toBe("in_progress");
    expect(responseOutputText(partial)).toBe("Hello");
    expect(responseReasoningText(partial)).toBe("Think");
    expect(responseFunctionCalls(partial)).toEqual([
      { name: "f", call_id: "c", arguments: '{"a":1}', id: "fc" },
    ]);
  });

  test("the terminal event's response wins; an empty terminal output falls back to the deltas", () => {
    const acc = new ResponsesAccumulator();
    for (const e of events) acc.add(e);
    const completed = {
      id: "r1",
      status: "completed",
      output: [{ type: "message", content: [{ type: "output_text", text: "Hi" }] }],
    };
    acc.add({ type: "response.completed", response: completed });
    // Equal to the terminal event's response, but its own object (the event is never changed through it).
    expect(acc.snapshot()).toEqual(completed);
    expect(acc.snapshot()).not.toBe(completed);
    expect(acc.terminalEvent).toBe("response.completed");

    const bare = new ResponsesAccumulator();
    for (const e of events) bare.add(e);
    bare.add({ type: "response.incomplete", response: { id: "r1", status: "incomplete", output: [] } });
    expect(bare.snapshot().status).toBe("incomplete");
    expect(responseOutputText(bare.snapshot())).toBe("Hello");
  });

  test("error events are recorded, not thrown", () => {
    const acc = new ResponsesAccumulator();
    acc.add({ type: "error", code: "x", message: "boom" });
    expect(acc.errors).toHaveLength(1);
  });
});
