// A model-based test of the sync protocol, shared by the memory suite (src/sync/model.test.ts), the Deno KV
// suite (test/deno/handler_test.ts) and the Durable Object suite (test/workerd/run.mjs).
//
// fast-check draws schedules: three devices (createSyncedStore over a memory store each) append, stream
// (a partial record, then its completion), edit, truncate and delete messages of two sessions, sync, go offline and back, and lose the answers of their
// pushes and deletes (the server applied the request, the device never heard: it resends). Every request
// goes through the model's network, one at a time, and the model reads the server's sessions after each
// one. It checks, as the schedule runs:
//  - no answer is a 5xx;
//  - a resent push the server had answered before is answered `duplicate` (it writes nothing), never
//    refused (a device whose push is refused because the session is gone pushes its copy again);
//  - no session holds a message twice;
//  - a message the server held disappears only through a request that removes (a push that truncates or
//    puts, a delete), never through a merge or a resend;
//  - a removed message comes back only in a session pushed whole (`create`: a conflicted copy, or a copy
//    re-pushed after its session was deleted while that device changed it, docs/sync.md rule 4), never
//    through a resend or a merge;
// and at the end, once every device is online and has synced: every device holds exactly the server's
// sessions, and every message the server ever held that no request removed is there.
//
// Runtime-neutral (fetch, node:assert, fast-check); the package is passed in (src for Vitest, dist for Deno
// and workerd). Failing schedules found while building it are kept in REGRESSIONS and run first.
import assert from "node:assert/strict";
import fc from "fast-check";

const DEVICES = 3;
const SESSIONS = 2;

/** An action of a schedule (what fast-check draws and shrinks). */
const action = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ t: fc.constant("append"), d: dev(), s: ses(), n: fc.integer({ min: 1, max: 2 }) }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("edit"), d: dev(), s: ses(), k: fc.nat(20) }) },
  // A streamed reply: a partial record, then (unless cut off) its continuation, a put that completes it.
  { weight: 2, arbitrary: fc.record({ t: fc.constant("stream"), d: dev(), s: ses(), finish: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant("truncate"),
      d: dev(),
      s: ses(),
      k: fc.nat(20),
      regen: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("delete"), d: dev(), s: ses() }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant("sync"), d: dev() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("offline"), d: dev() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("online"), d: dev() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("lose"), d: dev() }) },
  // Lets the pushes that commits scheduled (20 ms later) go out before the next action.
  { weight: 2, arbitrary: fc.record({ t: fc.constant("pause") }) },
);
function dev() {
  return fc.nat(DEVICES - 1);
}
function ses() {
  return fc.nat(SESSIONS - 1);
}

/** Schedules that failed while the model was built (kept, run first, on every backend). */
export const REGRESSIONS = [
  // A push applied, its answer lost; another device removes its message; the resend brought it back.
  [
    { t: "append", d: 0, s: 0, n: 1 },
    { t: "sync", d: 0 },
    { t: "lose", d: 0 },
    { t: "append", d: 0, s: 0, n: 1 },
    { t: "sync", d: 0 },
    { t: "offline", d: 0 },
    { t: "sync", d: 1 },
    { t: "truncate", d: 1, s: 0, k: 1, regen: false },
    { t: "sync", d: 1 },
    { t: "online", d: 0 },
    { t: "sync", d: 0 },
  ],
  // The same with the whole session deleted by the other device.
  [
    { t: "append", d: 0, s: 0, n: 2 },
    { t: "sync", d: 0 },
    { t: "lose", d: 0 },
    { t: "append", d: 0, s: 0, n: 1 },
    { t: "sync", d: 0 },
    { t: "offline", d: 0 },
    { t: "sync", d: 1 },
    { t: "delete", d: 1, s: 0 },
    { t: "sync", d: 1 },
    { t: "online", d: 0 },
    { t: "sync", d: 0 },
  ],
  // A create whose answer was lost, deleted elsewhere, then resent.
  [
    { t: "lose", d: 2 },
    { t: "append", d: 2, s: 1, n: 1 },
    { t: "sync", d: 2 },
    { t: "offline", d: 2 },
    { t: "sync", d: 0 },
    { t: "delete", d: 0, s: 1 },
    { t: "sync", d: 0 },
    { t: "online", d: 2 },
    { t: "sync", d: 2 },
  ],
  // Deleted while another device appended: that device pushed its copy back with the old createdAt, and
  // revision 1 again; a third device, whose base was that same (revision, createdAt), never pulled it.
  [
    { t: "append", d: 0, s: 0, n: 1 },
    { t: "append", d: 2, s: 0, n: 1 },
    { t: "pause" },
    { t: "sync", d: 1 },
    { t: "append", d: 1, s: 0, n: 1 },
    { t: "delete", d: 2, s: 0 },
    { t: "sync", d: 2 },
  ],
];

