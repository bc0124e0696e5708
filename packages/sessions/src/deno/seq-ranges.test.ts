import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inRanges, type SeqRange, withoutRange, withRange } from "./seq-ranges.js";

/** The seqs of `ranges`, as a set: what the range lists stand for. */
const seqsOf = (ranges: readonly SeqRange[]) => {
  const seqs = new Set<number>();
  for (const [from, to] of ranges) for (let seq = from; seq < to; seq++) seqs.add(seq);
  return seqs;
};
const rangeArbitrary = fc
  .tuple(fc.nat(40), fc.nat(12))
  .map(([from, length]): SeqRange => [from, from + length]);
/** Sorted, disjoint ranges, built the way the store builds them. */
const rangesArbitrary = fc
  .array(rangeArbitrary, { maxLength: 8 })
  .map((ranges) => ranges.reduce(withRange, []));
/** Sorted and not overlapping; `joined`: adjacent ranges are one (what adding keeps; removing may split at a seq). */
const isSorted = (ranges: readonly SeqRange[], joined: boolean) =>
  ranges.every(
    ([from, to], i) =>
      from < to && (i === 0 || from > ranges[i - 1]![1] || (!joined && from === ranges[i - 1]![1])),
  );

describe("seq ranges (the Deno KV store's hidden and reserved seqs)", () => {
  it("adding joins overlapping and adjacent ranges, keeps others apart, ignores an empty one", () => {
    expect(withRange([[0, 2]], [2, 4])).toEqual([[0, 4]]);
    expect(withRange([[5, 8]], [0, 2])).toEqual([
      [0, 2],
      [5, 8],
    ]);
    expect(
      withRange(
        [
          [0, 2],
          [5, 8],
        ],
        [1, 6],
      ),
    ).toEqual([[0, 8]]);
    expect(withRange([[0, 2]], [4, 4])).toEqual([[0, 2]]);
  });

  it("removing cuts ranges around the removed seqs", () => {
    expect(withoutRange([[0, 10]], [3, 5])).toEqual([
      [0, 3],
      [5, 10],
    ]);
    expect(withoutRange([[0, 10]], [0, 10])).toEqual([]);
    expect(
      withoutRange(
        [
          [0, 2],
          [4, 6],
        ],
        [1, 5],
      ),
    ).toEqual([
      [0, 1],
      [5, 6],
    ]);
  });

  it("stand for the sets of their seqs: adding is union, removing is difference, lists stay sorted", () => {
    fc.assert(
      fc.property(rangesArbitrary, rangeArbitrary, (ranges, range) => {
        const added = withRange(ranges, range);
        const removed = withoutRange(ranges, range);
        expect(isSorted(added, true)).toBe(true);
        expect(isSorted(removed, false)).toBe(true);
        const before = seqsOf(ranges);
        const other = seqsOf([range]);
        expect(seqsOf(added)).toEqual(new Set([...before, ...other]));
        expect(seqsOf(removed)).toEqual(new Set([...before].filter((seq) => !other.has(seq))));
        for (let seq = 0; seq < 60; seq++)
          expect(inRanges(added, seq)).toBe(before.has(seq) || other.has(seq));
      }),
    );
  });
});
