// The rules that keep what a page stores syncable and what a store holds readable: the session-id rule
// (session-id.ts), the size limit of a stored message (storable.ts) and the put rule (plan.ts), through
// the public entry points that apply them.
import "fake-indexeddb/auto";
import { OpenAI } from "@oaikit/core";
import { describe, expect, it } from "vitest";
import { SessionStoreError } from "./errors.js";
import { createIndexedDbStore } from "./idb-store.js";
import { importSessions } from "./manage.js";
import { createMemoryStore } from "./memory-store.js";
import { openChatSession } from "./open-chat.js";
import { openResponsesChatSession } from "./open-responses.js";
import { MAX_SESSION_ID_LENGTH, sessionIdProblem, shortenId } from "./session-id.js";
import { MAX_ITEM_CHARS } from "./storable.js";

const client = new OpenAI("", { baseURL: "http://127.0.0.1:9/v1" }); // never called: nothing is sent
const BAD_IDS = [
  ".",
  "..",
  "\uD800",
  "a\uDC00b",
  "x".repeat(MAX_SESSION_ID_LENGTH + 1),
  "tab\there",
  "\u0000x",
];

describe("the session-id rule", () => {
  it("accepts the ids that sync and names what is wrong with the others", () => {
    for (const good of [
      "a",
      "support-42",
      crypto.randomUUID(),
      "x".repeat(MAX_SESSION_ID_LENGTH),
      "…/%?#",
      "😀",
    ])
      expect(sessionIdProblem(good)).toBeUndefined();
    for (const bad of BAD_IDS) expect(sessionIdProblem(bad)).toBeTypeOf("string");
    expect(shortenId("ab😀", 3)).toBe("ab"); // never half a surrogate pair
  });

  it("a new session with an id that cannot sync is refused when it is opened; an existing one still opens", async () => {
    const store = createMemoryStore();
    for (const id of BAD_IDS) {
      await expect(openChatSession(client, { id, store })).rejects.toThrow(TypeError);
      await expect(openResponsesChatSession(client, { id, store })).rejects.toThrow(/session id/);
    }
    expect(await store.list()).toEqual([]);
    // Created before the rule (straight into the store): it opens, nothing is lost.
    await store.commit(".", {
      create: { kind: "chat" },
      append: [{ status: "complete", at: 1, item: { role: "user", content: "kept" } }],
    });
    const chat = await openChatSession(client, { id: ".", store });
    expect(chat.messages).toEqual([{ role: "user", content: "kept" }]);
    await chat.close();
  });

  it("importSessions refuses a document with such an id before writing anything", async () => {
    const store = createMemoryStore();
    const doc = (id: string) => ({
      format: "oaikit-sessions",
      version: 1,
      exportedAt: "2026-01-01T00:00:00Z",
      sessions: [
        { header: { id: "fine", kind: "chat", title: "", createdAt: 1, updatedAt: 1 }, records: [] },
        { header: { id, kind: "chat", title: "", createdAt: 1, updatedAt: 1 }, records: [] },
      ],
    });
    for (const id of BAD_IDS)
      await expect(importSessions(doc(id), { store })).rejects.toThrow(/sessions\[1\]\.header\.id/);
    expect(await store.list()).toEqual([]);
  });
});

describe("the size limit of a stored message", () => {
  it("a message over 8 Mi characters of JSON stays in memory and is reported (code data); the rest is saved", async () => {
    const store = createMemoryStore();
    const errors: SessionStoreError[] = [];
    const chat = await openChatSession(client, { id: "big", store, onError: (e) => errors.push(e) });
    chat.appendMessage({ role: "user", content: "small" });
    chat.appendMessage({ role: "user", content: "x".repeat(MAX_ITEM_CHARS) });
    chat.appendMessage({ role: "user", content: "after" });
    await expect(chat.flush()).rejects.toMatchObject({ code: "data" });
    expect(errors[0]).toBeInstanceOf(SessionStoreError);
    expect(errors[0]!.message).toMatch(/characters of JSON/);
    const stored = await store.load("big");
    expect(stored!.records.map((r) => (r.item as { content: string }).content)).toEqual(["small", "after"]);
    await chat.close();
  });

  it("importSessions refuses such a record before writing anything", async () => {
    const store = createMemoryStore();
    const record = (content: string) => ({
      seq: 0,
      status: "complete",
      at: 1,
      item: { role: "user", content },
    });
    const doc = {
      format: "oaikit-sessions",
      version: 1,
      exportedAt: "2026-01-01T00:00:00Z",
      sessions: [
        { header: { id: "a", kind: "chat", title: "", createdAt: 1, updatedAt: 1 }, records: [record("ok")] },
        {
          header: { id: "b", kind: "chat", title: "", createdAt: 1, updatedAt: 1 },
          records: [record("x".repeat(MAX_ITEM_CHARS))],
        },
      ],
    };
    await expect(importSessions(doc, { store })).rejects.toThrow(
      /sessions\[1\]\.records\[0\]\.item is .*characters of JSON/,
    );
    expect(await store.list()).toEqual([]);
  });
});

describe.each([
  ["memory", () => createMemoryStore()],
  ["indexeddb (fake-indexeddb)", () => createIndexedDbStore({ dbName: `limits-${Math.random()}` })],
])("the put rule: %s", (_name, make) => {
  it("a put at or past nextSeq is refused and writes nothing; a put on a truncated record writes it again", async () => {
    const store = make();
    const body = (content: string) => ({
      status: "complete" as const,
      at: 1,
      item: { role: "user" as const, content },
    });
    await store.commit("s", { create: { kind: "chat" }, append: [body("0"), body("1"), body("2")] });
    for (const seq of [3, 7]) {
      const error = await store
        .commit("s", { put: [{ seq, body: body("ghost") }], append: [body("x")] })
        .catch((e) => e);
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(String(error.message)).toMatch(/no such record/);
    }
    let loaded = await store.load("s");
    expect(loaded!.header).toMatchObject({ revision: 1, nextSeq: 3, count: 3 });
    // Appends land where they should, and the count matches the records.
    await store.commit("s", { truncateFrom: 2, append: [body("3"), body("4")] });
    await store.commit("s", { put: [{ seq: 2, body: body("2 again") }] });
    loaded = await store.load("s");
    expect(loaded!.records.map((r) => [r.seq, (r.item as { content: string }).content])).toEqual([
      [0, "0"],
      [1, "1"],
      [2, "2 again"],
      [3, "3"],
      [4, "4"],
    ]);
    expect(loaded!.header.count).toBe(loaded!.records.length);
  });
});
