import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  remoteSeqOf,
  type SeqPair,
  type SeqRun,
  seqMapOf,
  seqPairsOf,
  withAppendedPairs,
} from "./seq-map.js";

/** Pairs with distinct local seqs (a local record is one remote record at most), in any order. */
const pairsArbitrary = fc
  .uniqueArray(fc.tuple(fc.nat(60), fc.nat(60)), { selector: ([localSeq]) => localSeq, maxLength: 30 })
  .map((pairs) => pairs as SeqPair[]);
const byLocalSeq = (pairs: SeqPair[]) => [...pairs].sort((a, b) => a[0] - b[0]);

describe("the seq map (local seq → remote seq, as runs)", () => {
  it("maps a local seq through the run that holds it, and nothing outside the runs", () => {
    const seqMap: SeqRun[] = [
      [0, 0, 3],
      [5, 10, 2],
    ];
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((localSeq) => remoteSeqOf(seqMap, localSeq))).toEqual([
      0,
      1,
      2,
      undefined,
      undefined,
      10,
      11,
      undefined,
    ]);
    expect(remoteSeqOf([], 0)).toBeUndefined();
  });

  it("joins pairs that are consecutive on both sides into one run, whatever their order", () => {
    expect(
      seqMapOf([
        [2, 7],
        [0, 5],
        [1, 6],
      ]),
    ).toEqual([[0, 5, 3]]);
    // A gap on either side starts a new run.
    expect(
      seqMapOf([
        [0, 0],
        [1, 2],
        [3, 3],
      ]),
    ).toEqual([
      [0, 0, 1],
      [1, 2, 1],
      [3, 3, 1],
    ]);
  });

  it("gives back exactly the pairs it was made of, in local seq order", () => {
    fc.assert(
      fc.property(pairsArbitrary, (pairs) => {
        expect(seqPairsOf(seqMapOf(pairs))).toEqual(byLocalSeq(pairs));
      }),
    );
  });

  it("maps every local seq as the pairs say", () => {
    fc.assert(
      fc.property(pairsArbitrary, fc.nat(70), (pairs, localSeq) => {
        const expected = pairs.find(([l]) => l === localSeq)?.[1];
        expect(remoteSeqOf(seqMapOf(pairs), localSeq)).toBe(expected);
      }),
    );
  });

  it("extends the last run with appends that continue it, without changing the map it was given", () => {
    const seqMap: SeqRun[] = [[0, 0, 2]];
    const grown = withAppendedPairs(seqMap, [
      [2, 2],
      [3, 3],
    ]);
    expect(grown).toEqual([[0, 0, 4]]);
    expect(seqMap).toEqual([[0, 0, 2]]);
    // An append that the server placed elsewhere (a merge) starts a run.
    expect(withAppendedPairs(grown, [[4, 9]])).toEqual([
      [0, 0, 4],
      [4, 9, 1],
    ]);
  });

  it("adding pairs gives the map of all the pairs, appends or not", () => {
    fc.assert(
      fc.property(pairsArbitrary, pairsArbitrary, (first, more) => {
        const taken = new Set(first.map(([localSeq]) => localSeq));
        const added = more.filter(([localSeq]) => !taken.has(localSeq));
        expect(withAppendedPairs(seqMapOf(first), added)).toEqual(seqMapOf([...first, ...added]));
      }),
    );
  });
});
