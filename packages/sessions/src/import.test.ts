import "fake-indexeddb/auto";
import { OpenAI } from "@oaikit/core";
import { afterEach, describe, expect, it } from "vitest";
import { createIndexedDbStore } from "./idb-store.js";
import { exportSessions, importSessions } from "./manage.js";
import { createMemoryStore } from "./memory-store.js";
import { openChatSession } from "./open-chat.js";
import { openResponsesChatSession } from "./open-responses.js";
import type { RecordBody, SessionRecord, StoredSession } from "./schema.js";
import type { SessionStore } from "./store.js";
import type { SessionsExport } from "./validate-export.js";

// Issue 11 #11: import validates every record by the rules the sessions open it with, before writing
// anything, and `onConflict: "replace"` replaces in one atomic store operation.

const client = new OpenAI("sk-unused", { baseURL: "http://127.0.0.1:9/v1" });
let n = 0;
const stores: [string, () => SessionStore][] = [
  ["memory", () => createMemoryStore()],
  ["indexeddb (fake-indexeddb)", () => createIndexedDbStore({ dbName: `import-test-${++n}` })],
];
const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

const record = (seq: number, item: unknown): SessionRecord =>
  ({ v: 1, seq, status: "complete", at: 1, item }) as SessionRecord;
const session = (id: string, kind: "chat" | "responses", items: unknown[]): StoredSession => ({
  header: {
    v: 1,
    id,
    kind,
    title: id,
    createdAt: 1,
    updatedAt: 2,
    revision: 1,
    nextSeq: items.length,
    count: items.length,
  },
  records: items.map((item, seq) => record(seq, item)),
});
const doc = (...sessions: StoredSession[]): SessionsExport => ({
  format: "oaikit-sessions",
  version: 1,
  exportedAt: "2026-01-01T00:00:00.000Z",
  sessions,
});
const user = (content: string) => ({ role: "user", content });
const msg = (content: string): RecordBody => ({ status: "complete", at: 1, item: user(content) as never });
const contents = async (store: SessionStore, id: string) =>
  (await store.load(id))?.records.map((r) => (r.item as { content: string }).content);

