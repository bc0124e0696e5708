// The accumulators join text deltas in batches (and remember the Responses part the deltas go to):
// whatever the batch boundaries, every read gives exactly what one `+=` per delta would give.
import { describe, expect, test } from "vitest";
import { StreamError } from "../errors/errors.js";
import type { ChatCompletionChunk, ResponseStreamEvent } from "../types/index.js";
import { ChatCompletionAccumulator } from "./chat-accumulator.js";
import { ResponsesAccumulator, responseOutputText } from "./responses-accumulator.js";

const chunk = (choices: unknown[]): ChatCompletionChunk =>
  ({ id: "c", object: "chat.completion.chunk", created: 1, model: "m", choices }) as ChatCompletionChunk;
const event = (fields: Record<string, unknown>): ResponseStreamEvent => fields as ResponseStreamEvent;
const piece = (i: number) => `${i % 7 === 0 ? " é" : " w"}${i}`;

describe("ChatCompletionAccumulator: batched content and reasoning", () => {
  test("every read mid-stream and at the end sees every delta so far, in order", () => {
    const acc = new ChatCompletionAccumulator();
    let content = "";
    let reasoning = "";
    for (let i = 0; i < 300; i++) {
      const delta: Record<string, string> = { content: piece(i) };
      if (i % 3 === 0) delta.reasoning_content = `r${i}`;
      acc.add(chunk([{ index: 0, delta }]));
      content += piece(i);
      if (i % 3 === 0) reasoning += `r${i}`;
      if (i % 37 === 0) {
        expect(acc.liveMessage(0)?.content).toBe(content);
        expect(acc.text(0)).toBe(content);
        expect(acc.snapshot().choices[0]?.message.reasoning).toBe(reasoning);
      }
    }
    const message = acc.snapshot().choices[0]?.message;
    expect(message?.content).toBe(content);
    expect(message?.reasoning).toBe(reasoning);
    expect(acc.liveMessage(0)?.content).toBe(content);
  });

  test("legacy text, string deltas and content parts keep their order; two choices stay apart", () => {
    const acc = new ChatCompletionAccumulator();
    const expected = ["", ""];
    let thinking = "";
    for (let i = 0; i < 200; i++) {
      const index = i % 2;
      if (i % 5 === 0) {
        acc.add(chunk([{ index, text: `t${i}` }]));
        expected[index] += `t${i}`;
      } else if (i % 5 === 1) {
        acc.add(
          chunk([
            {
              index,
              delta: {
                content: [
                  { type: "thinking", thinking: [{ type: "text", text: `k${i}` }] },
                  { type: "text", text: `p${i}` },
                  `s${i}`,
                ],
              },
            },
          ]),
        );
        expected[index] += `p${i}s${i}`;
        if (index === 1) thinking += `k${i}`;
      } else {
        acc.add(chunk([{ index, delta: { content: piece(i) } }]));
        expected[index] += piece(i);
      }
    }
    const completion = acc.snapshot();
    expect(completion.choices.map((c) => c.message.content)).toEqual(expected);
    expect(completion.choices[1]?.message.reasoning).toBe(thinking);
    expect(acc.text(1)).toBe(expected[1]);
  });

  test("an empty content is kept as an empty string; no content stays null", () => {
    const acc = new ChatCompletionAccumulator();
    acc.add(chunk([{ index: 0, delta: { role: "assistant", content: "" } }]));
    acc.add(chunk([{ index: 1, delta: { role: "assistant" } }]));
    const choices = acc.snapshot().choices;
    expect(choices[0]?.message.content).toBe("");
    expect(choices[1]?.message.content).toBeNull();
  });

  test("a StreamError thrown mid-stream carries the batched content in its partial", () => {
    const acc = new ChatCompletionAccumulator();
    let content = "";
    for (let i = 0; i < 70; i++) {
      acc.add(chunk([{ index: 0, delta: { content: piece(i) } }]));
      content += piece(i);
    }
    let error: unknown;
    try {
      acc.add(chunk([{ index: 0, delta: { tool_calls: [{ index: 1e9, function: { arguments: "" } }] } }]));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).partial).toMatchObject({ choices: [{ message: { content } }] });
  });
});

