import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, recordHash } from "./record-hash.js";

/** The recursive definition canonicalJson replaces: JSON.stringify of a copy with sorted keys. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

describe("canonicalJson", () => {
  it("gives the text of the recursive definition for any JSON-like value (hashes stay what devices stored)", () => {
    const value = fc.anything({
      withBoxedValues: false,
      withMap: false,
      withSet: false,
      withTypedArray: false,
      withSparseArray: true,
      withNullPrototype: true,
      withObjectString: false,
      withBigInt: false,
      withDate: true,
      maxDepth: 6,
    });
    fc.assert(
      fc.property(value, (v) => {
        // Records are objects: the value is a member of one. Also past the recursion's depth: the writer
        // that takes over there must give the same text.
        expect(canonicalJson({ v })).toBe(JSON.stringify(sortKeys({ v })));
        let deep: unknown = { v };
        for (let i = 0; i < 300; i++) deep = [deep];
        expect(canonicalJson(deep)).toBe(JSON.stringify(sortKeys(deep)));
      }),
      { numRuns: 2_000 },
    );
    expect(canonicalJson({ b: [undefined, () => 1, Number.NaN], a: { d: undefined, c: "é\n" } })).toBe(
      '{"a":{"c":"é\\n"},"b":[null,null,null]}',
    );
  });

  it("hashes a record nested 100,000 levels deep (stored before the depth rule) without overflowing", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: [deep] };
    const hash = recordHash({
      status: "complete",
      at: 1,
      item: { role: "user", content: "x", deep } as never,
    });
    expect(hash).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
  });
});
