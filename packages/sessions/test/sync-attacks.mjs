// What a hostile or buggy device sends a sync server, as raw HTTP requests: shared by the memory suite
// (src/sync-server/attacks.test.ts, the handler in-process), the Deno suite (test/deno/handler_test.ts, against
// createDenoSyncHandler) and the workerd suite (test/workerd/run.mjs, against sessionsHandler and
// SessionsDurableObject). Each case once made a server answer 500, lose or resurrect data, or grow without
// bound; each now checks the answer the server must give. Runtime-neutral: fetch and node:assert only.
import assert from "node:assert/strict";

/** Unique session ids per run: the server may keep state between cases. */
const unique = (name) => `${name}-${Math.random().toString(36).slice(2, 8)}`;
const msg = (content, at = 1) => ({ status: "complete", at, item: { role: "user", content } });
const texts = (session) => session?.records.map((r) => r.item.content);

/** Raw requests as user `token` to the handler at `url` (through `fetchFn`, default the global fetch). */
export function client(url, token, fetchFn = globalThis.fetch) {
  const call = async (path, init = {}) => {
    const response = await fetchFn(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });
    const text = await response.text();
    let body;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: response.status, body };
  };
  const segment = (id) => encodeURIComponent(id);
  return {
    call,
    push: (id, push) =>
      call(`/sessions/${segment(id)}/push`, {
        method: "POST",
        body: typeof push === "string" ? push : JSON.stringify(push),
      }),
    load: (id) => call(`/sessions/${segment(id)}`),
    remove: (id, query = "") => call(`/sessions/${segment(id)}${query}`, { method: "DELETE" }),
    list: () => call("/sessions"),
  };
}

/** The `base` a device sends for a session it last saw as `session` (the protocol's `baseOf`). */
function baseOf(session, tail = []) {
  const { header, records } = session;
  return {
    revision: header.revision,
    nextSeq: header.nextSeq,
    createdAt: header.createdAt,
    count: records.length,
    tail,
    title: header.title,
  };
}

/** A push body holding one message whose item nests `depth` levels (as text: no stack needed to build it). */
function deepPush(depth, extra = {}) {
  const nested = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  const head = JSON.stringify({ base: null, force: true, ...extra, append: [] }).slice(0, -3);
  return `${head}[{"status":"complete","at":5,"item":{"role":"user","content":"deep","extra":${nested}}}]}`;
}