describe("ResponsesAccumulator: the remembered part and batched deltas", () => {
  const start = (acc: ResponsesAccumulator) => {
    acc.add(
      event({
        type: "response.created",
        response: { id: "r", object: "response", status: "in_progress", output: [] },
      }),
    );
    acc.add(
      event({
        type: "response.output_item.added",
        output_index: 0,
        item: { id: "m1", type: "message", content: [] },
      }),
    );
    acc.add(
      event({
        type: "response.content_part.added",
        output_index: 0,
        content_index: 0,
        part: { type: "output_text", text: "" },
      }),
    );
  };
  const delta = (i: number, extra: Record<string, unknown> = {}) =>
    event({
      type: "response.output_text.delta",
      item_id: "m1",
      output_index: 0,
      content_index: 0,
      delta: piece(i),
      ...extra,
    });

  test("snapshots mid-stream see every delta so far and do not change afterwards", () => {
    const acc = new ResponsesAccumulator();
    start(acc);
    let text = "";
    let kept: { at: string; snapshot: unknown } | undefined;
    for (let i = 0; i < 250; i++) {
      acc.add(delta(i));
      text += piece(i);
      if (i === 100) kept = { at: text, snapshot: acc.snapshot() };
      if (i % 41 === 0) expect(responseOutputText(acc.snapshot())).toBe(text);
    }
    expect(responseOutputText(kept?.snapshot)).toBe(kept?.at);
    expect(responseOutputText(acc.snapshot())).toBe(text);
  });

  test("deltas alternating between parts, and deltas matched by item_id, land where they belong", () => {
    const acc = new ResponsesAccumulator();
    start(acc);
    acc.add(
      event({
        type: "response.content_part.added",
        output_index: 0,
        content_index: 1,
        part: { type: "output_text", text: "" },
      }),
    );
    const parts = ["", ""];
    for (let i = 0; i < 200; i++) {
      const index = i % 3 === 0 ? 1 : 0;
      if (i % 10 === 9) {
        // No output_index: matched by item_id, to content_index 0 when it names none.
        acc.add(event({ type: "response.output_text.delta", item_id: "m1", delta: piece(i) }));
        parts[0] += piece(i);
      } else {
        acc.add(delta(i, { content_index: index }));
        parts[index] += piece(i);
      }
    }
    const content = acc.snapshot().output[0]?.content as { text: string }[];
    expect(content.map((p) => p.text)).toEqual(parts);
  });

  test("done events and replaced parts after batched deltas: the server's text wins, later deltas append", () => {
    const acc = new ResponsesAccumulator();
    start(acc);
    for (let i = 0; i < 90; i++) acc.add(delta(i));
    acc.add(event({ type: "response.output_text.done", output_index: 0, content_index: 0, text: "DONE" }));
    expect(responseOutputText(acc.snapshot())).toBe("DONE");
    for (let i = 0; i < 10; i++) acc.add(delta(i));
    let text = "DONE";
    for (let i = 0; i < 10; i++) text += piece(i);
    expect(responseOutputText(acc.snapshot())).toBe(text);
    acc.add(
      event({
        type: "response.content_part.done",
        output_index: 0,
        content_index: 0,
        part: { type: "output_text", text: "PART" },
      }),
    );
    acc.add(delta(1));
    expect(responseOutputText(acc.snapshot())).toBe(`PART${piece(1)}`);
  });

  test("a delta with a non-object response field and a non-string delta behave as before", () => {
    const acc = new ResponsesAccumulator();
    start(acc);
    acc.add(delta(1));
    acc.add(delta(2, { response: null }));
    acc.add(event({ type: "response.output_text.delta", output_index: 0, content_index: 0, delta: 5 }));
    acc.add(delta(3));
    expect(responseOutputText(acc.snapshot())).toBe(piece(1) + piece(2) + piece(3));
  });

  test("a StreamError on a later event carries the batched text in its partial", () => {
    const acc = new ResponsesAccumulator();
    start(acc);
    let text = "";
    for (let i = 0; i < 70; i++) {
      acc.add(delta(i));
      text += piece(i);
    }
    let error: unknown;
    try {
      acc.add(delta(70, { content_index: 1e9 }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StreamError);
    expect(responseOutputText((error as StreamError).partial)).toBe(text);
  });
});
