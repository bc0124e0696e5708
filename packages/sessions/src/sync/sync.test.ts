import { OpenAI } from "@oaikit/core";
import { describe, expect, it } from "vitest";
import { createMemoryStore } from "../memory-store.js";
import { openChatSession } from "../open-chat.js";
import type { RecordBody, StoredSession } from "../schema.js";
import type { SessionStore } from "../store.js";
import { baseOf, type PushRequest, recordHash } from "../sync-protocol/protocol.js";
import { bearerAuthorizer, createSyncHandler } from "../sync-server/handler.js";
import { decidePush } from "../sync-server/merge.js";
import { createRemoteStore } from "./remote-store.js";
import { memorySyncState } from "./state.js";
import { createSyncedStore, type SyncedStore } from "./synced-store.js";

const msg = (content: string, at: number, role = "user"): RecordBody => ({
  status: "complete",
  at,
  item: { role, content } as RecordBody["item"],
});
const texts = (s: StoredSession | undefined) =>
  s?.records.map((r) => (r.item as { content: string }).content);

/** One server (the handler over per-user memory stores) and devices that reach it through a switchable network. */
function world() {
  const stores = new Map<string, SessionStore>();
  const start = () =>
    createSyncHandler({
      authorize: bearerAuthorizer({ "tok-alice": "alice", "tok-alice-2": "alice", "tok-bob": "bob" }),
      store: (user) => {
        if (!stores.has(user)) stores.set(user, createMemoryStore());
        return stores.get(user)!;
      },
    });
  let current = start();
  const handler = (request: Request) => current(request);
  /** The server restarts with empty memory stores (a new store identity). */
  const restart = () => {
    stores.clear();
    current = start();
  };
  const device = (token = "tok-alice") => {
    const net = { online: true, loseNextPushAnswer: false, requests: [] as string[] };
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!net.online) throw new TypeError("Failed to fetch (offline)");
      const request = new Request(input, init);
      net.requests.push(`${request.method} ${new URL(request.url).pathname}`);
      const response = await handler(request);
      if (net.loseNextPushAnswer && request.url.endsWith("/push")) {
        net.loseNextPushAnswer = false;
        await response.text();
        throw new TypeError("network cut while the answer was on its way");
      }
      return response;
    }) as typeof fetch;
    const local = createMemoryStore();
    const remote = createRemoteStore({ url: "http://sync.test", token, fetch: fetchFn });
    const store = createSyncedStore({
      local,
      remote,
      state: memorySyncState(),
      live: false,
      pollMs: 0,
      pullOnFocus: false,
      autoStart: false,
    });
    return { store, local, remote, net };
  };
  return { handler, stores, device, restart };
}

/** Lets scheduled pushes start, then waits for a full sync. */
async function settle(...stores: SyncedStore[]) {
  await new Promise((r) => setTimeout(r, 40));
  for (const store of stores) await store.sync();
}

