// Sync protocol scenarios over real HTTP, shared by the Deno suite (test/deno/handler_test.ts, against
// createDenoSyncHandler) and the workerd suite (test/workerd/run.mjs, against sessionsHandler and
// SessionsDurableObject under `wrangler dev --local`). Runtime-neutral: fetch, node:assert, the built
// package. Tokens: tok-alice and tok-alice-phone are user "alice", tok-bob is user "bob".
import assert from "node:assert/strict";
import { createMemoryStore } from "../dist/index.js";
import { createRemoteStore, createSyncedStore, memorySyncState } from "../dist/sync/index.js";

export { TOKENS } from "./sync-tokens.mjs";

const msg = (content, at) => ({ status: "complete", at, item: { role: "user", content } });
const texts = (s) => s?.records.map((r) => r.item.content);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Unique session ids per run: the server may keep state between scenarios. */
const unique = (name) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

/** A device: a memory local store synced to `url` behind a switchable network. */
export function device(url, token, { live = false } = {}) {
  const net = { online: true, loseNextPushAnswer: false };
  const fetchFn = async (input, init) => {
    if (!net.online) throw new TypeError("offline");
    const response = await fetch(input, init);
    if (net.loseNextPushAnswer && String(input).endsWith("/push")) {
      net.loseNextPushAnswer = false;
      await response.body?.cancel();
      throw new TypeError("connection reset");
    }
    return response;
  };
  const local = createMemoryStore();
  const remote = createRemoteStore({ url, token, fetch: fetchFn });
  const store = createSyncedStore({
    local,
    remote,
    state: memorySyncState(),
    live,
    pollMs: 0,
    pullOnFocus: false,
    autoStart: live,
  });
  return { local, remote, store, net };
}

