import { OpenAI } from "@oaikit/core";
import { describe, expect, it } from "vitest";
import { msg, settle, texts, world } from "../../test/sync-world.js";
import { createMemoryStore } from "../memory-store.js";
import { openChatSession } from "../open-chat.js";
import type { RecordBody } from "../schema.js";
import { createRemoteStore } from "./remote-store.js";
import { memorySyncState } from "./state-storage.js";
import { createSyncedStore } from "./synced-store.js";

describe("createSyncedStore: two devices, one server", () => {
  it("a change on one device reaches the other", async () => {
    const { device } = world();
    const a = device();
    const b = device();
    await a.store.commit("s", { create: { kind: "chat", title: "Hello" }, append: [msg("one", 1)] });
    await settle(a.store, b.store);
    expect(texts(await b.store.load("s"))).toEqual(["one"]);
    expect((await b.local.load("s"))?.header.title).toBe("Hello");
    await b.store.commit("s", { append: [msg("two", 2)] });
    await settle(b.store, a.store);
    expect(texts(await a.local.load("s"))).toEqual(["one", "two"]);
  });

  it("both write offline, then sync: every message on both, in timestamp order", async () => {
    const { device, stores } = world();
    const a = device();
    const b = device();
    await a.store.commit("s", { create: { kind: "chat" }, append: [msg("m0", 1)] });
    await settle(a.store, b.store);
    a.net.online = false;
    b.net.online = false;
    await a.store.commit("s", { append: [msg("a1", 100)] });
    await b.store.commit("s", { append: [msg("b1", 150)] });
    await a.store.commit("s", { append: [msg("a2", 200)] });
    await b.store.commit("s", { append: [msg("b2", 250)] });
    await new Promise((r) => setTimeout(r, 40));
    await expect(a.store.sync()).rejects.toThrow();
    a.net.online = true;
    b.net.online = true;
    await settle(a.store, b.store, a.store);
    const expected = ["m0", "a1", "b1", "a2", "b2"];
    expect(texts(await stores.get("alice")!.load("s"))).toEqual(expected);
    expect(texts(await a.local.load("s"))).toEqual(expected);
    expect(texts(await b.local.load("s"))).toEqual(expected);
    expect((await a.local.list()).map((h) => h.id)).toEqual(["s"]); // no conflicted copy
  });

  it("a truncation against others' appends: the later side's version becomes a conflicted copy", async () => {
    const { device, stores } = world();
    const a = device();
    const b = device();
    await a.store.commit("s", {
      create: { kind: "chat", title: "Chat" },
      append: [msg("q", 1), msg("r", 2, "assistant")],
    });
    await settle(a.store, b.store);
    a.net.online = false;
    b.net.online = false;
    // A regenerates the reply (truncate + append); B asks a follow-up.
    await a.store.commit("s", { truncateFrom: 1, append: [msg("r-again", 10, "assistant")] });
    await b.store.commit("s", { append: [msg("follow-up", 20)] });
    await new Promise((r) => setTimeout(r, 40)); // the scheduled pushes fail: offline
    b.net.online = true;
    await settle(b.store);
    a.net.online = true;
    await settle(a.store, b.store);
    // B pushed first: the store keeps B's version; A's regenerated version is the copy.
    const server = stores.get("alice")!;
    expect(texts(await server.load("s"))).toEqual(["q", "r", "follow-up"]);
    const ids = (await server.list()).map((h) => h.id).sort();
    expect(ids).toHaveLength(2);
    const copyId = ids.find((id) => id !== "s")!;
    expect(copyId).toMatch(/^s~conflict-/);
    const copy = await server.load(copyId);
    expect(texts(copy)).toEqual(["q", "r-again"]);
    expect(copy?.header.title).toBe("Chat (conflicted copy)");
    for (const d of [a, b]) {
      expect(texts(await d.local.load("s"))).toEqual(["q", "r", "follow-up"]);
      expect(texts(await d.local.load(copyId))).toEqual(["q", "r-again"]);
    }
  });

  it("a network cut after the server applied a push: the retry is recognised, nothing is duplicated", async () => {
    const { device, stores } = world();
    const a = device();
    await a.store.commit("s", { create: { kind: "chat" }, append: [msg("one", 1)] });
    await settle(a.store);
    a.net.loseNextPushAnswer = true;
    await a.store.commit("s", { append: [msg("two", 2), msg("three", 3)] });
    await new Promise((r) => setTimeout(r, 40));
    await a.store.sync().catch(() => {});
    await settle(a.store);
    expect(texts(await stores.get("alice")!.load("s"))).toEqual(["one", "two", "three"]);
    expect(texts(await a.local.load("s"))).toEqual(["one", "two", "three"]);
    // More writes keep working from the recovered state.
    await a.store.commit("s", { append: [msg("four", 4)] });
    await settle(a.store);
    expect(texts(await stores.get("alice")!.load("s"))).toEqual(["one", "two", "three", "four"]);
  });

  it("deletes propagate; a delete against unseen changes keeps the session", async () => {
    const { device } = world();
    const a = device();
    const b = device();
    await a.store.commit("gone", { create: { kind: "chat" }, append: [msg("x", 1)] });
    await a.store.commit("kept", { create: { kind: "chat" }, append: [msg("y", 1)] });
    await settle(a.store, b.store);
    await a.store.delete("gone");
    await settle(a.store, b.store);
    expect(await b.local.load("gone")).toBeUndefined();

    a.net.online = false;
    await a.store.delete("kept");
    await b.store.commit("kept", { append: [msg("z", 2)] });
    await settle(b.store);
    a.net.online = true;
    await settle(a.store);
    expect(texts(await a.local.load("kept"))).toEqual(["y", "z"]);
  });

  it("a streamed reply's continuation merges with another device's message", async () => {
    const { device, stores } = world();
    const a = device();
    const b = device();
    await a.store.commit("s", { create: { kind: "chat" }, append: [msg("q", 1)] });
    const partial: RecordBody = { status: "partial", at: 2, item: { role: "assistant", content: "Hel" } };
    const r = await a.store.commit("s", { append: [partial] });
    await settle(a.store, b.store);
    b.net.online = true;
    await b.store.commit("s", { append: [msg("meanwhile", 3)] });
    await settle(b.store);
    const done: RecordBody = { status: "complete", at: 4, item: { role: "assistant", content: "Hello" } };
    await a.store.commit("s", { put: [{ seq: r.seqs[0]!, body: done }] });
    await settle(a.store, b.store);
    expect(texts(await stores.get("alice")!.load("s"))).toEqual(["q", "Hello", "meanwhile"]);
    expect(texts(await a.local.load("s"))).toEqual(["q", "Hello", "meanwhile"]);
    expect((await a.local.list()).length).toBe(1);
  });

  it("a server that lost its data gets the devices' sessions back; nothing is deleted for being missing", async () => {
    const { device, stores, restart } = world();
    const a = device();
    const b = device();
    await a.store.commit("kept", { create: { kind: "chat", title: "Keep me" }, append: [msg("one", 1)] });
    await settle(a.store, b.store);
    restart();
    await b.store.load("kept"); // an open: the pull finds nothing there
    await settle(b.store, a.store, b.store);
    expect(texts(await a.local.load("kept"))).toEqual(["one"]);
    expect(texts(await b.local.load("kept"))).toEqual(["one"]);
    expect(texts(await stores.get("alice")!.load("kept"))).toEqual(["one"]);
    expect((await stores.get("alice")!.list()).map((h) => [h.id, h.title])).toEqual([["kept", "Keep me"]]);
    // And deletes still travel on the new server.
    await a.store.delete("kept");
    await settle(a.store, b.store);
    expect(await b.local.load("kept")).toBeUndefined();
  });

  it("where the event stream is unavailable (404), a device polls and still gets the change", async () => {
    const { device, handler } = world();
    const a = device();
    const noEvents = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname === "/events") return new Response("no", { status: 404 });
      return handler(request);
    }) as typeof fetch;
    const local = createMemoryStore();
    const b = createSyncedStore({
      local,
      remote: createRemoteStore({ url: "http://sync.test", token: "tok-alice-2", fetch: noEvents }),
      state: memorySyncState(),
      pollMs: 50,
      pullOnFocus: false,
    });
    try {
      await a.store.commit("polled", { create: { kind: "chat" }, append: [msg("hi", 1)] });
      await settle(a.store);
      const deadline = Date.now() + 3_000;
      while (!texts(await local.load("polled"))) {
        expect(Date.now()).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(texts(await local.load("polled"))).toEqual(["hi"]);
      expect(b.status).not.toBe("error");
    } finally {
      b.close();
    }
  });

  it("an existing local session is pushed on the first sync; durable sessions work on top", async () => {
    const { device } = world();
    const a = device();
    await a.local.commit("old", { create: { kind: "chat", title: "Before sync" }, append: [msg("kept", 1)] });
    await settle(a.store);
    const b = device();
    await settle(b.store);
    expect(texts(await b.local.load("old"))).toEqual(["kept"]);

    const client = new OpenAI("", { baseURL: "http://127.0.0.1:9/v1" }); // appendMessage never calls it
    const chat = await openChatSession(client, { id: "live", store: a.store });
    chat.appendMessage({ role: "user", content: "typed on A" });
    await chat.flush();
    await settle(a.store, b.store);
    const onB = await openChatSession(client, { id: "live", store: b.store });
    expect(onB.messages).toEqual([{ role: "user", content: "typed on A" }]);
    await chat.close();
    await onB.close();
  });
});
