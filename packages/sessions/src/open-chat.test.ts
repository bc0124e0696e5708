import "fake-indexeddb/auto";
import { OpenAI, RequestAbortedError } from "@oaikit/core";
import { createStore, set } from "idb-keyval";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import v0Fixture from "../test/fixtures/v0-session.json" with { type: "json" };
import { startLlmServer } from "../test/llm-server.js";
import { createIndexedDbStore } from "./idb-store.js";
import { exportSessions, importSessions, listSessions } from "./manage.js";
import { createMemoryStore } from "./memory-store.js";
import { openChatSession } from "./open-chat.js";
import { openResponsesChatSession } from "./open-responses.js";

const SECRET = "sk-test-DO-NOT-STORE-4242";
let server: Awaited<ReturnType<typeof startLlmServer>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startLlmServer();
  client = new OpenAI(SECRET, { baseURL: server.url, defaultModel: "test-model", maxRetries: 0 });
});
afterAll(() => server.close());

let n = 0;
const idbStore = () => createIndexedDbStore({ dbName: `open-chat-${++n}` });

/** Every value in an IndexedDB store, as one JSON string (to search for secrets). */
async function dumpIdb(dbName: string): Promise<string> {
  const use = createStore(dbName, "sessions");
  const values = await use(
    "readonly",
    (s) =>
      new Promise<unknown[]>((r) => {
        const q = s.getAll();
        q.onsuccess = () => r(q.result);
      }),
  );
  return JSON.stringify(values);
}

