// The Deno KV store's stored format, pinned: what users' KV databases hold must stay readable and writable.
// test/fixtures/deno-kv-v1.json holds every entry the store wrote in its first version (keys `h`, `r`, `c`,
// `l`, `meta`; header fields `e`, `hide`, `rsv`; chunked records), including the states it leaves between
// its steps (a hidden range, an abandoned reservation). The tests load those entries into a fresh KV file
// and read and write them with the store as built now, and check that the store still writes that layout.
import assert from "node:assert/strict";
import { createDenoKvStore } from "../../dist/deno/index.js";

type Kv = Awaited<ReturnType<typeof Deno.openKv>>;
type Entry = { key: Deno.KvKey; utf8?: string; value?: unknown };

const fixture: { entries: Entry[] } = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/deno-kv-v1.json", import.meta.url)),
);
const PREFIX = ["oaikit-sessions"];
const T0 = 1_767_225_600_000;
const BIG = "0123456789abcdef".repeat(3900); // over the 60 KiB value limit: two chunks

async function withKv(fn: (kv: Kv) => Promise<void>) {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const kv = await Deno.openKv(path);
  try {
    await fn(kv);
  } finally {
    kv.close();
    await Deno.remove(path).catch(() => {});
  }
}

async function loadFixture(kv: Kv) {
  for (const entry of fixture.entries) {
    await kv.set(entry.key, entry.utf8 !== undefined ? new TextEncoder().encode(entry.utf8) : entry.value);
  }
}

async function keysUnder(kv: Kv, prefix: Deno.KvKey) {
  const keys: Deno.KvKey[] = [];
  for await (const entry of kv.list({ prefix })) keys.push(entry.key);
  return keys;
}

const msg = (content: string, at: number, role = "user") => ({
  status: "complete" as const,
  at,
  item: { role, content },
});
const texts = (s: { records: { item: unknown }[] } | undefined) =>
  s?.records.map((r) => (r.item as { content: string }).content);

Deno.test("the store reads every session the first version wrote", () =>
  withKv(async (kv) => {
    await loadFixture(kv);
    const store = createDenoKvStore(kv);
    const listed = (await store.list()).map((h) => [h.id, h.title, h.revision, h.count]);
    listed.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    assert.deepEqual(listed, [
      ["big", "Big", 1, 2],
      ["cut", "Cut", 2, 3],
      ["hidden", "Hidden", 2, 2],
      ["plain", "Plain, renamed", 2, 3],
      ["reserved", "Reserved", 1, 1],
    ]);
    const plain = await store.load("plain");
    assert.deepEqual(texts(plain), ["one", "two, cut", "three"]);
    assert.deepEqual(
      plain?.records.map((r) => [r.seq, r.status, r.reason]),
      [
        [0, "complete", undefined],
        [1, "incomplete", "aborted"],
        [2, "complete", undefined],
      ],
    );
    assert.deepEqual(texts(await store.load("big")), ["small", BIG]);
    assert.deepEqual(texts(await store.load("cut")), ["c0", "c1", "c2"]);
    assert.deepEqual(texts(await store.load("hidden")), ["h0", "h1"], "a hidden range stays invisible");
    assert.deepEqual(texts(await store.load("reserved")), ["real"], "a reservation stays invisible");
    const storeId = fixture.entries.find((e) => e.key.at(-1) === "store" && e.key.at(-2) === "meta")?.value;
    assert.equal(await store.storeId(), storeId);
  }));

