// The sync handler on Deno: createDenoSyncHandler on Deno.serve over a local KV file, reached by
// createRemoteStore / createSyncedStore devices over real HTTP on 127.0.0.1. Two servers on two KV
// connections to the same file stand for two Deno Deploy isolates.
import assert from "node:assert/strict";
import { bearerAuthorizer, createDenoSyncHandler } from "../../dist/deno/index.js";
import { createMemoryStore } from "../../dist/index.js";
import { createRemoteStore, createSyncedStore, memorySyncState } from "../../dist/sync/index.js";

const TOKENS = { "tok-alice": "alice", "tok-alice-phone": "alice", "tok-bob": "bob" };
const msg = (content: string, at: number) => ({
  status: "complete" as const,
  at,
  item: { role: "user", content },
});
const texts = (s: { records: { item: unknown }[] } | undefined) =>
  s?.records.map((r) => (r.item as { content: string }).content);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two servers ("isolates") on two connections to one KV file. */
async function servers(fn: (urls: [string, string], kvs: Deno.Kv[]) => Promise<void>) {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const kvs = [await Deno.openKv(path), await Deno.openKv(path)];
  const running = kvs.map((kv) =>
    Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      createDenoSyncHandler({ kv, authorize: bearerAuthorizer(TOKENS), basePath: "/sync" }),
    ),
  );
  try {
    await fn(running.map((s) => `http://127.0.0.1:${s.addr.port}/sync`) as [string, string], kvs);
  } finally {
    for (const server of running) await server.shutdown();
    for (const kv of kvs) kv.close();
    await Deno.remove(path).catch(() => {});
  }
}

/** A device: a memory local store synced to `url`, behind a switchable network. */
function device(url: string, token: string, live = false) {
  const net = { online: true, loseNextPushAnswer: false };
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!net.online) throw new TypeError("offline");
    const response = await fetch(input, init);
    if (net.loseNextPushAnswer && String(input).endsWith("/push")) {
      net.loseNextPushAnswer = false;
      await response.body?.cancel();
      throw new TypeError("connection reset");
    }
    return response;
  }) as typeof fetch;
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

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test(
  "a wrong token is 401 with nothing revealed; another user's token reaches none of the sessions",
  opts,
  () =>
    servers(async ([url]) => {
      for (const auth of [{}, { authorization: "Bearer wrong" }]) {
        const response = await fetch(`${url}/sessions/private`, { headers: auth });
        assert.equal(response.status, 401);
        assert.deepEqual(await response.json(), {
          error: { code: "unauthorized", message: "Missing or invalid credentials." },
        });
      }
      const alice = createRemoteStore({ url, token: "tok-alice" });
      const bob = createRemoteStore({ url, token: "tok-bob" });
      await alice.commit("private", { create: { kind: "chat" }, append: [msg("secret", 1)] });
      assert.deepEqual(await bob.list(), []);
      assert.equal(await bob.load("private"), undefined);
      await bob.commit("private", { create: { kind: "chat" }, append: [msg("bob's", 2)] });
      await bob.delete("private");
      assert.deepEqual(texts(await alice.load("private")), ["secret"]);
      assert.deepEqual(
        (await alice.list()).map((h) => h.id),
        ["private"],
      );
    }),
);

Deno.test("change notices reach the event stream of another isolate (kv.watch)", opts, () =>
  servers(async ([first, second]) => {
    const controller = new AbortController();
    const response = await fetch(`${second}/events`, {
      headers: { authorization: "Bearer tok-alice-phone" },
      signal: controller.signal,
    });
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const reader = response.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 5_000;
      while (!text.includes(needle)) {
        const next = await Promise.race([reader.read(), sleep(deadline - Date.now()).then(() => null)]);
        assert.ok(next && !next.done, `no ${needle} in ${JSON.stringify(text)}`);
        text += new TextDecoder().decode(next.value);
      }
    };
    await readUntil("event: ready");
    await createRemoteStore({ url: first, token: "tok-alice" }).commit("s", {
      create: { kind: "chat" },
      append: [msg("x", 1)],
    });
    await readUntil('"id":"s"');
    assert.match(text, /event: change\ndata: \{"id":"s","revision":1\}/);
    // Bob's stream hears nothing of Alice's sessions.
    controller.abort();
  }),
);

