// Deno KV store tests, run by `deno test` (the npm `deno`) on a local SQLite KV file: the SessionStore
// contract, the platform limits (64 KiB values, 1000 mutations and 800 KiB per atomic operation), and the
// cost of an append. Imports the built package (packages/sessions/dist).
import assert from "node:assert/strict";
import { OpenAI } from "@oaikit/core";
import { createDenoKvStore, DENO_KV_LIMITS, KV_CHUNK_BYTES } from "../../dist/deno/index.js";
import { openChatSession, SessionStoreError } from "../../dist/index.js";

type Kv = Awaited<ReturnType<typeof Deno.openKv>>;

async function withKv(fn: (kv: Kv, path: string) => Promise<void>) {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const kv = await Deno.openKv(path);
  try {
    await fn(kv, path);
  } finally {
    kv.close();
    await Deno.remove(path).catch(() => {});
  }
}

const msg = (content: string, at = 1) => ({
  status: "complete" as const,
  at,
  item: { role: "user", content },
});
const texts = (s: { records: { item: unknown }[] } | undefined) =>
  s?.records.map((r) => (r.item as { content: string }).content);

async function keysUnder(kv: Kv, prefix: Deno.KvKey) {
  const keys: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix })) keys.push(entry.key);
  return keys;
}

/** A KV whose atomic operations are counted (mutations per commit). */
function counting(kv: Kv, afterCommit?: (commits: number) => Promise<void>) {
  const stats = { mutations: 0, commits: 0 };
  const wrap = (a: Deno.AtomicOperation): Deno.AtomicOperation => {
    const w = {
      check: (...c: Deno.AtomicCheck[]) => {
        a.check(...c);
        return w;
      },
      set: (k: Deno.KvKey, v: unknown) => {
        stats.mutations++;
        a.set(k, v);
        return w;
      },
      delete: (k: Deno.KvKey) => {
        stats.mutations++;
        a.delete(k);
        return w;
      },
      commit: async () => {
        stats.commits++;
        const result = await a.commit();
        await afterCommit?.(stats.commits);
        return result;
      },
    };
    return w as unknown as Deno.AtomicOperation;
  };
  const proxy = new Proxy(kv, {
    get(target, prop) {
      if (prop === "atomic") return () => wrap(target.atomic());
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { kv: proxy, stats };
}

Deno.test("creates on first commit, allocates seqs in order, loads records in seq order", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv);
    assert.equal(await store.load("a"), undefined);
    const first = await store.commit("a", {
      create: { kind: "chat", title: "T" },
      append: [msg("1"), msg("2")],
    });
    assert.deepEqual(first.seqs, [0, 1]);
    assert.equal(first.header.revision, 1);
    assert.equal(first.header.v, 1);
    const second = await store.commit("a", { append: [msg("3")] });
    assert.deepEqual(second.seqs, [2]);
    const loaded = await store.load("a");
    assert.deepEqual(
      loaded?.records.map((r) => [r.seq, (r.item as { content: string }).content, r.v]),
      [
        [0, "1", 1],
        [1, "2", 1],
        [2, "3", 1],
      ],
    );
    assert.deepEqual(
      (await store.list()).map((h) => [h.id, h.count, h.revision]),
      [["a", 3, 2]],
    );
    // Header bookkeeping (epoch, hidden ranges) never leaks out.
    assert.deepEqual(Object.keys(loaded!.header).sort(), [
      "count",
      "createdAt",
      "id",
      "kind",
      "nextSeq",
      "revision",
      "title",
      "updatedAt",
      "v",
    ]);
  }));

Deno.test("puts overwrite; a truncation deletes from the cut, fixes the count; seqs are never reused", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv);
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
    assert.deepEqual(r.seqs, [4]);
    assert.equal(r.header.count, 3);
    const loaded = await store.load("a");
    assert.deepEqual(
      loaded?.records.map((x) => [x.seq, x.status, x.reason]),
      [
        [0, "complete", undefined],
        [1, "incomplete", "aborted"],
        [4, "complete", undefined],
      ],
    );
    await assert.rejects(store.commit("a", { put: [{ seq: 99, body: msg("?") }] }), SessionStoreError);
    await assert.rejects(store.commit("nope", { append: [msg("x")] }), SessionStoreError);
  }));

