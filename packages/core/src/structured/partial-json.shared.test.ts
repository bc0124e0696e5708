// The partial value of a streamed JSON text (PartialJson on @streamparser/json): what each piece
// shows, that the end matches JSON.parse whatever the piece boundaries, that snapshots share what did
// not change, and that a text which is not JSON stops it. Node and Chromium.
import { describe, expect, test } from "vitest";
import { PartialJson } from "./partial-json.js";

/** Every snapshot of `text` fed in pieces of `size` characters. */
function snapshots(text: string, size: number): unknown[] {
  const json = new PartialJson();
  const seen: unknown[] = [];
  for (let i = 0; i < text.length; i += size) {
    const snapshot = json.write(text.slice(i, i + size));
    if (snapshot !== undefined) seen.push(snapshot);
  }
  return seen;
}

const doc = {
  city: 'Zürich "centre" ✓ 😀',
  temp: -12.5,
  ok: true,
  none: null,
  tags: ["a", "bc", ""],
  nested: { deep: [{ x: 1 }, [], {}], empty: "" },
  n: 1e21,
};
const text = JSON.stringify(doc, null, 1);

describe("PartialJson", () => {
  test("the last snapshot equals JSON.parse, whatever the piece size", () => {
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const seen = snapshots(text, size);
      expect(seen[seen.length - 1], `pieces of ${size}`).toEqual(doc);
    }
  });

  test("strings grow as they stream; containers appear as they open", () => {
    const seen = snapshots('{"title": "Hello world", "items": [1, 2]}', 3) as {
      title?: string;
      items?: number[];
    }[];
    const titles = seen.map((s) => s.title).filter((t) => t !== undefined);
    expect(titles.slice(0, 3)).toEqual(["H", "Hell", "Hello w"]);
    const byChar = snapshots('{"items": [1, 2]}', 1) as { items?: number[] }[];
    expect(byChar.some((s) => Array.isArray(s.items) && s.items.length === 0)).toBe(true);
    expect(seen[seen.length - 1]).toEqual({ title: "Hello world", items: [1, 2] });
  });

  test("each snapshot is a new object; a part that did not change is the same object", () => {
    const seen = snapshots('{"a": {"b": [1, 2]}, "c": "xyz"}', 4) as { a?: { b?: number[] }; c?: string }[];
    expect(new Set(seen).size).toBe(seen.length);
    const before = seen.find((s) => s.a?.b?.length === 2 && s.c === undefined);
    const after = seen.find((s) => s.c !== undefined);
    expect(before && after).toBeTruthy();
    expect(after?.a).toBe(before?.a);
    // An earlier snapshot is never changed by a later piece.
    expect(seen[0]).toEqual({});
  });

  test("a top-level array or primitive", () => {
    expect(snapshots('[1, [2, 3], {"k": "v"}]', 2).pop()).toEqual([1, [2, 3], { k: "v" }]);
    expect(snapshots('"just text"', 3).pop()).toBe("just text");
  });

  test("a text that is not JSON stops it: failed, no more snapshots", () => {
    const json = new PartialJson();
    expect(json.write('{"a": 1')).toEqual({ a: 1 });
    expect(json.write(", oops")).toBeUndefined();
    expect(json.failed).toBe(true);
    expect(json.write(', "b": 2}')).toBeUndefined();
    const prose = new PartialJson();
    expect(prose.write("Sure! Here it is")).toBeUndefined();
    expect(prose.failed).toBe(true);
  });

  test("nesting deeper than 64 levels stops the partials (a hostile server cannot make each chunk cost more)", () => {
    const json = new PartialJson();
    expect(json.write("[".repeat(60))).toBeDefined();
    json.write("[".repeat(10));
    expect(json.failed).toBe(true);
    expect(json.write("1")).toBeUndefined();
  });

  test("text after the end of the document is ignored", () => {
    const json = new PartialJson();
    expect(json.write('{"a": 1}')).toEqual({ a: 1 });
    expect(json.write(' {"b": 2}')).toBeUndefined();
    expect(json.value).toEqual({ a: 1 });
  });
});