export const attacks = {
  /** Once accepted (4.9 KB), then every read (memory) or every push from an older base (KV, DO) was 500. */
  async "a message nested 2,400 levels deep is refused (400); the session stays readable and writable"({
    url,
    fetch,
  }) {
    const alice = client(url, "tok-alice", fetch);
    const id = unique("deep");
    const created = await alice.push(id, { base: null, create: { kind: "chat" }, append: [msg("m0")] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const before = (await alice.load(id)).body.session;
    const deep = await alice.push(id, deepPush(2_400));
    assert.equal(deep.status, 400, `deep append: ${deep.status} ${JSON.stringify(deep.body).slice(0, 200)}`);
    assert.match(deep.body.error.message, /nested deeper than 500 levels/);
    const deepPut = await alice.push(
      id,
      deepPush(2_400).replace('"append":[', '"put":[{"seq":0,"body":').replace(/]}$/, "}]}"),
    );
    assert.equal(deepPut.status, 400, `deep put: ${deepPut.status}`);
    // Still readable, and a push from an older base (the merge path, which hashes every record) works.
    await alice.push(id, { base: baseOf(before), append: [msg("m1", 2)] });
    const merged = await alice.push(id, { base: baseOf(before), append: [msg("m2", 3)] });
    assert.equal(merged.status, 200, JSON.stringify(merged.body).slice(0, 300));
    assert.equal(merged.body.result, "merged");
    const read = await alice.load(id);
    assert.equal(read.status, 200);
    assert.deepEqual(texts(read.body.session), ["m0", "m1", "m2"]);
    assert.equal((await alice.remove(id)).status, 200);
  },

  /** Once 200: the memory store overwrote it with a later append; a Durable Object refused every append after. */
  async "a put past nextSeq is refused; appends and counts stay right"({ url, fetch }) {
    const alice = client(url, "tok-alice", fetch);
    const id = unique("put");
    await alice.push(id, { base: null, create: { kind: "chat" }, append: [msg("m0"), msg("m1")] });
    const past = await alice.push(id, { base: null, force: true, put: [{ seq: 5, body: msg("ghost") }] });
    assert.equal(past.status, 409, `put past nextSeq: ${past.status} ${JSON.stringify(past.body)}`);
    const edit = await alice.push(id, { base: null, force: true, put: [{ seq: 1, body: msg("m1 edited") }] });
    assert.equal(edit.status, 200);
    const more = await alice.push(id, {
      base: null,
      force: true,
      append: [msg("m2"), msg("m3"), msg("m4"), msg("m5"), msg("m6")],
    });
    assert.equal(more.status, 200, JSON.stringify(more.body));
    assert.deepEqual(more.body.seqs, [2, 3, 4, 5, 6]);
    const { session } = (await alice.load(id)).body;
    assert.deepEqual(texts(session), ["m0", "m1 edited", "m2", "m3", "m4", "m5", "m6"]);
    assert.equal(session.header.count, session.records.length);
    assert.equal(session.header.pushes, undefined, "the server's bookkeeping stays on the server");
  },

  /** Once `merged`: the resent push brought back the message another device had removed. */
  async "a resent push after its message was removed, or its session deleted, is duplicate: nothing comes back"({
    url,
    fetch,
  }) {
    const phone = client(url, "tok-alice-phone", fetch);
    const laptop = client(url, "tok-alice", fetch);
    const id = unique("replay");
    await phone.push(id, { id: unique("p"), base: null, create: { kind: "chat" }, append: [msg("m0", 1)] });
    const seen = (await phone.load(id)).body.session;
    // The phone's push is applied, but its answer is lost: it will resend the same body.
    const lost = JSON.stringify({ id: unique("p"), base: baseOf(seen), append: [msg("x", 2)] });
    assert.equal((await phone.push(id, lost)).body.result, "applied");
    // The laptop, which saw x, removes it.
    const now = (await laptop.load(id)).body.session;
    const removed = await laptop.push(id, { id: unique("p"), base: baseOf(now), truncateFrom: 1 });
    assert.equal(removed.body.result, "applied");
    const resent = await phone.push(id, lost);
    assert.equal(resent.status, 200);
    assert.equal(resent.body.result, "duplicate", `resend: ${JSON.stringify(resent.body).slice(0, 300)}`);
    assert.deepEqual(resent.body.seqs, [-1]);
    assert.deepEqual(texts((await laptop.load(id)).body.session), ["m0"]);

    // The same after the whole session was deleted by a device that saw the push.
    const before = (await phone.load(id)).body.session;
    const last = JSON.stringify({ id: unique("p"), base: baseOf(before), append: [msg("y", 3)] });
    assert.equal((await phone.push(id, last)).status, 200);
    const at = (await laptop.load(id)).body.session.header;
    assert.equal((await laptop.remove(id, `?revision=${at.revision}&createdAt=${at.createdAt}`)).status, 200);
    const again = await phone.push(id, last);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.result, "duplicate");
    assert.equal(again.body.session, null);
    assert.equal((await laptop.load(id)).status, 404);

    // And a resent create (base null) of a session deleted since.
    const other = unique("replay-create");
    const create = JSON.stringify({
      id: unique("p"),
      base: null,
      create: { kind: "chat" },
      append: [msg("z")],
    });
    assert.equal((await phone.push(other, create)).body.result, "applied");
    assert.equal((await laptop.remove(other)).status, 200);
    const recreated = await phone.push(other, create);
    assert.equal(recreated.body.result, "duplicate", JSON.stringify(recreated.body));
    assert.equal((await laptop.load(other)).status, 404);
    const listed = (await laptop.list()).body.sessions.map((h) => h.id);
    assert.ok(!listed.includes(id) && !listed.includes(other), "deleted sessions stay deleted");
    assert.ok(
      listed.every((listedId) => !listedId.startsWith("\u0000")),
      "no bookkeeping in the list",
    );
  },

  /** Once 500 "The session store failed" (bad %-encoding); ids that cannot sync were stored. */
  async "malformed ids and queries are 400, never 500"({ url, fetch }) {
    const alice = client(url, "tok-alice", fetch);
    const body = JSON.stringify({ base: null, create: { kind: "chat" }, append: [msg("x")] });
    const ids = ["%ff", "%", "%zz", "%ED%A0%80", "%00bookkeeping", "a".repeat(513), "%E2%80"];
    for (const raw of ids) {
      for (const [method, suffix] of [
        ["GET", ""],
        ["POST", "/push"],
        ["DELETE", ""],
      ]) {
        const answer = await alice.call(`/sessions/${raw}${suffix}`, {
          method,
          ...(method === "POST" ? { body } : {}),
        });
        assert.equal(
          answer.status,
          400,
          `${method} /sessions/${raw.slice(0, 20)}${suffix}: ${answer.status}`,
        );
        assert.equal(answer.body.error.code, "bad_request");
      }
    }
    const id = unique("query");
    await alice.push(id, body);
    for (const query of ["?revision=abc", "?revision=1&createdAt=soon", "?revision=-1", "?revision="]) {
      const answer = await alice.remove(id, query);
      assert.equal(answer.status, 400, `DELETE ${query}: ${answer.status}`);
    }
    assert.equal((await alice.load(id)).status, 200, "nothing was deleted by a malformed request");
    for (const bad of [
      "not json",
      "[]",
      JSON.stringify({ base: null, append: [{ status: "complete", at: 1, item: { role: "nobody" } }] }),
      JSON.stringify({ base: null, truncateFrom: 1e300 }),
      JSON.stringify({ id: "x".repeat(200), base: null }),
    ]) {
      const answer = await alice.push(id, bad);
      assert.equal(answer.status, 400, `push ${bad.slice(0, 60)}: ${answer.status}`);
    }
  },

  /** Once 500 on Cloudflare: a user id with a newline cannot be a header value (`Invalid header value`). */
  async "a user id with a newline or text outside Latin-1 is served like any other"({ url, fetch }) {
    for (const token of ["tok-newline", "tok-unicode"]) {
      const user = client(url, token, fetch);
      const id = unique("odd-user");
      const pushed = await user.push(id, { base: null, create: { kind: "chat" }, append: [msg("hi")] });
      assert.equal(pushed.status, 200, `${token}: ${pushed.status} ${JSON.stringify(pushed.body)}`);
      assert.deepEqual(texts((await user.load(id)).body.session), ["hi"]);
      assert.ok((await user.list()).body.sessions.some((h) => h.id === id));
      // Still one user's own: alice does not see it.
      assert.equal((await client(url, "tok-alice", fetch).load(id)).status, 404);
    }
  },

  /** Once unbounded: 50 unread streams and 20,000 notices grew the heap by 233 MB. */
  async "a user's event streams are capped: past 32, the oldest is closed"({
    url,
    fetch = globalThis.fetch,
  }) {
    const controllers = [];
    const readers = [];
    const open = async (token) => {
      const controller = new AbortController();
      controllers.push(controller);
      const response = await fetch(`${url}/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      assert.equal(response.status, 200);
      const reader = response.body.getReader();
      readers.push(reader);
      return reader;
    };
    /** Reads until the stream ends (true) or `ms` pass (false). */
    const ends = async (reader, ms) => {
      const deadline = Date.now() + ms;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return false;
        const next = await Promise.race([
          reader.read(),
          new Promise((resolve) => setTimeout(() => resolve(null), left)),
        ]);
        if (!next) return false;
        if (next.done) return true;
      }
    };
    try {
      const bobs = await open("tok-bob");
      const first = await open("tok-alice");
      const rest = [];
      for (let i = 0; i < 32; i++) rest.push(await open(i % 2 ? "tok-alice" : "tok-alice-phone"));
      assert.equal(await ends(first, 10_000), true, "the oldest stream was closed");
      assert.equal(await ends(rest.at(-1), 300), false, "the newest stream stays open");
      assert.equal(await ends(bobs, 300), false, "another user's stream stays open");
    } finally {
      for (const reader of readers) await reader.cancel().catch(() => {});
      for (const controller of controllers) controller.abort();
    }
  },
};
