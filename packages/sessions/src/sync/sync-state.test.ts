import { describe, expect, it } from "vitest";
import type { SessionHeader } from "../schema.js";
import { TAIL_SIZE } from "../sync-protocol/protocol.js";
import {
  baseFromHeader,
  baseToSend,
  fromStoredState,
  hasPending,
  lastSeenHash,
  newPushId,
  type SessionSyncState,
  type SyncState,
  toStoredState,
} from "./sync-state.js";

/** Bookkeeping as browsers already hold it (IndexedDB `oaikit-sync`): every field set, in its stored name. */
const stored: SessionSyncState = {
  id: "s",
  base: {
    kind: "chat",
    revision: 4,
    nextSeq: 5,
    createdAt: 1_767_225_600_000,
    count: 4,
    tail: [
      { seq: 3, hash: "1k2f9x:2a" },
      { seq: 4, hash: "3m8q1z:2c", partial: true },
    ],
    title: "Parcel",
  },
  runs: [
    [0, 0, 3],
    [3, 4, 1],
  ],
  localRevision: 6,
  pending: { touched: [[4, { status: "complete", at: 5, item: { role: "user", content: "hi" } }]], cut: 4 },
  inflight: { appendLocal: [3], putLocal: [], push: { id: "k3v9x0q2m7c1p8z4w6r5", base: null } },
  unseen: true,
  remap: [[5, 4]],
  storeId: "store-1",
  known: [[6, "9z9z9z:10"]],
  reconcile: true,
  blocked: "too large",
};

describe("the sync bookkeeping's codec", () => {
  it("reads the stored names into the engine's", () => {
    const state = fromStoredState(structuredClone(stored));
    expect(state).toEqual({
      id: "s",
      base: stored.base,
      seqMap: stored.runs,
      localRevision: 6,
      pending: stored.pending,
      inflight: stored.inflight,
      remoteAhead: true,
      movedLocalSeqs: [[5, 4]],
      storeId: "store-1",
      pushedHashes: [[6, "9z9z9z:10"]],
      needsReconcile: true,
      blocked: "too large",
    } satisfies SyncState);
  });

  it("writes back exactly what it read, field for field (no stored name changes)", () => {
    expect(toStoredState(fromStoredState(structuredClone(stored)))).toEqual(stored);
    const fresh: SessionSyncState = { id: "new", runs: [], localRevision: 0 };
    expect(toStoredState(fromStoredState(structuredClone(fresh)))).toEqual(fresh);
  });

  it("leaves out the fields the engine cleared", () => {
    const state = fromStoredState(structuredClone(stored));
    state.remoteAhead = undefined;
    state.pushedHashes = undefined;
    expect(Object.keys(toStoredState(state))).not.toContain("unseen");
    expect(Object.keys(toStoredState(state))).not.toContain("known");
  });
});

describe("sync state helpers", () => {
  it("hasPending: anything to send", () => {
    expect(hasPending(undefined)).toBe(false);
    expect(hasPending({ touched: [] })).toBe(false);
    expect(hasPending({ touched: [], set: {} })).toBe(false);
    expect(hasPending({ touched: [], set: { title: "x" } })).toBe(true);
    expect(hasPending({ touched: [], cut: 0 })).toBe(true);
    expect(hasPending({ touched: [], deleted: true })).toBe(true);
    expect(hasPending({ touched: [], create: { kind: "chat", title: "", createdAt: 1 } })).toBe(true);
    expect(
      hasPending({ touched: [[0, { status: "complete", at: 1, item: { role: "user", content: "" } }]] }),
    ).toBe(true);
  });

  it("baseFromHeader and baseToSend: the header's fields, the kind kept here, the last TAIL_SIZE records sent", () => {
    const header: SessionHeader = {
      v: 1,
      id: "s",
      kind: "responses",
      title: "T",
      createdAt: 10,
      updatedAt: 20,
      revision: 7,
      nextSeq: 40,
      count: 38,
      currentResponseId: "resp_1",
    };
    const tail = Array.from({ length: 40 }, (_, seq) => ({ seq, hash: `h${seq}` }));
    const base = baseFromHeader(header, tail);
    expect(base).toEqual({
      kind: "responses",
      revision: 7,
      nextSeq: 40,
      createdAt: 10,
      count: 38,
      tail,
      title: "T",
      currentResponseId: "resp_1",
    });
    const sent = baseToSend(base);
    expect(sent).not.toHaveProperty("kind");
    expect(sent?.tail).toEqual(tail.slice(-TAIL_SIZE));
    expect(base.tail).toHaveLength(40); // the bookkeeping keeps its longer window
    expect(baseFromHeader({ ...header, currentResponseId: undefined }, [])).not.toHaveProperty(
      "currentResponseId",
    );
  });

  it("lastSeenHash: a hash pushed while the remote was ahead wins over the base's", () => {
    const state = fromStoredState(structuredClone(stored));
    expect(lastSeenHash(state, 3)).toBe("1k2f9x:2a");
    expect(lastSeenHash(state, 6)).toBe("9z9z9z:10");
    state.pushedHashes = [[3, "newer"]];
    expect(lastSeenHash(state, 3)).toBe("newer");
    expect(lastSeenHash(state, 99)).toBeUndefined();
  });

  it("newPushId: 20 characters, a new one each time", () => {
    const ids = new Set(Array.from({ length: 100 }, newPushId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{20}$/);
  });
});
