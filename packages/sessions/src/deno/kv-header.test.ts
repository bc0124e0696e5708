import { describe, expect, it } from "vitest";
import type { SessionHeader } from "../schema.js";
import { decodeHeader, encodeHeader, isVisible, type KvHeader, publicHeader } from "./kv-header.js";
import { KvKeys } from "./kv-keys.js";

const header: SessionHeader = {
  v: 1,
  id: "s",
  kind: "chat",
  title: "T",
  createdAt: 1,
  updatedAt: 2,
  revision: 3,
  nextSeq: 10,
  count: 5,
};
/** A header as the first version stored it (test/fixtures/deno-kv-v1.json has real ones). */
const stored = { ...header, e: "a63fac58-1114", hide: [[2, 4]], rsv: [{ from: 7, to: 10, until: 99 }] };

describe("the Deno KV header codec", () => {
  it("reads the stored names (e, hide, rsv) into the code's, and writes them back unchanged", () => {
    const decoded = decodeHeader(structuredClone(stored));
    expect(decoded).toEqual({
      ...header,
      epoch: "a63fac58-1114",
      hiddenRanges: [[2, 4]],
      reservations: [{ from: 7, to: 10, until: 99 }],
    } satisfies KvHeader);
    expect(encodeHeader(decoded)).toEqual(stored);
    const plain = { ...header, e: "x" };
    expect(encodeHeader(decodeHeader(structuredClone(plain)))).toEqual(plain);
  });

  it("gives readers the public header, and only the visible seqs", () => {
    const decoded = decodeHeader(structuredClone(stored));
    expect(publicHeader(decoded)).toEqual(header);
    const visible = Array.from({ length: 12 }, (_, seq) => seq).filter((seq) => isVisible(decoded, seq));
    expect(visible).toEqual([0, 1, 4, 5, 6]); // 2-3 hidden, 7-9 reserved, 10+ past nextSeq
  });
});

describe("the Deno KV key layout", () => {
  it("spells the first version's keys", () => {
    const keys = new KvKeys(["p"]);
    expect(keys.header("s")).toEqual(["p", "h", "s"]);
    expect(keys.allHeaders()).toEqual(["p", "h"]);
    expect(keys.records("s", "e1")).toEqual(["p", "r", "s", "e1"]);
    expect(keys.record("s", "e1", 7)).toEqual(["p", "r", "s", "e1", 7]);
    expect(keys.chunks("s", "e1", "t")).toEqual(["p", "c", "s", "e1", "t"]);
    expect(keys.chunk("s", "e1", "t", 2)).toEqual(["p", "c", "s", "e1", "t", 2]);
    expect(keys.lease("s", "e1", 7)).toEqual(["p", "l", "s", "e1", 7]);
    expect(keys.sessionData("s", "e1")).toEqual([
      ["p", "r", "s", "e1"],
      ["p", "c", "s", "e1"],
      ["p", "l", "s", "e1"],
    ]);
    expect(keys.storeId()).toEqual(["p", "meta", "store"]);
  });
});
