import "fake-indexeddb/auto";
import { createStore, keys } from "idb-keyval";
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

  it("replace: creates a missing session, or starts an existing one over atomically (revision and seqs go on)", async () => {
    const store = make();
    const created = await store.replace!("r", {
      create: { kind: "responses", title: "R" },
      append: [msg("1")],
    });
    expect(created.seqs).toEqual([0]);
    expect(created.header).toMatchObject({
      kind: "responses",
      title: "R",
      revision: 1,
      nextSeq: 1,
      count: 1,
    });
    await store.commit("r", { append: [msg("2")], set: { currentResponseId: "resp_1" } });
    const replaced = await store.replace!("r", {
      create: { kind: "chat", title: "C", createdAt: 5 },
      append: [msg("a"), msg("b")],
      set: { updatedAt: 9 },
    });
    expect(replaced.seqs).toEqual([2, 3]);
    expect(replaced.header).toMatchObject({
      kind: "chat",
      title: "C",
      createdAt: 5,
      updatedAt: 9,
      revision: 3,
      count: 2,
    });
    const loaded = await store.load("r");
    expect(loaded?.header.currentResponseId).toBeUndefined();
    expect(loaded?.records.map((r) => [r.seq, (r.item as { content: string }).content])).toEqual([
      [2, "a"],
      [3, "b"],
    ]);
    expect((await store.list()).map((h) => [h.id, h.count])).toEqual([["r", 2]]);
    // Only create/append/set: a put or a truncation makes no sense for a session that starts over.
    await expect(store.replace!("r", { create: { kind: "chat" }, truncateFrom: 0 })).rejects.toBeInstanceOf(
      SessionStoreError,
    );
    await expect(store.replace!("r", { append: [msg("x")] })).rejects.toThrow(
      /needs change\.create and takes only create, append and set/,
    );
    expect(await store.load("r")).toEqual(loaded);
  });

  it("refuses data from a newer schema with a typed error, and a change that does not create a missing session", async () => {
    const store = make();
    await expect(store.commit("nope", { append: [msg("x")] })).rejects.toBeInstanceOf(SessionStoreError);
    expect(await store.load("nope")).toBeUndefined();
  });
});

describe.each(stores)("SessionStore with long histories (pages in IndexedDB): %s", (_name, make) => {
  const body = (i: number, status: RecordBody["status"] = "complete"): RecordBody => ({
    status,
    at: Date.now(),
    item: { role: "user", content: `m${i}` },
  });
  const contents = async (store: SessionStore, id = "long") =>
    (await store.load(id))!.records.map((r) => [r.seq, (r.item as { content: string }).content]);

  it("keeps order, counts and puts right across many commits, truncations into old messages and puts into them", async () => {
    const store = make();
    for (let c = 0; c < 6; c++) {
      await store.commit("long", {
        create: { kind: "chat" },
        append: Array.from({ length: 400 }, (_, i) => body(c * 400 + i)),
      });
    }
    let loaded = await store.load("long");
    expect(loaded!.header.count).toBe(2400);
    expect(loaded!.records.map((r) => r.seq)).toEqual(Array.from({ length: 2400 }, (_, i) => i));
    expect(Object.keys(loaded!.header)).not.toContain("folded");
    // Overwrite an old message (inside a page, for IndexedDB) and a recent one.
    const r = await store.commit("long", {
      put: [
        { seq: 10, body: { status: "complete", at: 1, item: { role: "user", content: "edited 10" } } },
        { seq: 2399, body: { status: "complete", at: 1, item: { role: "user", content: "edited 2399" } } },
      ],
    });
    expect(r.header.count).toBe(2400);
    loaded = await store.load("long");
    expect((loaded!.records[10]!.item as { content: string }).content).toBe("edited 10");
    expect((loaded!.records[2399]!.item as { content: string }).content).toBe("edited 2399");
    // Cut in the middle of an old page.
    const cut = await store.commit("long", { truncateFrom: 777, append: [body(9999)] });
    expect(cut.header.count).toBe(778);
    expect(cut.seqs).toEqual([2400]);
    const after = await contents(store);
    expect(after).toHaveLength(778);
    expect(after[776]).toEqual([776, "m776"]);
    expect(after[777]).toEqual([2400, "m9999"]);
    // Append past the cut again until it folds, then reload.
    for (let c = 0; c < 3; c++) {
      await store.commit("long", { append: Array.from({ length: 400 }, (_, i) => body(5000 + c * 400 + i)) });
    }
    const final = await store.load("long");
    expect(final!.header.count).toBe(778 + 1200);
    expect(final!.records.map((x) => x.seq)).toEqual([
      ...Array.from({ length: 777 }, (_, i) => i),
      ...Array.from({ length: 1201 }, (_, i) => 2400 + i),
    ]);
    expect((final!.records[10]!.item as { content: string }).content).toBe("edited 10");
    await store.delete("long");
    expect(await store.load("long")).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });

  it("does not fold a reply that may still be streaming", async () => {
    const store = make();
    await store.commit("live", { create: { kind: "chat" }, append: [body(0, "partial")] });
    await store.commit("live", { append: Array.from({ length: 1200 }, (_, i) => body(i + 1)) });
    await store.commit("live", { append: [body(5000)] });
    // The streaming tab writes its reply (seq 0) again: it must land, whatever the layout.
    await store.commit("live", {
      put: [{ seq: 0, body: { status: "complete", at: 1, item: { role: "assistant", content: "done" } } }],
    });
    const loaded = await store.load("live");
    expect(loaded!.records[0]).toMatchObject({ seq: 0, status: "complete", item: { content: "done" } });
    expect(loaded!.header.count).toBe(1202);
  });
});

describe("IndexedDB layout", () => {
  it("one record per recent message, older ones folded into pages of 500, a small header", async () => {
    const dbName = `layout-${Date.now()}`;
    const store = createIndexedDbStore({ dbName });
    for (let c = 0; c < 4; c++) {
      await store.commit("s", {
        create: { kind: "chat" },
        append: Array.from({ length: 300 }, (_, i) => ({
          status: "complete" as const,
          at: 1,
          item: { role: "user" as const, content: `${c}-${i}` },
        })),
      });
    }
    const allKeys = (await keys(createStore(dbName, "sessions"))) as [string, string, number][];
    const pages = allKeys.filter((k) => k[0] === "p");
    const loose = allKeys.filter((k) => k[0] === "m");
    expect(allKeys.filter((k) => k[0] === "h")).toEqual([["h", "s"]]);
    // Head at 1200: pages [0, 500) and [500, 1000); the 200 most recent records stay loose.
    expect(pages).toEqual([
      ["p", "s", 0],
      ["p", "s", 500],
    ]);
    expect(loose).toHaveLength(200);
    expect(loose[0]).toEqual(["m", "s", 1000]);
    expect((await store.load("s"))!.records).toHaveLength(1200);
  });
});
