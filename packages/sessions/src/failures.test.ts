import { OpenAI } from "@oaikit/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { nestedJson, startLlmServer } from "../test/llm-server.js";
import type { SessionStoreError } from "./errors.js";
import { createMemoryStore } from "./memory-store.js";
import { openChatSession } from "./open-chat.js";
import { openResponsesChatSession } from "./open-responses.js";
import type { SessionStore } from "./store.js";

// Issue 11 #10: a failure while persisting (a copy that throws, a store that throws, an onError that
// throws) must reach onError / lastError, never the process as an uncaught exception.

let server: Awaited<ReturnType<typeof startLlmServer>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startLlmServer({ delayMs: 1 });
  client = new OpenAI("sk-test", { baseURL: server.url, defaultModel: "m", maxRetries: 0 });
});
afterAll(() => server.close());

// Vitest would report an uncaught exception too, but after the test: catch it here to fail the test itself.
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
beforeEach(() => {
  uncaught.length = 0;
  process.prependListener("uncaughtException", onUncaught);
  process.prependListener("unhandledRejection", onUncaught);
});
afterEach(() => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
  server.state.responseExtra = undefined;
});
const settle = () => new Promise((r) => setTimeout(r, 30));

describe("a reply that cannot be stored (issue 11 #10)", () => {
  for (const [label, depth] of [
    ["20,000 levels (JSON.stringify throws RangeError)", 20_000],
    // Deep enough for structuredClone (the memory store, IndexedDB) to throw, not JSON.stringify: refused
    // before it reaches the store, or it would fail every later commit.
    ["3,000 levels (structuredClone throws)", 3_000],
  ] as const) {
    for (const streamed of [false, true]) {
      it(`${label}, ${streamed ? "streamed" : "not streamed"}: onError, lastError, kept in memory, the rest stored`, async () => {
        const store = createMemoryStore();
        const errors: SessionStoreError[] = [];
        const s = await openResponsesChatSession(client, {
          id: "deep",
          store,
          onError: (e) => errors.push(e),
        });
        const send = (text: string) => (streamed ? s.send(text, () => {}) : s.send(text));
        await send("first");
        await s.flush();
        server.state.responseExtra = nestedJson(depth);
        await send("deep one");
        await settle();
        server.state.responseExtra = undefined;
        // The turn is in memory; the session goes on.
        expect(s.turns.map((t) => t.kind)).toEqual(["input", "response", "input", "response"]);
        expect(s.currentResponseId).toBe((s.turns[3] as { response: { id: string } }).response.id);
        expect(uncaught).toEqual([]);
        expect(errors).toHaveLength(1);
        expect(errors[0]!.code).toBe("data");
        expect(errors[0]!.message).toMatch(/nested/);
        expect(s.lastError?.code).toBe("data");
        await send("after");
        await s.flush();
        expect(uncaught).toEqual([]);
        // A later successful write does not hide the standing problem: that turn is still not stored.
        expect(s.lastError?.code).toBe("data");
        const stored = await store.load("deep");
        // Streamed, the reply was stored as partial before it ended: that record is kept as it was (and
        // reads as interrupted after a reload), rather than deleted.
        expect(stored?.records.map((r) => [(r.item as { kind: string }).kind, r.status])).toEqual([
          ["input", "complete"],
          ["response", "complete"],
          ["input", "complete"],
          ...(streamed ? [["partial", "partial"]] : []),
          ["input", "complete"],
          ["response", "complete"],
        ]);
        // The header follows the conversation, so a reopened session continues from the last response.
        expect(stored?.header.currentResponseId).toBe(s.currentResponseId);
        // Cutting the unstorable turn away clears the error.
        s.truncate(3);
        await s.flush();
        expect(s.lastError).toBeUndefined();
        expect(uncaught).toEqual([]);
        await s.close();
      });
    }
  }

  it("flush() rejects with the data error when the copy fails during it; the other changes are written", async () => {
    const store = createMemoryStore();
    const chat = await openChatSession(client, { id: "cyclic", store, onError: () => {} });
    const cyclic: Record<string, unknown> = { role: "user", content: "loop" };
    cyclic.self = cyclic;
    chat.appendMessage({ role: "user", content: "fine" }, cyclic as never, { role: "user", content: "also" });
    const failure = (await chat.flush().catch((e: unknown) => e)) as SessionStoreError;
    expect(failure.code).toBe("data");
    expect(chat.pendingWrites).toBe(0);
    expect((await store.load("cyclic"))?.records.map((r) => (r.item as { content: string }).content)).toEqual(
      ["fine", "also"],
    );
    expect(chat.messages).toHaveLength(3);
    expect(uncaught).toEqual([]);
  });
});

describe("store and callback failures never escape", () => {
  it("a store whose commit throws synchronously, and an onError that throws: reported, retried, no crash", async () => {
    const inner = createMemoryStore();
    let broken = true;
    const store: SessionStore = {
      load: (id) => inner.load(id),
      list: () => inner.list(),
      delete: (id) => inner.delete(id),
      commit: ((id, change) => {
        if (broken) throw new Error("disk on fire");
        return inner.commit(id, change);
      }) as SessionStore["commit"],
    };
    let calls = 0;
    const chat = await openChatSession(client, {
      id: "sync-throw",
      store,
      onError: () => {
        calls++;
        throw new Error("the app's error handler is broken too");
      },
    });
    await chat.send("Hi", () => {});
    await settle();
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(chat.lastError?.code).toBe("failed");
    expect(chat.messages).toHaveLength(2);
    broken = false;
    // The retry was scheduled even though onError threw (backoff: 0.5 s, 1 s, 2 s, ... after each failure).
    await vi.waitFor(() => expect(chat.pendingWrites).toBe(0), { timeout: 10_000, interval: 50 });
    expect(chat.lastError).toBeUndefined();
    expect((await inner.load("sync-throw"))?.records).toHaveLength(2);
    expect(uncaught).toEqual([]);
    await chat.close();
  }, 30_000); // waits through the writer's retry backoff (about 4 s): a limit, not an assertion
});