describe("decidePush: the conflict rule", () => {
  const session = (records: RecordBody[], revision = records.length): StoredSession => ({
    header: {
      v: 1,
      id: "s",
      kind: "chat",
      title: "T",
      createdAt: 1,
      updatedAt: 1,
      revision,
      nextSeq: records.length,
      count: records.length,
    },
    records: records.map((body, seq) => ({ v: 1, seq, ...body })),
  });

  it("applies a push based on the current revision as sent", () => {
    const s = session([msg("a", 1)]);
    const d = decidePush(s, { base: baseOf(s), append: [msg("b", 2)] });
    expect(d).toMatchObject({ kind: "commit", outcome: "applied", change: { append: [msg("b", 2)] } });
  });

  it("merges appends from both sides by timestamp, moving stored records that come later", () => {
    const base = session([msg("m", 1)]);
    const now = session([msg("m", 1), msg("a1", 10), msg("a2", 30)], 2);
    const d = decidePush(now, { base: baseOf(base), append: [msg("b1", 20), msg("b2", 40)] });
    if (d.kind !== "commit") throw new Error(d.kind);
    expect(d.outcome).toBe("merged");
    expect(d.change.truncateFrom).toBe(2); // a2 moves after b1
    expect(d.change.append?.map((b) => (b.item as { content: string }).content)).toEqual(["b1", "a2", "b2"]);
    expect(d.moved).toEqual([{ seq: 2, index: 1 }]);
  });

  it("keeps the stored order when every pushed record is later", () => {
    const base = session([msg("m", 1)]);
    const now = session([msg("m", 1), msg("a1", 10)], 2);
    const d = decidePush(now, { base: baseOf(base), append: [msg("b1", 20)] });
    expect(d).toMatchObject({ kind: "commit", outcome: "merged", moved: [] });
    if (d.kind === "commit") expect(d.change.truncateFrom).toBeUndefined();
  });

  it("recognises a push it already applied (a retry after a lost answer)", () => {
    const base = session([msg("m", 1)]);
    const push: PushRequest = { base: baseOf(base), append: [msg("b", 2)] };
    const now = session([msg("m", 1), msg("b", 2)], 2);
    expect(decidePush(now, push)).toEqual({ kind: "duplicate", seqs: [1] });
  });

  it("conflicts when the push truncates and the store gained records since its base", () => {
    const base = session([msg("m", 1), msg("r", 2, "assistant")]);
    const now = session([msg("m", 1), msg("r", 2, "assistant"), msg("u", 3)], 3);
    const d = decidePush(now, { base: baseOf(base), truncateFrom: 1, append: [msg("r2", 4, "assistant")] });
    expect(d.kind).toBe("conflict");
  });

  it("conflicts when the store was truncated since the base and the push appends", () => {
    const base = session([msg("m", 1), msg("r", 2, "assistant")]);
    const now = session([msg("m", 1)], 3);
    now.header.nextSeq = 3;
    now.records.push({ v: 1, seq: 2, ...msg("r2", 5, "assistant") });
    const d = decidePush(now, { base: baseOf(base), append: [msg("u", 4)] });
    expect(d.kind).toBe("conflict");
  });

  it("takes a streamed reply's continuation (a put on a partial record) alongside others' appends", () => {
    const partial: RecordBody = { status: "partial", at: 2, item: { role: "assistant", content: "Hel" } };
    const base = session([msg("m", 1), partial]);
    const now = session([msg("m", 1), partial, msg("other", 3)], 3);
    const done: RecordBody = { status: "complete", at: 4, item: { role: "assistant", content: "Hello" } };
    const d = decidePush(now, {
      base: baseOf(base),
      put: [{ seq: 1, body: done, prev: recordHash(partial) }],
    });
    expect(d).toMatchObject({ kind: "commit", outcome: "merged", change: { put: [{ seq: 1, body: done }] } });
  });

  it("keeps the store's title when both sides renamed", () => {
    const base = session([msg("m", 1)]);
    const now = session([msg("m", 1)], 2);
    now.header.title = "Theirs";
    const d = decidePush(now, { base: baseOf(base), set: { title: "Mine" }, append: [msg("x", 2)] });
    if (d.kind !== "commit") throw new Error(d.kind);
    expect(d.change.set?.title).toBeUndefined();
  });
});

describe("sync handler", () => {
  it("answers 401 with nothing revealed for a missing or wrong token", async () => {
    const { handler } = world();
    for (const auth of [undefined, "Bearer nope", "Basic tok-alice"]) {
      const response = await handler(
        new Request("http://sync.test/sessions", { headers: auth ? { authorization: auth } : {} }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(await response.json()).toEqual({
        error: { code: "unauthorized", message: "Missing or invalid credentials." },
      });
    }
  });

  it("keeps users apart: another user's token cannot list, read, write or delete", async () => {
    const { device } = world();
    const alice = device("tok-alice");
    await alice.remote.commit("private", { create: { kind: "chat" }, append: [msg("secret", 1)] });
    const bob = device("tok-bob");
    expect(await bob.remote.list()).toEqual([]);
    expect(await bob.remote.load("private")).toBeUndefined();
    // Bob's write and delete land in Bob's own store; Alice's session is untouched.
    await bob.remote.commit("private", { create: { kind: "chat" }, append: [msg("bob was here", 2)] });
    await bob.remote.delete("private");
    expect(await bob.remote.load("private")).toBeUndefined();
    expect(texts(await alice.remote.load("private"))).toEqual(["secret"]);
    // The same user on another token (a second device) sees it.
    expect(texts(await device("tok-alice-2").remote.load("private"))).toEqual(["secret"]);
  });

  it("answers CORS preflights and refuses malformed pushes with 400", async () => {
    const { handler } = world();
    const pre = await handler(new Request("http://sync.test/sessions/x/push", { method: "OPTIONS" }));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-headers")).toContain("authorization");
    const bad = await handler(
      new Request("http://sync.test/sessions/x/push", {
        method: "POST",
        headers: { authorization: "Bearer tok-alice" },
        body: JSON.stringify({ base: null, append: [{ status: "nope" }] }),
      }),
    );
    expect(bad.status).toBe(400);
  });
});

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