describe.each(stores)("importSessions validation: %s", (_name, make) => {
  for (const [label, kind, item, pattern] of [
    ["a chat item {}", "chat", {}, /records\[1\]\.item must be a chat message.*role must be one of/],
    ["a chat item with role: 5", "chat", { role: 5, content: "x" }, /records\[1\]\.item.*got 5/],
    [
      "a Responses turn of an unknown kind",
      "responses",
      { kind: "thought", text: "hm" },
      /records\[1\]\.item must be a Responses turn.*kind: "input" \| "response" \| "partial"/,
    ],
    ["a Responses turn in a chat session", "chat", { kind: "input", input: "hi" }, /records\[1\]\.item/],
    ["a chat message in a Responses session", "responses", user("hi"), /records\[1\]\.item/],
    ["a response turn without a response object", "responses", { kind: "response" }, /records\[1\]\.item/],
  ] as const) {
    it(`refuses ${label} before writing anything (an earlier valid session included)`, async () => {
      const store = make();
      const first = kind === "chat" ? user("ok") : { kind: "input", input: "ok" };
      const bad = doc(session("valid", "chat", [user("fine")]), session("broken", kind, [first, item]));
      const error = await importSessions(bad, { store }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/^importSessions: sessions\[1\]\./);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).toMatch(/Fix or remove that record/);
      expect(await store.list()).toEqual([]);
    });
  }

  it("refuses a record no store could write (20,000 levels deep, a cycle) before writing anything", async () => {
    const store = make();
    const deepJson = JSON.stringify(
      doc(session("ok", "chat", [user("fine")]), session("deep", "chat", [user("x")])),
    ).replace('"content":"x"', `"content":"x","extra":${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`);
    await expect(importSessions(deepJson, { store })).rejects.toThrow(
      /sessions\[1\]\.records\[0\]\.item is nested deeper than 500 levels/,
    );
    const cyclic: Record<string, unknown> = { role: "user", content: "loop" };
    cyclic.self = cyclic;
    await expect(
      importSessions(
        doc(session("ok", "chat", [user("fine")]), session("cyclic", "chat", [user("a"), cyclic])),
        {
          store,
        },
      ),
    ).rejects.toThrow(/sessions\[1\]\.records\[1\]\.item is not JSON data .*circular.*Nothing was written/);
    expect(await store.list()).toEqual([]);
  });

  it("accepts what the sessions open: an export of real sessions round-trips and opens", async () => {
    const source = make();
    const chat = await openChatSession(client, { id: "c", store: source });
    chat.appendMessage(
      { role: "developer", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "parts" }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "t", content: "42" },
    );
    await chat.close();
    await source.commit("r", {
      create: { kind: "responses" },
      append: [
        { status: "complete", at: 1, item: { kind: "input", input: "hi" } },
        {
          status: "complete",
          at: 1,
          item: { kind: "response", response: { id: "resp_1", output: [] } as never },
        },
        { status: "partial", at: 1, item: { kind: "partial", text: "half" } },
      ],
      set: { currentResponseId: "resp_1" },
    });
    const exported = await exportSessions({ store: source });
    const before = JSON.stringify(exported);
    const target = make();
    expect((await importSessions(exported, { store: target })).sort()).toEqual(["c", "r"]);
    // Validation left the document as it was (no helper methods attached to its response objects).
    expect(JSON.stringify(exported)).toBe(before);
    expect(
      Object.getOwnPropertyNames(exported.sessions.find((s) => s.header.id === "r")!.records[1]!.item),
    ).toEqual(["kind", "response"]);
    expect((await openChatSession(client, { id: "c", store: target })).messages).toHaveLength(4);
    const r = await openResponsesChatSession(client, { id: "r", store: target });
    expect(r.turns.map((t) => t.kind)).toEqual(["input", "response", "partial"]);
    expect(r.currentResponseId).toBe("resp_1");
  });

  it('a version given as the string "1" gets a message that does not contradict itself', async () => {
    const store = make();
    const error = (await importSessions({ ...doc(), version: "1" }, { store }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      'importSessions: version must be the number 1 (got the string "1"). Import a file made by exportSessions() from @oaikit/sessions.',
    );
    await expect(importSessions({ ...doc(), version: 2 }, { store })).rejects.toThrow(
      /version 2 is not supported \(this version of @oaikit\/sessions reads version 1\)\. Upgrade/,
    );
    await expect(importSessions({ ...doc(), version: 0 }, { store })).rejects.toThrow(
      /version must be the number 1 \(got 0\)/,
    );
  });

  it("refuses an unknown onConflict before writing anything", async () => {
    const store = make();
    await store.commit("a", { create: { kind: "chat" }, append: [msg("old")] });
    await expect(
      importSessions(doc(session("a", "chat", [user("new")])), { store, onConflict: "overwrite" as never }),
    ).rejects.toThrow(/onConflict must be "error", "replace" or "skip"/);
    expect(await contents(store, "a")).toEqual(["old"]);
  });
});