export const scenarios = {
  /** A wrong token is 401 with nothing revealed; another user's token reaches none of the sessions. */
  async "a wrong token is 401 with nothing revealed; a user cannot list, read, write or delete another's sessions"({
    url,
  }) {
    const id = unique("private");
    for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: "Basic tok-alice" }]) {
      for (const [method, path] of [
        ["GET", "/sessions"],
        ["GET", `/sessions/${id}`],
        ["POST", `/sessions/${id}/push`],
        ["DELETE", `/sessions/${id}`],
        ["GET", "/events"],
      ]) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers,
          body: method === "POST" ? "{}" : undefined,
        });
        assert.equal(response.status, 401, `${method} ${path}`);
        assert.deepEqual(await response.json(), {
          error: { code: "unauthorized", message: "Missing or invalid credentials." },
        });
      }
    }
    const alice = createRemoteStore({ url, token: "tok-alice" });
    const bob = createRemoteStore({ url, token: "tok-bob" });
    await alice.commit(id, { create: { kind: "chat" }, append: [msg("secret", 1)] });
    assert.ok(!(await bob.list()).some((h) => h.id === id), "list");
    assert.equal(await bob.load(id), undefined, "read");
    await bob.commit(id, { create: { kind: "chat" }, append: [msg("bob's", 2)] }); // write: lands in Bob's own store
    await bob.delete(id); // delete: Bob's own
    assert.deepEqual(texts(await alice.load(id)), ["secret"]);
    assert.deepEqual(texts(await createRemoteStore({ url, token: "tok-alice-phone" }).load(id)), ["secret"]);
  },

  /** A change made through one entry point is announced on another's event stream. */
  async "change notices reach the user's event stream (and no other user's)"({ url, otherUrl = url }) {
    const id = unique("noticed");
    const open = async (token) => {
      const controller = new AbortController();
      const response = await fetch(`${otherUrl}/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      const reader = response.body.getReader();
      const state = { text: "" };
      const until = async (needle, ms = 15_000) => {
        const deadline = Date.now() + ms;
        while (!state.text.includes(needle)) {
          const next = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => null)]);
          if (!next || next.done) return false;
          state.text += new TextDecoder().decode(next.value);
        }
        return true;
      };
      return { state, until, close: () => controller.abort() };
    };
    const mine = await open("tok-alice-phone");
    const bobs = await open("tok-bob");
    try {
      assert.ok(await mine.until("event: ready"));
      assert.ok(await bobs.until("event: ready"));
      await createRemoteStore({ url, token: "tok-alice" }).commit(id, {
        create: { kind: "chat" },
        append: [msg("x", 1)],
      });
      assert.ok(await mine.until(`"id":"${id}"`), `no notice in ${JSON.stringify(mine.state.text)}`);
      assert.match(mine.state.text, new RegExp(`event: change\\ndata: \\{"id":"${id}","revision":1\\}`));
      assert.equal(await bobs.until(id, 500), false, "Bob heard of Alice's session");
    } finally {
      mine.close();
      bobs.close();
    }
  },

  /**
   * Two devices write to one session while offline, then sync: every message on both and on the server,
   * in timestamp order. In a second session one truncates while the other appends: the later side's
   * version becomes the conflicted copy, on both devices.
   */
  async "two devices write offline, then sync: all messages on both, in timestamp order; a conflicted copy"({
    url,
    otherUrl = url,
  }) {
    const s = unique("trip");
    const t = unique("draft");
    const a = device(url, "tok-alice");
    const b = device(otherUrl, "tok-alice-phone");
    await a.store.commit(s, { create: { kind: "chat", title: "Trip" }, append: [msg("m0", 1)] });
    await a.store.commit(t, { create: { kind: "chat", title: "Draft" }, append: [msg("q", 1), msg("r", 2)] });
    await sleep(30);
    await a.store.sync();
    await b.store.sync();
    a.net.online = false;
    b.net.online = false;
    await a.store.commit(s, { append: [msg("a1", 100)] });
    await b.store.commit(s, { append: [msg("b1", 150)] });
    await a.store.commit(s, { append: [msg("a2", 200)] });
    await b.store.commit(s, { append: [msg("b2", 250)] });
    await a.store.commit(t, { truncateFrom: 1, append: [msg("r-again", 400)] }); // A regenerates
    await b.store.commit(t, { append: [msg("follow-up", 300)] }); // B asks on
    await sleep(30); // the scheduled pushes fail: both offline
    b.net.online = true;
    await b.store.sync();
    a.net.online = true;
    await a.store.sync();
    await b.store.sync();
    const server = createRemoteStore({ url, token: "tok-alice" });
    const expected = ["m0", "a1", "b1", "a2", "b2"];
    assert.deepEqual(texts(await server.load(s)), expected);
    assert.deepEqual(texts(await a.local.load(s)), expected);
    assert.deepEqual(texts(await b.local.load(s)), expected);
    // t: B synced first; A's truncation was based on an older revision: A's version is the copy.
    assert.deepEqual(texts(await server.load(t)), ["q", "r", "follow-up"]);
    const copies = (await server.list()).filter((h) => h.id.startsWith(`${t}~conflict-`));
    assert.equal(copies.length, 1, "one conflicted copy");
    assert.equal(copies[0].title, "Draft (conflicted copy)");
    assert.deepEqual(texts(await server.load(copies[0].id)), ["q", "r-again"]);
    for (const d of [a, b]) {
      assert.deepEqual(texts(await d.local.load(t)), ["q", "r", "follow-up"]);
      assert.deepEqual(texts(await d.local.load(copies[0].id)), ["q", "r-again"]);
    }
  },

  /** The answer to a push is lost after the server applied it: the retry is recognised, nothing doubles. */
  async "a network cut mid-push resumes without duplicates"({ url }) {
    const id = unique("cut");
    const a = device(url, "tok-alice");
    await a.store.commit(id, { create: { kind: "chat" }, append: [msg("one", 1)] });
    await sleep(30);
    await a.store.sync();
    a.net.loseNextPushAnswer = true;
    await a.store.commit(id, { append: [msg("two", 2), msg("three", 3)] });
    await sleep(30);
    await a.store.sync().catch(() => {});
    await a.store.sync();
    await a.store.commit(id, { append: [msg("four", 4)] });
    await sleep(30);
    await a.store.sync();
    const server = createRemoteStore({ url, token: "tok-alice" });
    assert.deepEqual(texts(await server.load(id)), ["one", "two", "three", "four"]);
    assert.deepEqual(texts(await a.local.load(id)), ["one", "two", "three", "four"]);
  },

  /** A device that follows the event stream pulls another device's change by itself. */
  async "a live device hears another's change and pulls it without being asked"({ url, otherUrl = url }) {
    const id = unique("live");
    const watcher = device(otherUrl, "tok-alice-phone", { live: true });
    try {
      await sleep(300); // the event stream connects
      const writer = device(url, "tok-alice");
      await writer.store.commit(id, { create: { kind: "chat" }, append: [msg("pushed", 1)] });
      await sleep(30);
      await writer.store.sync();
      const deadline = Date.now() + 15_000;
      while (!texts(await watcher.local.load(id))?.length) {
        assert.ok(Date.now() < deadline, "the watcher never pulled the change");
        await sleep(50);
      }
      assert.deepEqual(texts(await watcher.local.load(id)), ["pushed"]);
    } finally {
      watcher.store.close();
    }
  },
};
