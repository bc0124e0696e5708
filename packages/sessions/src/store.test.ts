import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { SessionStoreError } from "./errors.js";
import { createIndexedDbStore } from "./idb-store.js";
import { createMemoryStore } from "./memory-store.js";
import type { RecordBody } from "./schema.js";
import type { SessionStore } from "./store.js";

let n = 0;
const stores: [string, () => SessionStore][] = [
  ["memory", () => createMemoryStore()],
  ["indexeddb (fake-indexeddb)", () => createIndexedDbStore({ dbName: `store-test-${++n}` })],
];
const msg = (content: string): RecordBody => ({ status: "complete", at: 1, item: { role: "user", content } });

describe.each(stores)("SessionStore contract: %s", (_name, make) => {
  it("creates on first commit, allocates seqs in order, loads records in seq order", async () => {
    const store = make();
    expect(await store.load("a")).toBeUndefined();
    const first = await store.commit("a", {
      create: { kind: "chat", title: "T" },
      append: [msg("1"), msg("2")],
    });
    expect(first.seqs).toEqual([0, 1]);
    expect(first.header).toMatchObject({
      id: "a",
      kind: "chat",
      title: "T",
      revision: 1,
      nextSeq: 2,
      count: 2,
      v: 1,
    });
    const second = await store.commit("a", { create: { kind: "chat" }, append: [msg("3")] });
    expect(second.seqs).toEqual([2]);
    expect(second.header.revision).toBe(2);
    const loaded = await store.load("a");
    expect(loaded?.records.map((r) => [r.seq, (r.item as { content: string }).content, r.v])).toEqual([
      [0, "1", 1],
      [1, "2", 1],
      [2, "3", 1],
    ]);
  });

  it("puts overwrite a record; truncation deletes every seq from the cut on and fixes the count", async () => {
    const store = make();
    await store.commit("a", { create: { kind: "chat" }, append: [msg("1"), msg("2"), msg("3"), msg("4")] });
    const r = await store.commit("a", {
      truncateFrom: 2,
      put: [
        {
          seq: 1,
          body: { status: "incomplete", reason: "aborted", at: 2, item: { role: "assistant", content: "x" } },
        },
      ],
      append: [msg("5")],
    });
    expect(r.seqs).toEqual([4]); // seqs are never reused
    expect(r.header.count).toBe(3);
    const loaded = await store.load("a");
    expect(loaded?.records.map((x) => [x.seq, x.status, x.reason])).toEqual([
      [0, "complete", undefined],
      [1, "incomplete", "aborted"],
      [4, "complete", undefined],
    ]);
  });

  it("concurrent commits from many writers never collide and lose nothing", async () => {
    const store = make();
    const writers = 4;
    const each = 50;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < each; i++) {
          await store.commit("shared", { create: { kind: "chat" }, append: [msg(`${w}:${i}`)] });
        }
      }),
    );
    const loaded = await store.load("shared");
    expect(loaded?.header.count).toBe(writers * each);
    expect(loaded?.header.revision).toBe(writers * each);
    expect(new Set(loaded?.records.map((r) => r.seq)).size).toBe(writers * each);
    const contents = new Set(loaded?.records.map((r) => (r.item as { content: string }).content));
    for (let w = 0; w < writers; w++)
      for (let i = 0; i < each; i++) expect(contents.has(`${w}:${i}`)).toBe(true);
    // Each writer's own messages stay in its order.
    for (let w = 0; w < writers; w++) {
      const mine = loaded!.records
        .map((r) => (r.item as { content: string }).content)
        .filter((c) => c.startsWith(`${w}:`));
      expect(mine).toEqual(Array.from({ length: each }, (_, i) => `${w}:${i}`));
    }
  });

  it("lists headers, deletes sessions, sets title and currentResponseId", async () => {
    const store = make();
    await store.commit("a", { create: { kind: "chat", title: "A" }, append: [msg("1")] });
    await store.commit("b", {
      create: { kind: "responses" },
      set: { currentResponseId: "resp_1", title: "B" },
    });
    expect((await store.list()).map((h) => [h.id, h.title, h.kind, h.currentResponseId]).sort()).toEqual([
      ["a", "A", "chat", undefined],
      ["b", "B", "responses", "resp_1"],
    ]);
    await store.commit("b", { set: { currentResponseId: null } });
    expect((await store.load("b"))?.header.currentResponseId).toBeUndefined();
    await store.delete("a");
    expect(await store.load("a")).toBeUndefined();
    expect((await store.list()).map((h) => h.id)).toEqual(["b"]);
  });

  it("refuses data from a newer schema with a typed error, and a change that does not create a missing session", async () => {
    const store = make();
    await expect(store.commit("nope", { append: [msg("x")] })).rejects.toBeInstanceOf(SessionStoreError);
    expect(await store.load("nope")).toBeUndefined();
  });
});