Deno.test("concurrent commits through two KV connections (two isolates) never collide and lose nothing", () =>
  withKv(async (kv, path) => {
    const other = await Deno.openKv(path);
    try {
      const stores = [createDenoKvStore(kv), createDenoKvStore(other)];
      await Promise.all(
        stores.flatMap((store, w) =>
          [0, 1].map(async (lane) => {
            for (let i = 0; i < 15; i++) {
              await store.commit("shared", { create: { kind: "chat" }, append: [msg(`${w}.${lane}:${i}`)] });
            }
          }),
        ),
      );
      const loaded = await stores[0]!.load("shared");
      // The store's identity is created once and the same through every connection.
      const ids = await Promise.all([...stores, ...stores].map((s) => s.storeId()));
      assert.equal(new Set(ids).size, 1);
      assert.notEqual(await createDenoKvStore(kv, { prefix: ["other"] }).storeId(), ids[0]);
      assert.equal(loaded?.records.length, 60);
      assert.equal(loaded?.header.count, 60);
      assert.equal(loaded?.header.revision, 60);
      assert.deepEqual(
        loaded?.records.map((r) => r.seq),
        Array.from({ length: 60 }, (_, i) => i),
      );
      assert.equal(new Set(texts(loaded)).size, 60);
    } finally {
      other.close();
    }
  }));

Deno.test("commitAt commits only at the given revision", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv);
    assert.equal(await store.commitAt("a", 1, { create: { kind: "chat" }, append: [msg("no")] }), undefined);
    const created = await store.commitAt("a", 0, { create: { kind: "chat" }, append: [msg("yes")] });
    assert.equal(created?.header.revision, 1);
    assert.equal(await store.commitAt("a", 0, { append: [msg("stale")] }), undefined);
    assert.equal((await store.commitAt("a", 1, { append: [msg("next")] }))?.header.revision, 2);
    assert.deepEqual(texts(await store.load("a")), ["yes", "next"]);
  }));

Deno.test("delete removes the session and every key it had; other sessions stay", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv, { prefix: ["p"] });
    await store.commit("a", {
      create: { kind: "chat" },
      append: [msg("x"), msg("y".repeat(KV_CHUNK_BYTES * 2))],
    });
    await store.commit("b", { create: { kind: "chat" }, append: [msg("z")] });
    await store.delete("a");
    await store.delete("missing");
    assert.equal(await store.load("a"), undefined);
    const left = (await keysUnder(kv, ["p"])).map((k) => k.slice(1, 3).join("/"));
    assert.ok(
      left.every((k) => k.endsWith("/b")),
      `leftovers: ${left.join(", ")}`,
    );
    assert.deepEqual(texts(await store.load("b")), ["z"]);
    // A new session under the same id starts empty.
    await store.commit("a", { create: { kind: "chat" }, append: [msg("again")] });
    assert.deepEqual(texts(await store.load("a")), ["again"]);
  }));

Deno.test("data written by a newer schema is refused with a typed error", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv, { prefix: ["p"] });
    await store.commit("a", { create: { kind: "chat" }, append: [msg("x")] });
    const h = await kv.get<Record<string, unknown>>(["p", "h", "a"]);
    await kv.set(["p", "h", "a"], { ...h.value, v: 99 });
    const error = await store.load("a").catch((e) => e);
    assert.ok(error instanceof SessionStoreError);
    assert.equal(error.code, "schema");
    await assert.rejects(
      store.commit("a", { append: [msg("y")] }),
      (e: SessionStoreError) => e.code === "schema",
    );
    await assert.rejects(store.list(), (e: SessionStoreError) => e.code === "schema");
  }));