describe.each(stores)("importSessions replace is atomic: %s", (_name, make) => {
  it("replaces in one store operation: never a delete, and the revision and seqs go on", async () => {
    const inner = make();
    await inner.commit("a", {
      create: { kind: "chat", title: "old" },
      append: [msg("o1"), msg("o2"), msg("o3")],
      set: { currentResponseId: "x" },
    });
    const calls: string[] = [];
    const store: SessionStore = {
      load: (id) => inner.load(id),
      list: () => inner.list(),
      commit: (id, c) => {
        calls.push("commit");
        return inner.commit(id, c);
      },
      delete: (id) => {
        calls.push("delete");
        return inner.delete(id);
      },
      replace: (id, c) => {
        calls.push("replace");
        return inner.replace!(id, c);
      },
    };
    const ids = await importSessions(doc(session("a", "chat", [user("n1"), user("n2")])), {
      store,
      onConflict: "replace",
    });
    expect(ids).toEqual(["a"]);
    expect(calls).toEqual(["replace"]);
    const stored = (await inner.load("a"))!;
    expect(stored.records.map((r) => [r.seq, (r.item as { content: string }).content])).toEqual([
      [3, "n1"],
      [4, "n2"],
    ]);
    expect(stored.header).toMatchObject({ title: "a", kind: "chat", count: 2, revision: 2, nextSeq: 5 });
    expect(stored.header.currentResponseId).toBeUndefined();
  });

  it("a replace that fails leaves the stored session exactly as it was", async () => {
    const store = make();
    await store.commit("a", { create: { kind: "chat", title: "keep" }, append: [msg("o1"), msg("o2")] });
    const before = await store.load("a");
    if (store instanceof Object && "channelName" in store) {
      // IndexedDB: the disk fills up in the middle of the transaction.
      const put = IDBObjectStore.prototype.put;
      let puts = 0;
      IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
        if (++puts === 2) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        return put.apply(this, args);
      };
      restore.push(() => {
        IDBObjectStore.prototype.put = put;
      });
    } else {
      // Memory: the store cannot copy the replacement (structuredClone throws a DataCloneError). Import
      // itself passes JSON copies only, so this calls the store directly.
      const item = { role: "user", content: "n2", fn: () => {} };
      await expect(
        store.replace!("a", {
          create: { kind: "chat" },
          append: [msg("n1"), { status: "complete", at: 1, item: item as never }],
        }),
      ).rejects.toThrow();
      expect(await store.load("a")).toEqual(before);
      return;
    }
    const error = await importSessions(doc(session("a", "chat", [user("n1"), user("n2"), user("n3")])), {
      store,
      onConflict: "replace",
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("quota");
    restore.splice(0).forEach((undo) => {
      undo();
    });
    expect(await store.load("a")).toEqual(before);
  });

  it("refuses replace on a store without an atomic replace, before writing anything", async () => {
    const inner = make();
    await inner.commit("b", { create: { kind: "chat" }, append: [msg("old")] });
    const noReplace: SessionStore = {
      load: (id) => inner.load(id),
      list: () => inner.list(),
      commit: (id, c) => inner.commit(id, c),
      delete: (id) => inner.delete(id),
    };
    const error = await importSessions(
      doc(session("a", "chat", [user("x")]), session("b", "chat", [user("y")])),
      {
        store: noReplace,
        onConflict: "replace",
      },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/cannot replace a session atomically.*Nothing was written/);
    expect((await inner.list()).map((h) => h.id)).toEqual(["b"]);
    expect(await contents(inner, "b")).toEqual(["old"]);
    // Without a conflict there is nothing to replace: a store without replace() imports as before.
    expect(
      await importSessions(doc(session("a", "chat", [user("x")])), {
        store: noReplace,
        onConflict: "replace",
      }),
    ).toEqual(["a"]);
  });

  it("a replaced session folds a long import into pages and an open handle sees the new revision", async () => {
    const store = make();
    const handle = await openChatSession(client, { id: "long", store });
    handle.appendMessage({ role: "user", content: "before" });
    await handle.flush();
    const items = Array.from({ length: 1_200 }, (_, i) => user(`m${i}`));
    await importSessions(doc(session("long", "chat", items)), { store, onConflict: "replace" });
    const loaded = (await store.load("long"))!;
    expect(loaded.records.map((r) => (r.item as { content: string }).content)).toEqual(
      items.map((i) => i.content),
    );
    expect(loaded.header.count).toBe(1_200);
    expect(await handle.refresh()).toBe(true);
    expect(handle.messages).toHaveLength(1_200);
    // Appending after a replace continues after the imported records.
    handle.appendMessage({ role: "user", content: "after" });
    await handle.flush();
    expect((await contents(store, "long"))?.at(-1)).toBe("after");
    expect((await store.load("long"))!.header.count).toBe(1_201);
  });
});