describe("openChatSession", () => {
  it("restores a conversation on open and saves each change (streamed and not)", async () => {
    const store = idbStore();
    const chat = await openChatSession(client, { id: "c1", store, temperature: 0.5 });
    expect(chat.messages).toEqual([]);
    expect(await chat.send("Hi")).toBe("Hello there!");
    let streamed = "";
    await chat.send("Again", (chunk) => {
      streamed += String(chunk);
    });
    expect(streamed).toBe("Hello there!");
    await chat.close();

    const again = await openChatSession(client, { id: "c1", store });
    expect(again.messages).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello there!" },
      { role: "user", content: "Again" },
      { role: "assistant", content: "Hello there!" },
    ]);
    expect(again.messageState(3)).toEqual({ status: "complete" });
    // The restored history is what the next request sends.
    await again.send("Third");
    expect((server.seen.at(-1)!.body.messages as unknown[]).length).toBe(5);
    const [summary] = await listSessions({ store });
    expect(summary).toMatchObject({ id: "c1", kind: "chat", title: "Hi", messageCount: 6 });
    await again.close();
  });

  it("never stores the API key or any client setting", async () => {
    const dbName = `secret-${++n}`;
    const store = createIndexedDbStore({ dbName });
    const chat = await openChatSession(client, {
      id: "s",
      store,
      model: "secret-model-name",
      temperature: 0.3,
    });
    await chat.send("Hello");
    await chat.close();
    const dump = await dumpIdb(dbName);
    expect(dump).toContain("Hello there!");
    for (const secret of [
      SECRET,
      server.url,
      "127.0.0.1",
      "secret-model-name",
      "Authorization",
      "temperature",
    ]) {
      expect(dump).not.toContain(secret);
    }
    const exported = JSON.stringify(await exportSessions({ store }));
    expect(exported).not.toContain(SECRET);
  });

  it("an aborted stream leaves the partial reply stored as incomplete", async () => {
    server.state.hangAfter = 2;
    try {
      const store = createMemoryStore();
      const chat = await openChatSession(client, { id: "abort", store, partialWriteIntervalMs: 10 });
      const controller = new AbortController();
      const sending = chat.send("Go", { stream_callback: () => {}, signal: controller.signal });
      await new Promise((r) => setTimeout(r, 150));
      const midway = await store.load("abort");
      expect(midway?.records[1]).toMatchObject({
        status: "partial",
        item: { role: "assistant", content: "Hello there" },
      });
      controller.abort();
      await expect(sending).rejects.toBeInstanceOf(RequestAbortedError);
      await chat.flush();
      const stored = await store.load("abort");
      expect(stored?.records[1]).toMatchObject({ status: "incomplete", reason: "aborted" });
      const reopened = await openChatSession(client, { id: "abort", store });
      expect(reopened.messages[1]).toEqual({ role: "assistant", content: "Hello there" });
      expect(reopened.messageState(1)).toEqual({ status: "incomplete", reason: "aborted" });
    } finally {
      server.state.hangAfter = undefined;
    }
  });

  it("copies a streamed reply at the batching interval, not once per chunk (issue 10)", async () => {
    const words = server.state.words;
    const delay = server.state.delayMs;
    server.state.words = Array.from({ length: 400 }, (_, i) => `w${i} `);
    server.state.delayMs = 0;
    const stringify = vi.spyOn(JSON, "stringify");
    try {
      const store = createMemoryStore();
      const chat = await openChatSession(client, { id: "chunks", store, partialWriteIntervalMs: 100 });
      stringify.mockClear();
      let chunks = 0;
      await chat.send("Long one", () => {
        chunks++;
      });
      await chat.flush();
      expect(chunks).toBe(400);
      // One copy of the reply per commit (every 100 ms of a stream of about half a second); copying per
      // chunk would be 400. (The test server, in this process, stringifies its chunks too: not counted.)
      const replyCopies = stringify.mock.calls.filter(
        ([value]) => (value as { role?: unknown } | null)?.role === "assistant",
      );
      expect(replyCopies.length).toBeGreaterThan(0);
      expect(replyCopies.length).toBeLessThan(40);
      expect((await store.load("chunks"))?.records[1]).toMatchObject({
        status: "complete",
        item: { role: "assistant", content: server.state.words.join("") },
      });
    } finally {
      stringify.mockRestore();
      server.state.words = words;
      server.state.delayMs = delay;
    }
  });

  it("a reply cut off mid-stream (page closed) reopens as incomplete/interrupted", async () => {
    const store = createMemoryStore();
    // What a page that died mid-stream leaves behind: a record still marked partial.
    await store.commit("cut", {
      create: { kind: "chat" },
      append: [
        { status: "complete", at: 1, item: { role: "user", content: "Q" } },
        { status: "partial", at: 2, item: { role: "assistant", content: "Half an ans" } },
      ],
    });
    const chat = await openChatSession(client, { id: "cut", store });
    expect(chat.messages[1]).toEqual({ role: "assistant", content: "Half an ans" });
    expect(chat.messageState(1)).toEqual({ status: "incomplete", reason: "interrupted" });
  });

  it("truncate / regenerate delete the stored tail; other handles hear of it and refresh", async () => {
    const store = createMemoryStore();
    const a = await openChatSession(client, { id: "t", store });
    const b = await openChatSession(client, { id: "t", store });
    const events: number[] = [];
    b.onChange((e) => events.push(e.revision));
    await a.send("one");
    await a.send("two");
    await a.flush();
    a.truncate(2);
    await a.regenerate();
    await a.flush();
    // truncate(2) dropped "two" and its reply; regenerate() replaced the reply to "one".
    expect(
      (await store.load("t"))?.records.map((r) => [r.seq, (r.item as { content: string }).content]),
    ).toEqual([
      [0, "one"],
      [4, "Hello there!"],
    ]);
    expect(events.length).toBeGreaterThan(0);
    expect(b.messages).toEqual([]);
    expect(await b.refresh()).toBe(true);
    expect(b.messages.map((m) => m.content)).toEqual(["one", "Hello there!"]);
    expect(await b.refresh()).toBe(false);
    // a commits while b has its own commit in between: b's memory lacks a's message, and refresh() knows.
    a.appendMessage({ role: "user", content: "from a" });
    await a.flush();
    b.appendMessage({ role: "user", content: "from b" });
    await b.flush();
    expect(await b.refresh()).toBe(true);
    expect(b.messages.map((m) => m.content)).toEqual(["one", "Hello there!", "from a", "from b"]);
    b.truncate(2);
    await b.flush();
    // b continues the conversation after a's changes: nothing is lost or overwritten.
    await b.send("three");
    await b.flush();
    expect((await store.load("t"))?.header.count).toBe(4);
  });

  it("refuses bad options with a TypeError and a session of the other kind", async () => {
    const store = createMemoryStore();
    await expect(openChatSession(client, { id: "" } as never)).rejects.toThrow(TypeError);
    await expect(openChatSession(client, { id: "x", store: {} as never })).rejects.toThrow(/SessionStore/);
    const r = await openResponsesChatSession(client, { id: "kind", store });
    await r.send("hi");
    await r.flush();
    await expect(openChatSession(client, { id: "kind", store })).rejects.toThrow(/openResponsesChatSession/);
  });
});

