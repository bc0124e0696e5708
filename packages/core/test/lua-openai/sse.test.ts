/**
 * Port of lua-openai `spec/sse_spec.moon` (12 cases): `createStreamFilter`, lua-openai's line filter.
 * No adjustments: the filter is a 1:1 port.
 */
import { describe, expect, it } from "vitest";
import { createStreamFilter } from "../../src/stream/stream-filter.js";

function collect() {
  const received: unknown[] = [];
  const filter = createStreamFilter((chunk) => {
    received.push(chunk);
  });
  return { received, filter };
}

describe("openai.sse / createStreamFilter", () => {
  it("parses a single complete chunk", () => {
    const { received, filter } = collect();
    filter('data: {"message": "hello"}\n');
    expect(received).toEqual([{ message: "hello" }]);
  });

  it("parses multiple data lines in one chunk", () => {
    const { received, filter } = collect();
    filter('data: {"id": 1}\ndata: {"id": 2}\ndata: {"id": 3}\n');
    expect(received).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it("handles partial JSON split across chunks", () => {
    const { received, filter } = collect();
    filter('data: {"object": "chat.comple');
    expect(received).toEqual([]); // nothing yet, line incomplete
    filter('tion.chunk", "value": 123}\n');
    expect(received).toEqual([{ object: "chat.completion.chunk", value: 123 }]);
  });

  it("handles newline split from data", () => {
    const { received, filter } = collect();
    filter('data: {"complete": true}');
    expect(received).toEqual([]); // no newline yet
    filter("\n");
    expect(received).toEqual([{ complete: true }]);
  });

  it("handles data prefix split across chunks", () => {
    const { received, filter } = collect();
    filter("dat");
    expect(received).toEqual([]);
    filter('a: {"id": 1}\n');
    expect(received).toEqual([{ id: 1 }]);
  });

  it("ignores SSE comments", () => {
    const { received, filter } = collect();
    filter(": this is a comment\n");
    filter('data: {"id": 1}\n');
    filter(": another comment\n");
    filter('data: {"id": 2}\n');
    expect(received).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("ignores [DONE] message", () => {
    const { received, filter } = collect();
    filter('data: {"id": 1}\n');
    filter("data: [DONE]\n");
    filter('data: {"id": 2}\n');
    expect(received).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("handles leading whitespace on lines", () => {
    const { received, filter } = collect();
    filter('  data: {"id": 1}\n');
    filter('\t\tdata: {"id": 2}\n');
    expect(received).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("ignores empty lines", () => {
    const { received, filter } = collect();
    filter("\n");
    filter('data: {"id": 1}\n');
    filter("\n");
    filter("\n");
    filter('data: {"id": 2}\n');
    expect(received).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("ignores non-data fields", () => {
    const { received, filter } = collect();
    filter("event: message\n");
    filter("id: 123\n");
    filter("retry: 5000\n");
    filter('data: {"id": 1}\n');
    expect(received).toEqual([{ id: 1 }]);
  });

  it("silently skips invalid JSON", () => {
    const { received, filter } = collect();
    filter("data: not valid json\n");
    filter('data: {"id": 1}\n');
    filter("data: {broken\n");
    filter('data: {"id": 2}\n');
    expect(received).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("passes through input unchanged (ltn12 filter behavior)", () => {
    const filter = createStreamFilter(() => undefined);
    expect(filter("test chunk")).toBe("test chunk");
    expect(filter(null)).toBeNull();
    expect(filter()).toBeUndefined();
  });
});

describe("createStreamFilter: beyond the ported lua-openai cases", () => {
  it("requires a callback, with lua-openai's message", () => {
    expect(() => createStreamFilter(undefined as never)).toThrow(
      /Must provide chunk_callback function when streaming response/,
    );
  });

  it("ignores data: without the space, and never emits a last line without a newline", () => {
    const { received, filter } = collect();
    filter('data:{"id": 0}\n');
    filter('data: {"id": 1}\r\n');
    filter('data: {"id": 2}');
    expect(received).toEqual([{ id: 1 }]);
  });

  it("decodes bytes with one streaming decoder (a character split across pieces survives)", () => {
    const { received, filter } = collect();
    const bytes = new TextEncoder().encode('data: {"text": "héllo €"}\n');
    const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte euro sign
    const first = bytes.slice(0, cut);
    expect(filter(first)).toBe(first);
    filter(bytes.slice(cut));
    expect(received).toEqual([{ text: "héllo €" }]);
  });
});