Deno.test("an append costs the same at message 10 and at message 1,000: the new record and the header", () =>
  withKv(async (raw) => {
    const { kv, stats } = counting(raw);
    const store = createDenoKvStore(kv);
    const measure = async (id: string, before: number) => {
      await store.commit(id, {
        create: { kind: "chat" },
        append: Array.from({ length: before }, (_, i) => msg(`m${i}`)),
      });
      stats.mutations = 0;
      stats.commits = 0;
      await store.commit(id, { append: [msg("one more")] });
      return { ...stats };
    };
    const small = await measure("small", 10);
    const large = await measure("large", 1_000);
    assert.deepEqual(small, { mutations: 2, commits: 1 });
    assert.deepEqual(large, small);
  }));

Deno.test("limits: a record up to 60 KiB is one value, one byte more is split; the 64 KiB limit is real", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv, { prefix: ["p"] });
    // The stored JSON of record 0: {"v":1,"seq":0,"status":"complete","at":1,"item":{"role":"user","content":"…"}}
    const overhead = JSON.stringify({
      v: 1,
      seq: 0,
      status: "complete",
      at: 1,
      item: { role: "user", content: "" },
    }).length;
    const exact = "e".repeat(KV_CHUNK_BYTES - overhead);
    await store.commit("exact", { create: { kind: "chat" }, append: [msg(exact)] });
    await store.commit("over", { create: { kind: "chat" }, append: [msg(`${exact}o`)] });
    const chunks = async (id: string) => (await keysUnder(kv, ["p", "c", id])).length;
    assert.equal(await chunks("exact"), 0);
    assert.equal(await chunks("over"), 2);
    assert.equal(texts(await store.load("exact"))?.[0], exact);
    assert.equal(texts(await store.load("over"))?.[0], `${exact}o`);
    // The platform refuses one byte over 64 KiB, and more than 1000 mutations in one atomic operation.
    await assert.rejects(kv.set(["raw"], new Uint8Array(DENO_KV_LIMITS.valueBytes + 1)), /too large/i);
    let atomic = kv.atomic();
    for (let i = 0; i <= DENO_KV_LIMITS.mutations; i++) atomic = atomic.set(["raw", i], i);
    await assert.rejects(atomic.commit(), /mutations/i);
  }));

Deno.test("limits: a 3 MB record (over the 800 KiB of one atomic operation) is written in chunks and read back", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv, { prefix: ["p"] });
    const big = "ab€".repeat(1_000_000); // 3 MB of UTF-8 with multi-byte characters across chunk edges
    await store.commit("big", { create: { kind: "chat" }, append: [msg("before")] });
    const r = await store.commit("big", { append: [msg(big), msg("after")] });
    assert.deepEqual(r.seqs, [1, 2]);
    assert.deepEqual(texts(await store.load("big")), ["before", big, "after"]);
    // Replacing it (a put) leaves only the new chunks.
    await store.commit("big", { put: [{ seq: 1, body: msg(`${big}!`) }] });
    assert.deepEqual(texts(await store.load("big")), ["before", `${big}!`, "after"]);
    const chunkKeys = await keysUnder(kv, ["p", "c", "big"]);
    assert.equal(
      chunkKeys.length,
      Math.ceil(
        new TextEncoder().encode(
          JSON.stringify({
            v: 1,
            seq: 1,
            status: "complete",
            at: 1,
            item: { role: "user", content: `${big}!` },
          }),
        ).length / KV_CHUNK_BYTES,
      ),
    );
  }));