/**
 * Runs the model: `regressions` and then `runs` random schedules (fast-check `seed` when given). `target()`
 * gives the server of one run: `{ urls, fetch?, close? }` (devices are spread over `urls`: two Deno servers on
 * one KV file stand for two isolates). `pkg` holds createMemoryStore, createRemoteStore, createSyncedStore
 * and memorySyncState. Resolves to a summary line; rejects with the first failure (and its schedule).
 */
export async function runSyncModel({ pkg, target, runs, seed, maxActions = 30 }) {
  const stats = { schedules: 0, requests: 0, duplicates: 0, conflicts: 0, lost: 0, merged: 0 };
  for (const schedule of REGRESSIONS) await runSchedule(pkg, target, schedule, stats);
  if (runs === 0) return summary(stats);
  const parameters = { numRuns: runs };
  if (seed !== undefined) parameters.seed = seed;
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: maxActions, size: "max" }), (schedule) =>
      runSchedule(pkg, target, schedule, stats),
    ),
    parameters,
  );
  return summary(stats);
}

function summary(stats) {
  return (
    `${stats.schedules} schedules, ${stats.requests} requests, ${stats.lost} answers lost, ` +
    `${stats.duplicates} resends answered duplicate, ${stats.merged} merges, ${stats.conflicts} conflicts`
  );
}