Deno.test(
  "two devices write offline, then sync through two isolates: all messages on both, in timestamp order",
  opts,
  () =>
    servers(async ([first, second], kvs) => {
      const a = device(first, "tok-alice");
      const b = device(second, "tok-alice-phone");
      await a.store.commit("s", { create: { kind: "chat", title: "Trip" }, append: [msg("m0", 1)] });
      await sleep(30);
      await a.store.sync();
      await b.store.sync();
      a.net.online = b.net.online = false;
      await a.store.commit("s", { append: [msg("a1", 100)] });
      await b.store.commit("s", { append: [msg("b1", 150)] });
      await a.store.commit("s", { append: [msg("a2", 200)] });
      await b.store.commit("s", { append: [msg("b2", 250)] });
      // A regenerates elsewhere while B adds to it: a conflict by the rule.
      await a.store.commit("t", {
        create: { kind: "chat", title: "Draft" },
        append: [msg("q", 1), msg("r", 2)],
      });
      await sleep(30);
      a.net.online = true;
      await a.store.sync();
      a.net.online = false;
      b.net.online = true;
      await b.store.sync();
      await b.store.commit("t", { append: [msg("follow-up", 300)] });
      await sleep(30);
      await b.store.sync();
      await a.store.commit("t", { truncateFrom: 1, append: [msg("r-again", 400)] });
      a.net.online = true;
      await sleep(30);
      await a.store.sync();
      await b.store.sync();
      await a.store.sync();
      const expected = ["m0", "a1", "b1", "a2", "b2"];
      assert.deepEqual(texts(await a.local.load("s")), expected);
      assert.deepEqual(texts(await b.local.load("s")), expected);
      const server = createRemoteStore({ url: first, token: "tok-alice" });
      assert.deepEqual(texts(await server.load("s")), expected);
      // t: B's follow-up was first; A's truncation based on an older revision became the conflicted copy.
      assert.deepEqual(texts(await server.load("t")), ["q", "r", "follow-up"]);
      const copies = (await server.list()).filter((h) => h.id.startsWith("t~conflict-"));
      assert.equal(copies.length, 1);
      assert.equal(copies[0]!.title, "Draft (conflicted copy)");
      assert.deepEqual(texts(await server.load(copies[0]!.id)), ["q", "r-again"]);
      for (const d of [a, b]) {
        assert.deepEqual(texts(await d.local.load("t")), ["q", "r", "follow-up"]);
        assert.deepEqual(texts(await d.local.load(copies[0]!.id)), ["q", "r-again"]);
      }
      assert.equal(kvs.length, 2);
    }),
);

Deno.test("a network cut mid-push resumes without duplicates", opts, () =>
  servers(async ([url]) => {
    const a = device(url, "tok-alice");
    await a.store.commit("s", { create: { kind: "chat" }, append: [msg("one", 1)] });
    await sleep(30);
    await a.store.sync();
    a.net.loseNextPushAnswer = true;
    await a.store.commit("s", { append: [msg("two", 2), msg("three", 3)] });
    await sleep(30);
    await a.store.sync().catch(() => {});
    await a.store.sync();
    const server = createRemoteStore({ url, token: "tok-alice" });
    assert.deepEqual(texts(await server.load("s")), ["one", "two", "three"]);
    assert.deepEqual(texts(await a.local.load("s")), ["one", "two", "three"]);
  }),
);

Deno.test("a live device hears another's change and pulls it without being asked", opts, () =>
  servers(async ([first, second]) => {
    const watcher = device(second, "tok-alice-phone", true);
    try {
      await sleep(300); // the event stream connects
      const writer = device(first, "tok-alice");
      await writer.store.commit("live", { create: { kind: "chat" }, append: [msg("pushed", 1)] });
      await sleep(30);
      await writer.store.sync();
      const deadline = Date.now() + 5_000;
      while (!texts(await watcher.local.load("live"))?.length) {
        assert.ok(Date.now() < deadline, "the watcher never pulled the change");
        await sleep(50);
      }
      assert.deepEqual(texts(await watcher.local.load("live")), ["pushed"]);
    } finally {
      watcher.store.close();
    }
  }),
);