Deno.test("the store writes on top of them: appends, puts, clean-ups and deletes", () =>
  withKv(async (kv) => {
    await loadFixture(kv);
    const store = createDenoKvStore(kv);
    await store.commit("plain", { put: [{ seq: 1, body: msg("two, again", T0 + 5_000, "assistant") }] });
    await store.commit("plain", { append: [msg("four", T0 + 6_000)] });
    assert.deepEqual(texts(await store.load("plain")), ["one", "two, again", "three", "four"]);
    // The next commit collects what the earlier steps left: the hidden records, the dead reservation.
    await store.commit("hidden", { append: [msg("h-new", T0 + 7_000)] });
    assert.deepEqual(texts(await store.load("hidden")), ["h0", "h1", "h-new"]);
    assert.equal((await keysUnder(kv, [...PREFIX, "r", "hidden"])).length, 3);
    assert.equal((await kv.get<Record<string, unknown>>([...PREFIX, "h", "hidden"])).value?.hide, undefined);
    await store.commit("reserved", { append: [msg("next", T0 + 8_000)] });
    assert.deepEqual(texts(await store.load("reserved")), ["real", "next"]);
    assert.equal((await keysUnder(kv, [...PREFIX, "r", "reserved"])).length, 2);
    assert.equal((await keysUnder(kv, [...PREFIX, "l", "reserved"])).length, 0);
    // A put over the chunked record deletes its chunks; a delete removes every key of a session.
    await store.commit("big", { put: [{ seq: 1, body: msg("small now", T0 + 9_000, "assistant") }] });
    assert.deepEqual(texts(await store.load("big")), ["small", "small now"]);
    assert.equal((await keysUnder(kv, [...PREFIX, "c", "big"])).length, 0);
    await store.delete("cut");
    assert.equal(await store.load("cut"), undefined);
    for (const part of ["h", "r", "c", "l"]) {
      assert.equal(
        (await keysUnder(kv, [...PREFIX, part, "cut"])).length,
        0,
        `no "${part}" key of a deleted session`,
      );
    }
  }));

/** An entry with the random parts of its key (epoch, chunk tag) and value (epoch, tag, write time) named. */
function shape(entry: Entry, epochs: Map<string, string>): unknown {
  const name = (random: unknown) => {
    if (typeof random !== "string") return random;
    if (!epochs.has(random)) epochs.set(random, `<random ${epochs.size}>`);
    return epochs.get(random);
  };
  const [, part, , ...rest] = entry.key;
  const key = [entry.key[0], part, entry.key[2], ...rest.map((p) => (typeof p === "string" ? name(p) : p))];
  let value: unknown = entry.value;
  if (entry.utf8 !== undefined)
    value = part === "c" ? { chunkBytes: entry.utf8.length } : JSON.parse(entry.utf8);
  if (part === "h")
    value = { ...(value as object), e: name((value as { e: string }).e), updatedAt: "<time>" };
  if (part === "r" && (value as { tag?: string }).tag)
    value = { ...(value as object), tag: name((value as { tag: string }).tag) };
  return { key, value };
}

Deno.test("the store writes the first version's layout: keys, header fields, record values, chunks", () =>
  withKv(async (kv) => {
    // The same commits that wrote the fixture's "plain", "big" and "cut" sessions.
    const store = createDenoKvStore(kv);
    await store.commit("plain", {
      create: { kind: "chat", title: "Plain", createdAt: T0 },
      append: [msg("one", T0 + 1_000), msg("two", T0 + 2_000, "assistant"), msg("three", T0 + 3_000)],
    });
    await store.commit("plain", {
      put: [
        {
          seq: 1,
          body: {
            status: "incomplete",
            reason: "aborted",
            at: T0 + 4_000,
            item: { role: "assistant", content: "two, cut" },
          },
        },
      ],
      set: { title: "Plain, renamed" },
    });
    await store.commit("big", {
      create: { kind: "chat", title: "Big", createdAt: T0 },
      append: [msg("small", T0 + 1_000), msg(BIG, T0 + 2_000, "assistant")],
    });
    await store.commit("cut", {
      create: { kind: "chat", title: "Cut", createdAt: T0 },
      append: [0, 1, 2, 3, 4].map((i) => msg(`c${i}`, T0 + 1_000 + i)),
    });
    await store.commit("cut", { truncateFrom: 3 });
    const written: Entry[] = [];
    for await (const entry of kv.list({ prefix: PREFIX })) {
      written.push(
        entry.value instanceof Uint8Array
          ? { key: entry.key, utf8: new TextDecoder().decode(entry.value) }
          : { key: entry.key, value: entry.value },
      );
    }
    const sessions = new Set(["plain", "big", "cut"]);
    const ofSessions = (entries: Entry[]) => entries.filter((e) => sessions.has(e.key[2] as string));
    // One naming per listing: the same epoch in every key of a session, the same tag in a pointer and its chunks.
    const writtenNames = new Map<string, string>();
    const fixtureNames = new Map<string, string>();
    assert.deepEqual(
      ofSessions(written).map((e) => shape(e, writtenNames)),
      ofSessions(fixture.entries).map((e) => shape(e, fixtureNames)),
    );
  }));