async function runSchedule(pkg, target, schedule, stats) {
  stats.schedules++;
  const server = await target();
  const run = Math.random().toString(36).slice(2, 10);
  const token = `model-${run}`;
  const baseFetch = server.fetch ?? globalThis.fetch;
  const url = server.urls[0];
  const ids = Array.from({ length: SESSIONS }, (_, i) => `s${i}`);
  const model = new Model();
  const failures = [];
  let turn = Promise.resolve();
  let clock = 1_000;
  let counter = 0;

  /** The server's sessions, read as the same user (not through any device). */
  const snapshot = async () => {
    const headers = { authorization: `Bearer ${token}` };
    const list = await (await baseFetch(`${url}/sessions`, { headers })).json();
    const sessions = new Map();
    for (const header of list.sessions) {
      const response = await baseFetch(`${url}/sessions/${encodeURIComponent(header.id)}`, { headers });
      if (response.status === 200) sessions.set(header.id, (await response.json()).session);
      else await response.body?.cancel();
    }
    return sessions;
  };

  const devices = Array.from({ length: DEVICES }, (_, d) => {
    const net = { online: true, lose: false };
    const deviceUrl = server.urls[d % server.urls.length];
    // One request at a time across all devices, each followed by a read of the server: every change the
    // model sees is the effect of exactly one request.
    const fetchFn = (input, init) => {
      const step = turn.then(async () => {
        if (!net.online) throw new TypeError("offline");
        const method = init?.method ?? "GET";
        const path = new URL(String(input)).pathname;
        const body = typeof init?.body === "string" ? init.body : undefined;
        const response = await baseFetch(input, init);
        const text = await response.text();
        stats.requests++;
        const problem = await model.observe(
          { method, path, body, status: response.status, text, device: d },
          method === "GET" ? undefined : await snapshot(),
          stats,
        );
        if (problem) failures.push(problem);
        if (net.lose && method !== "GET") {
          net.lose = false;
          stats.lost++;
          throw new TypeError("the answer was lost on its way");
        }
        return new Response(text, { status: response.status, headers: response.headers });
      });
      turn = step.catch(() => {});
      return step;
    };
    const local = pkg.createMemoryStore();
    const store = pkg.createSyncedStore({
      local,
      remote: pkg.createRemoteStore({ url: deviceUrl, token, fetch: fetchFn }),
      state: pkg.memorySyncState(),
      live: false,
      pollMs: 0,
      pullOnFocus: false,
      autoStart: false,
    });
    return { local, store, net };
  });

  const text = (d) => `d${d}-${++counter}`;
  const message = (content, role = "user") => {
    clock += 10;
    return { status: "complete", at: clock, item: { role, content } };
  };
  const apply = async (a) => {
    const device = devices[a.d ?? 0];
    const id = ids[a.s];
    const current = a.s === undefined ? undefined : await device.local.load(id);
    const create = current ? {} : { create: { kind: "chat", title: id } };
    switch (a.t) {
      case "append":
        await device.store.commit(id, {
          ...create,
          append: Array.from({ length: a.n }, () => message(text(a.d))),
        });
        return;
      case "stream": {
        const content = text(a.d);
        const partial = { ...message(content, "assistant"), status: "partial" };
        const { seqs } = await device.store.commit(id, { ...create, append: [partial] });
        if (a.finish) {
          await new Promise((resolve) => setTimeout(resolve, 25)); // the partial may be pushed first
          await device.store.commit(id, {
            put: [{ seq: seqs[0], body: message(`${content}-done`, "assistant") }],
          });
        }
        return;
      }
      case "edit": {
        if (!current?.records.length) return;
        const record = current.records[a.k % current.records.length];
        await device.store.commit(id, { put: [{ seq: record.seq, body: message(`${text(a.d)}-edit`) }] });
        return;
      }
      case "truncate": {
        if (!current?.records.length) return;
        const record = current.records[a.k % current.records.length];
        await device.store.commit(id, {
          truncateFrom: record.seq,
          ...(a.regen ? { append: [message(`${text(a.d)}-again`, "assistant")] } : {}),
        });
        return;
      }
      case "delete":
        if (current) await device.store.delete(id);
        return;
      case "sync":
        await device.store.sync().catch(() => {});
        return;
      case "offline":
        device.net.online = false;
        return;
      case "online":
        device.net.online = true;
        return;
      case "lose":
        device.net.lose = true;
        return;
      case "pause":
        await new Promise((resolve) => setTimeout(resolve, 30));
        await turn;
        return;
    }
  };

  try {
    for (const a of schedule) {
      await apply(a);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // The end: everyone online, nothing lost any more, syncs until quiet.
    for (const device of devices) {
      device.net.online = true;
      device.net.lose = false;
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    for (let round = 0; round < 4; round++) {
      for (const device of devices) await device.store.sync().catch(() => {});
    }
    await turn;
    assert.deepEqual(failures, [], "failures while the schedule ran");
    const final = await snapshot();
    for (const [d, device] of devices.entries()) {
      assert.equal(device.store.lastError, undefined, `device ${d}: ${device.store.lastError?.message}`);
      assert.deepEqual(
        await contents(device.local),
        contentsOf(final),
        `device ${d} holds the server's sessions`,
      );
    }
    model.checkEnd(final);
  } catch (error) {
    const where = `schedule ${JSON.stringify(schedule)}`;
    throw new Error(`${error?.message ?? error}\n    ${where}`, { cause: error });
  } finally {
    for (const device of devices) device.store.close();
    await server.close?.();
  }
}

/** A store's sessions as `{ id: [text...] }` (every text with its status when not complete). */
async function contents(store) {
  const out = new Map();
  for (const header of await store.list()) out.set(header.id, await store.load(header.id));
  return contentsOf(out);
}

function contentsOf(sessions) {
  const out = {};
  for (const id of [...sessions.keys()].sort()) out[id] = sessions.get(id).records.map((r) => r.item.content);
  return out;
}

/** What the server held after each request, and what the rules allow between two such states. */
class Model {
  /** message text → count, over all sessions, after the last request that changed anything. */
  held = new Map();
  /** Every message the server ever held. */
  ever = new Set();
  /** Messages a removing request took out. */
  removed = new Set();
  /** Push bodies the server answered 200, by path. */
  answered = new Set();

  async observe(request, sessions, stats) {
    const { method, path, body, status, text } = request;
    const where = `${method} ${path} (device ${request.device}) → ${status} ${text.slice(0, 200)}`;
    if (status >= 500) return `a ${status}: ${where}`;
    if (!sessions) return undefined;
    if (status === 409) stats.conflicts++;
    let push;
    if (path.endsWith("/push") && body) {
      push = JSON.parse(body);
      const key = `${path} ${body}`;
      // A refusal would make the device push its copy again as new (rule 4): a resurrection.
      if (this.answered.has(key) && status !== 200)
        return `a resent push the server had applied got ${where}`;
      if (status === 200) {
        const result = JSON.parse(text).result;
        if (result === "merged") stats.merged++;
        if (this.answered.has(key)) {
          if (result !== "duplicate") return `a resent push was ${result}, not duplicate: ${where}`;
          stats.duplicates++;
        }
        this.answered.add(key);
      }
    }
    const removes = method === "DELETE" || push?.truncateFrom !== undefined || (push?.put?.length ?? 0) > 0;
    const now = new Map();
    for (const [id, session] of sessions) {
      const inSession = new Set();
      for (const record of session.records) {
        const content = record.item.content;
        if (inSession.has(content)) return `session ${id} holds ${content} twice after ${where}`;
        inSession.add(content);
        now.set(content, (now.get(content) ?? 0) + 1);
      }
    }
    for (const content of this.held.keys()) {
      if (now.has(content)) continue;
      if (!removes) return `${content} disappeared after a request that removes nothing: ${where}`;
      this.removed.add(content);
    }
    for (const content of now.keys()) {
      if (this.held.has(content)) continue;
      if (this.removed.has(content)) {
        if (!push?.create) return `removed ${content} came back through ${where}`;
        this.removed.delete(content); // pushed whole again: held like any other from here
      }
      this.ever.add(content);
    }
    this.held = now;
    return undefined;
  }

  checkEnd(sessions) {
    const present = new Set();
    for (const session of sessions.values()) for (const r of session.records) present.add(r.item.content);
    for (const content of this.ever) {
      if (!this.removed.has(content))
        assert.ok(present.has(content), `${content} was held, never removed, and is gone`);
    }
  }
}
