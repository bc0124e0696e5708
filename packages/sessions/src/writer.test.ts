import { describe, expect, it } from "vitest";
import { SessionStoreError } from "./errors.js";
import { createMemoryStore } from "./memory-store.js";
import type { SessionChange } from "./schema.js";
import type { SessionStore } from "./store.js";
import { SessionWriter } from "./writer.js";

/** A store that records every commit and can be told to fail like a full disk. */
function spyStore(inner = createMemoryStore()) {
  const commits: SessionChange[] = [];
  const control = { failWith: undefined as unknown };
  const store: SessionStore = {
    load: (id) => inner.load(id),
    list: () => inner.list(),
    delete: (id) => inner.delete(id),
    async commit(id, change) {
      if (control.failWith) throw control.failWith;
      commits.push(structuredClone(change));
      return inner.commit(id, change);
    },
  };
  return { store, commits, control };
}

function quotaError(): Error {
  const error = new Error("The quota has been exceeded.");
  error.name = "QuotaExceededError";
  return error;
}

const writerFor = (
  store: SessionStore,
  extra: Partial<ConstructorParameters<typeof SessionWriter>[0]> = {},
) =>
  new SessionWriter(
    { store, id: "s", kind: "chat", title: "", source: "test", partialIntervalMs: 100, ...extra },
    [],
    0,
  );
const user = (content: string) => ({ role: "user" as const, content });
const assistant = (content: string) => ({ role: "assistant" as const, content });

