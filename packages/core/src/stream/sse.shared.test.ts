// SseDecoder: the framing rules on top of eventsource-parser, fed with exact byte boundaries.
import { describe, expect, test } from "vitest";
import { ResponseTooLargeError } from "../errors/errors.js";
import { SseDecoder } from "./sse.js";

interface Record_ {
  events: [string, string | undefined][];
  comments: string[];
  done: number;
  dropped: string[];
  ignored: string[];
}

function decoder(): { decoder: SseDecoder; out: Record_ } {
  const out: Record_ = { events: [], comments: [], done: 0, dropped: [], ignored: [] };
  const d = new SseDecoder({
    onEvent: (data, event) => out.events.push([data, event]),
    onComment: (comment) => out.comments.push(comment),
    onTrailingDone: () => out.done++,
    onDroppedTrailing: (data) => out.dropped.push(data),
    onIgnoredLine: (line) => out.ignored.push(line),
  });
  return { decoder: d, out };
}

const enc = new TextEncoder();

function feedBytes(text: string, size: number): Record_ {
  const { decoder: d, out } = decoder();
  const bytes = enc.encode(text);
  for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
  d.end();
  return out;
}

describe("SseDecoder", () => {
  test("events, names, multi-line data and comments, at every chunk size", () => {
    const text =
      ': OPENROUTER PROCESSING\n\nevent: error\ndata: {"a":1}\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      const out = feedBytes(text, size);
      expect(out.events).toEqual([
        ['{"a":1}', "error"],
        ["line1\nline2", undefined],
        ["[DONE]", undefined],
      ]);
      expect(out.comments).toEqual(["OPENROUTER PROCESSING"]);
      expect(out.done).toBe(0);
      expect(out.dropped).toEqual([]);
    }
  });

  test("a multi-byte character split across reads is never U+FFFD", () => {
    const text = 'data: {"t":"18°C 😊 ü"}\n\n';
    const out = feedBytes(text, 1);
    expect(out.events).toEqual([['{"t":"18°C 😊 ü"}', undefined]]);
  });

  test("CRLF and CR line endings", () => {
    expect(feedBytes("data: a\r\n\r\ndata: b\r\rdata: c\n\n", 1).events.map(([d]) => d)).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  test("a leading BOM is ignored", () => {
    expect(feedBytes("\uFEFFdata: x\n\n", 1).events).toEqual([["x", undefined]]);
  });

  test("EOF: `data: [DONE]` with no newline is the terminator (lua-openai's last write)", () => {
    const out = feedBytes('data: {"a":1}\n\ndata: [DONE]', 3);
    expect(out.events).toEqual([['{"a":1}', undefined]]);
    expect(out.done).toBe(1);
  });

  test("EOF: `data: [DONE]\\n` with no blank line is the terminator (corpus 27)", () => {
    const out = feedBytes('data: {"a":1}\n\ndata: [DONE]\n', 1);
    expect(out.done).toBe(1);
    expect(out.events).toHaveLength(1);
  });

  test("EOF: a data line cut mid-way is dropped unparsed and reported (corpus 10)", () => {
    const out = feedBytes('data: {"a":1}\n\ndata: {"id":"x","created":1688', 5);
    expect(out.events).toEqual([['{"a":1}', undefined]]);
    expect(out.dropped).toEqual(['{"id":"x","created":1688']);
    expect(out.done).toBe(0);
  });

  test("EOF: complete data lines that never got their blank line are still delivered", () => {
    const out = feedBytes('data: {"a":1}\ndata: {"b":2}\ndata: [DONE]', 4);
    expect(out.events).toEqual([['{"a":1}\n{"b":2}', undefined]]);
    expect(out.done).toBe(1);
  });

  test("EOF: an open comment line does not make the complete data line before it look cut", () => {
    const out = feedBytes('data: {"a":1}\n: keep-al', 2);
    expect(out.events).toEqual([['{"a":1}', undefined]]);
    expect(out.dropped).toEqual([]);
  });

  test("an indented `data:` line that arrives whole is accepted (lua-openai openai_spec #8)", () => {
    const { decoder: d, out } = decoder();
    d.pushText('data: {"i":0}\n\n            data: {"i":1}\n');
    d.pushText('\t\tdata: {"i":2}\n');
    d.end();
    expect(out.events.map(([data]) => data)).toEqual(['{"i":0}', '{"i":1}', '{"i":2}']);
  });

  test("unknown fields are ignored and reported; id and retry are not data", () => {
    const text = "id: 7\nretry: 100\nfoo: bar\ndata: x\n\n";
    const whole = feedBytes(text, 1000);
    expect(whole.events).toEqual([["x", undefined]]);
    expect(whole.ignored).toEqual(["foo: bar"]);
    // Split into single bytes, eventsource-parser drops `foo` unseen (it can never be a field): same events.
    expect(feedBytes(text, 1).events).toEqual([["x", undefined]]);
  });

  test("a 2 MB line in 1 KB reads (under the 16 Mi event limit, linear)", () => {
    const big = "x".repeat(2_000_000);
    const out = feedBytes(`data: {"b":"${big}"}\n\n`, 1024);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]?.[0].length).toBe(big.length + 8);
  });

  test("push after end is a TypeError", () => {
    const { decoder: d } = decoder();
    d.end();
    expect(() => d.push(new Uint8Array([1]))).toThrow(TypeError);
  });

  test("maxEventSize: an open line or the data of one event past the limit throws, then the decoder is done", () => {
    const target = { method: "POST", url: "http://127.0.0.1:9/x" };
    const line = new SseDecoder({ onEvent: () => {} }, { maxEventSize: 100, target });
    line.pushText("data: ");
    expect(() => line.pushText("x".repeat(200))).toThrow(ResponseTooLargeError);
    expect(() => line.pushText("data: y\n\n")).toThrow(TypeError);

    const lines = new SseDecoder({ onEvent: () => {} }, { maxEventSize: 100 });
    let error: unknown;
    try {
      for (let i = 0; i < 10; i++) lines.pushText(`data: ${"z".repeat(20)}\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ kind: "event", limit: 100, option: "maxEventSize" });

    const events: string[] = [];
    const fine = new SseDecoder({ onEvent: (data) => events.push(data) }, { maxEventSize: 100 });
    for (let i = 0; i < 50; i++) fine.pushText(`data: ${"w".repeat(90)}\n\n`);
    fine.end();
    expect(events).toHaveLength(50);
  });

  test("the event id is passed on; keepTrailing: false drops an event not closed at EOF (the spec)", () => {
    const seen: [string, string | undefined][] = [];
    const dropped: string[] = [];
    const strict = new SseDecoder(
      {
        onEvent: (data, _event, id) => seen.push([data, id]),
        onDroppedTrailing: (data) => dropped.push(data),
      },
      { keepTrailing: false },
    );
    strict.pushText("id: 1\ndata: a\n\ndata: [DONE]\n");
    strict.end();
    expect(seen).toEqual([["a", "1"]]);
    expect(dropped).toEqual(["[DONE]"]);
  });
});