Deno.test("limits: an import of 2,500 records in one commit (over 1000 mutations) is all or nothing", () =>
  withKv(async (kv) => {
    const reader = createDenoKvStore(kv, { prefix: ["p"] });
    const seenMidway: (string[] | undefined)[] = [];
    const { kv: watched, stats } = counting(kv, async (commits) => {
      if (commits >= 2 && commits <= 4) seenMidway.push(texts(await reader.load("imp")));
    });
    const store = createDenoKvStore(watched, { prefix: ["p"] });
    await store.commit("imp", { create: { kind: "chat" }, append: [msg("first")] });
    stats.commits = 0;
    const many = Array.from({ length: 2_500 }, (_, i) => msg(`r${i}`, i));
    const r = await store.commit("imp", { append: many });
    // Reservation, three batches of records, the final commit: readers saw nothing of it until the end.
    assert.ok(stats.commits >= 5, `${stats.commits} atomic operations`);
    assert.deepEqual(seenMidway, [["first"], ["first"], ["first"]]);
    assert.equal(r.seqs.length, 2_500);
    assert.equal(r.seqs[0], 1);
    const loaded = await store.load("imp");
    assert.equal(loaded?.records.length, 2_501);
    assert.equal(loaded?.header.count, 2_501);
    assert.deepEqual(texts(loaded)?.slice(-2), ["r2498", "r2499"]);
    const header = await kv.get<Record<string, unknown>>(["p", "h", "imp"]);
    assert.equal(header.value?.rsv, undefined, "the reservation is gone after the commit");
    // A brand-new session imported whole.
    const fresh = await store.commit("new", { create: { kind: "chat", title: "Imported" }, append: many });
    assert.equal(fresh.header.revision, 1);
    assert.equal((await store.load("new"))?.records.length, 2_500);
  }));

Deno.test("limits: a truncation of 2,000 records is one commit; the hidden records are deleted after it", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv, { prefix: ["p"] });
    await store.commit("t", {
      create: { kind: "chat" },
      append: Array.from({ length: 2_100 }, (_, i) => msg(`m${i}`)),
    });
    const r = await store.commit("t", { truncateFrom: 100, append: [msg("new")] });
    assert.equal(r.header.count, 101);
    assert.deepEqual(texts(await store.load("t"))?.slice(-2), ["m99", "new"]);
    assert.equal((await keysUnder(kv, ["p", "r", "t"])).length, 101);
    const header = await kv.get<Record<string, unknown>>(["p", "h", "t"]);
    assert.equal(header.value?.hide, undefined);
  }));

Deno.test("a reservation abandoned by a stalled writer stays invisible and is reclaimed", () =>
  withKv(async (kv) => {
    const store = createDenoKvStore(kv, { prefix: ["p"] });
    await store.commit("z", { create: { kind: "chat" }, append: [msg("real")] });
    const h = await kv.get<{ e: string; nextSeq: number }>(["p", "h", "z"]);
    const { e, nextSeq } = h.value!;
    // What a writer that died mid-way leaves: seqs reserved, some records written, a lease.
    await kv.set(["p", "h", "z"], {
      ...h.value,
      nextSeq: nextSeq + 3,
      rsv: [{ from: nextSeq, to: nextSeq + 3, until: Date.now() - 1 }],
    });
    await kv.set(
      ["p", "r", "z", e, nextSeq],
      new TextEncoder().encode(
        JSON.stringify({
          v: 1,
          seq: nextSeq,
          status: "complete",
          at: 1,
          item: { role: "user", content: "ghost" },
        }),
      ),
    );
    await kv.set(["p", "l", "z", e, nextSeq], Date.now() - 1);
    assert.deepEqual(texts(await store.load("z")), ["real"]);
    await store.commit("z", { append: [msg("next")] });
    assert.deepEqual(texts(await store.load("z")), ["real", "next"]);
    assert.equal((await keysUnder(kv, ["p", "r", "z"])).length, 2);
    assert.equal((await keysUnder(kv, ["p", "l", "z"])).length, 0);
  }));

Deno.test("the API key is never stored", () =>
  withKv(async (kv) => {
    const SECRET = "sk-deno-DO-NOT-STORE-4242";
    const client = new OpenAI(SECRET, { baseURL: "http://127.0.0.1:9/v1" });
    const store = createDenoKvStore(kv);
    const chat = await openChatSession(client, { id: "k", store });
    chat.appendMessage({ role: "user", content: "hello" });
    await chat.close();
    assert.deepEqual(texts(await store.load("k")), ["hello"]);
    let dump = "";
    for await (const entry of kv.list({ prefix: [] })) {
      dump += JSON.stringify(entry.key);
      dump +=
        entry.value instanceof Uint8Array
          ? new TextDecoder().decode(entry.value)
          : JSON.stringify(entry.value);
    }
    assert.ok(dump.includes("hello"));
    assert.ok(!dump.includes(SECRET));
  }));