describe("openResponsesChatSession", () => {
  it("restores turns and currentResponseId, and continues from it", async () => {
    const store = idbStore();
    const s = await openResponsesChatSession(client, { id: "r1", store, instructions: "Be brief." });
    await s.send("First");
    const text = await s.send("Second", () => {});
    expect(text).toBe("Hello there!");
    const lastId = s.currentResponseId;
    expect(lastId).toMatch(/^resp_/);
    await s.close();
    const again = await openResponsesChatSession(client, { id: "r1", store });
    expect(again.currentResponseId).toBe(lastId);
    expect(again.turns.map((t) => t.kind)).toEqual(["input", "response", "input", "response"]);
    expect(again.responseHistory.at(-1)?.getOutputText()).toBe("Hello there!");
    await again.send("Third");
    expect(server.seen.at(-1)!.body.previous_response_id).toBe(lastId);
    await again.close();
  });
});

describe("schema migration and import/export", () => {
  it("migrates a v0 session (whole history under one key) to v1 on open", async () => {
    const dbName = `v0-${++n}`;
    await set(`session:${v0Fixture.id}`, v0Fixture, createStore(dbName, "sessions"));
    const store = createIndexedDbStore({ dbName });
    const chat = await openChatSession(client, { id: "legacy-1", store });
    expect(chat.messages).toEqual(v0Fixture.messages);
    const dump = JSON.parse(await dumpIdb(dbName)) as { v?: number }[];
    expect(dump).toHaveLength(4); // header + 3 records, the v0 value deleted
    expect(dump.every((record) => record.v === 1)).toBe(true);
    expect(await listSessions({ store })).toEqual([
      expect.objectContaining({
        id: "legacy-1",
        title: "Trip planning",
        messageCount: 3,
        createdAt: 1700000000000,
      }),
    ]);
  });

  it("lists v0 sessions too (migrating them), and import validates with clear TypeErrors", async () => {
    const dbName = `v0-list-${++n}`;
    await set("session:old", { messages: [{ role: "user", content: "x" }] }, createStore(dbName, "sessions"));
    const store = createIndexedDbStore({ dbName });
    expect((await listSessions({ store })).map((s) => s.id)).toEqual(["old"]);
    const doc = await exportSessions({ store });
    await expect(importSessions(doc, { store })).rejects.toThrow(/already exist.*onConflict/);
    await expect(importSessions("{nope", { store })).rejects.toThrow(/not JSON/);
    await expect(importSessions({ ...doc, version: 2 }, { store })).rejects.toThrow(
      /version 2 is not supported/,
    );
    const broken = structuredClone(doc);
    (broken.sessions[0]!.records[0] as { status: string }).status = "done";
    await expect(importSessions(broken, { store: createMemoryStore() })).rejects.toThrow(
      /sessions\[0\]\.records\[0\]\.status must be/,
    );
    const fresh = createMemoryStore();
    expect(await importSessions(JSON.stringify(doc), { store: fresh })).toEqual(["old"]);
    expect((await fresh.load("old"))?.records.map((r) => r.item)).toEqual([{ role: "user", content: "x" }]);
  });
});