describe("SessionWriter", () => {
  it("coalesces a burst of appends into one commit, one record per message", async () => {
    const { store, commits } = spyStore();
    const w = writerFor(store);
    w.append(0, user("a"));
    w.append(1, assistant("b"));
    w.append(2, user("c"));
    await w.flush();
    expect(commits).toHaveLength(1);
    expect(commits[0]!.append).toHaveLength(3);
    w.append(3, assistant("d"));
    await w.flush();
    // The second commit carries only the new message: no history rewrite.
    expect(commits[1]!.append?.map((b) => b.item)).toEqual([assistant("d")]);
    expect(commits[1]!.put).toEqual([]);
  });

  it("writes a streamed reply at most every partialIntervalMs, then once more at the end", async () => {
    const { store, commits } = spyStore();
    const w = writerFor(store);
    w.append(0, user("q"));
    await w.flush();
    const start = Date.now();
    let text = "";
    while (Date.now() - start < 450) {
      text += "x";
      w.partial(1, assistant(text));
      await new Promise((r) => setTimeout(r, 5));
    }
    const partialCommits = commits.length - 1;
    // ~450 ms of chunks every 5 ms (≈ 90 chunks), throttled to one write per 100 ms.
    expect(partialCommits).toBeGreaterThanOrEqual(3);
    expect(partialCommits).toBeLessThanOrEqual(6);
    w.append(1, assistant(text));
    await w.flush();
    const stored = await store.load("s");
    expect(stored?.records.map((r) => [r.seq, r.status])).toEqual([
      [0, "complete"],
      [1, "complete"],
    ]);
    expect((stored!.records[1]!.item as { content: string }).content).toBe(text);
  });

  it("the throttle holds even when commits are slow (no back-to-back partial writes)", async () => {
    const inner = createMemoryStore();
    let commits = 0;
    const slow: SessionStore = {
      load: (id) => inner.load(id),
      list: () => inner.list(),
      delete: (id) => inner.delete(id),
      commit: async (id, change) => {
        commits++;
        await new Promise((r) => setTimeout(r, 40));
        return inner.commit(id, change);
      },
    };
    const w = writerFor(slow, { partialIntervalMs: 200 });
    const start = Date.now();
    let text = "";
    while (Date.now() - start < 1_000) {
      text += "x";
      w.partial(0, assistant(text));
      await new Promise((r) => setTimeout(r, 5));
    }
    // One immediate write for the new reply, then one per 200 ms: about 6, never one per commit (≈ 20).
    expect(commits).toBeGreaterThanOrEqual(4);
    expect(commits).toBeLessThanOrEqual(8);
    await w.flush();
    expect(((await inner.load("s"))!.records[0]!.item as { content: string }).content).toBe(text);
  });

  it("a quota error surfaces as a typed error; nothing is lost and the retry writes everything", async () => {
    const { store, control } = spyStore();
    const errors: SessionStoreError[] = [];
    const w = writerFor(store, { onError: (e) => errors.push(e) });
    w.append(0, user("kept 1"));
    await w.flush();
    control.failWith = quotaError();
    w.append(1, assistant("kept 2"));
    w.partial(2, assistant("part"));
    w.truncate(2);
    w.append(2, user("kept 3"));
    const failure = await w.flush().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SessionStoreError);
    expect((failure as SessionStoreError).code).toBe("quota");
    expect((failure as SessionStoreError).message).toMatch(/quota/i);
    expect((failure as SessionStoreError).message).toMatch(/flush\(\)/);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(w.pendingWrites).toBe(2);
    expect(w.lastError?.code).toBe("quota");
    control.failWith = undefined;
    await w.flush();
    expect(w.pendingWrites).toBe(0);
    expect(w.lastError).toBeUndefined();
    const stored = await store.load("s");
    expect(stored?.records.map((r) => (r.item as { content: string }).content)).toEqual([
      "kept 1",
      "kept 2",
      "kept 3",
    ]);
  });

  it("retries a failed write by itself (backoff) without anyone calling flush()", async () => {
    const { store, control } = spyStore();
    const w = writerFor(store, { onError: () => {} });
    control.failWith = quotaError();
    w.append(0, user("eventually"));
    await new Promise((r) => setTimeout(r, 50));
    expect(w.pendingWrites).toBe(1);
    control.failWith = undefined;
    await new Promise((r) => setTimeout(r, 700));
    expect(w.pendingWrites).toBe(0);
    expect((await store.load("s"))?.records).toHaveLength(1);
    await w.close();
  });

  it("truncation while a commit is in flight deletes the records that commit created", async () => {
    const inner = createMemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: SessionStore = {
      ...inner,
      load: inner.load.bind(inner),
      list: inner.list.bind(inner),
      delete: inner.delete.bind(inner),
      commit: async (id, c) => {
        await gate;
        return inner.commit(id, c);
      },
    };
    const w = writerFor(slow);
    w.append(0, user("a"));
    w.append(1, user("b"));
    const first = w.flush();
    await new Promise((r) => setTimeout(r, 5));
    w.truncate(1); // "b" is in flight
    release();
    await first;
    await w.flush();
    const stored = await inner.load("s");
    expect(stored?.records.map((r) => (r.item as { content: string }).content)).toEqual(["a"]);
    expect(stored?.header.count).toBe(1);
  });

  it("keeps only a reference per chunk: the reply is copied once per commit, not once per chunk", async () => {
    const { store, commits } = spyStore();
    const w = writerFor(store, { partialIntervalMs: 60_000 });
    let copies = 0;
    // toJSON runs once per copy of the item (the copy is a JSON round trip).
    const reply = (content: string) => ({
      role: "assistant" as const,
      content,
      toJSON: () => {
        copies++;
        return { role: "assistant", content };
      },
    });
    w.append(0, user("q"));
    let text = "";
    for (let i = 0; i < 5_000; i++) {
      text += "x";
      w.partial(1, reply(text));
    }
    expect(copies).toBe(0);
    await w.flush();
    expect(copies).toBe(1);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.append?.map((b) => b.item)).toEqual([user("q"), assistant(text)]);
    // Later chunks wait for the (long) interval; the end of the reply is written at once, copied once.
    for (let i = 0; i < 5_000; i++) w.partial(1, reply(`${text}${i}`));
    w.append(1, reply(`${text}!`));
    await w.flush();
    expect(copies).toBe(2);
    expect((await store.load("s"))?.records[1]).toMatchObject({
      status: "complete",
      item: assistant(`${text}!`),
    });
  });

  it("a message that cannot be copied is left out and reported; a later version of it is written", async () => {
    const { store } = spyStore();
    const errors: SessionStoreError[] = [];
    const w = writerFor(store, { onError: (e) => errors.push(e) });
    const cyclic: Record<string, unknown> = { role: "assistant", content: "loop" };
    cyclic.self = cyclic;
    w.append(0, user("q"));
    w.partial(1, cyclic as never);
    const failure = (await w.flush().catch((e: unknown) => e)) as SessionStoreError;
    expect(failure).toBeInstanceOf(SessionStoreError);
    expect(failure.code).toBe("data");
    expect(failure.message).toMatch(/copy of message 1 in "s" failed \(TypeError: Converting circular/);
    expect(errors).toEqual([failure]);
    expect(w.pendingWrites).toBe(0);
    expect(w.lastError).toBe(failure);
    expect((await store.load("s"))?.records.map((r) => r.item)).toEqual([user("q")]);
    // The reply goes on to something storable: written in its place, and the error is gone.
    w.append(1, assistant("fine now"));
    w.append(2, user("next"));
    await w.flush();
    expect(w.lastError).toBeUndefined();
    expect((await store.load("s"))?.records.map((r) => r.item)).toEqual([
      user("q"),
      assistant("fine now"),
      user("next"),
    ]);
  });

  it("an incomplete reply is kept with its reason", async () => {
    const { store } = spyStore();
    const w = writerFor(store);
    w.append(0, user("q"));
    w.partial(1, assistant("half"));
    w.incomplete(1, assistant("half a"), "aborted");
    await w.flush();
    const stored = await store.load("s");
    expect(stored?.records[1]).toMatchObject({
      status: "incomplete",
      reason: "aborted",
      item: assistant("half a"),
    });
  });
});

describe("where IndexedDB is missing", () => {
  it("the default store is memory, and the IndexedDB store says so with a typed error", async () => {
    expect(typeof indexedDB).toBe("undefined");
    const { defaultStore } = await import("./default-store.js");
    const { MemorySessionStore } = await import("./memory-store.js");
    const { createIndexedDbStore } = await import("./idb-store.js");
    expect(defaultStore()).toBeInstanceOf(MemorySessionStore);
    const error = await createIndexedDbStore()
      .load("x")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as SessionStoreError).code).toBe("unavailable");
    expect((error as SessionStoreError).message).toMatch(/createMemoryStore\(\)/);
  });
});
