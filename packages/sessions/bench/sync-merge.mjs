#!/usr/bin/env node
// The sync server's work per push, as `pnpm bench` shows it (part "sync"): the handler of
// @oaikit/sessions/sync-server (built dist/) over memory stores, called in-process, so that what is timed
// is the handler's own work and nothing of a network.
//
// 1. Merge time: a push with base null (a device that believes the session is new, or a hostile one) of
//    N records onto a session that holds N/10 records whose timestamps interleave with them, so the merge
//    orders every record and moves every stored one. Before issue 17 this was quadratic (100k: 48 s).
// 2. Another user's latency during the largest push: user bob lists his sessions every 2 ms while alice's
//    100k push runs; the slowest answer is how long the push held the event loop at a stretch.
//
// Prints one table; the figures are wall times on a shared machine: read the ratios.
import { performance } from "node:perf_hooks";
import { createMemoryStore } from "../dist/index.js";
import { bearerAuthorizer, createSyncHandler } from "../dist/sync-server/index.js";

const SIZES = [10_000, 50_000, 100_000];
const ROUNDS = 3;

function server() {
  const stores = new Map();
  const handler = createSyncHandler({
    authorize: bearerAuthorizer({ "tok-alice": "alice", "tok-bob": "bob" }),
    store: (user) => {
      if (!stores.has(user)) stores.set(user, createMemoryStore());
      return stores.get(user);
    },
  });
  const call = (token, path, init = {}) =>
    handler(
      new Request(`http://sync.bench${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      }),
    );
  return { call };
}

const message = (content, at) => ({ status: "complete", at, item: { role: "user", content } });

/** A session of `stored` records (timestamps 0, 10, 20, ...) and the push of `pushed` records between them. */
async function prepare(call, id, stored, pushed) {
  const existing = Array.from({ length: stored }, (_, i) =>
    message(`stored ${i}`, i * 10 * (pushed / stored)),
  );
  const created = await call("tok-alice", `/sessions/${id}/push`, {
    method: "POST",
    body: JSON.stringify({ base: null, create: { kind: "chat" }, append: existing }),
  });
  if (created.status !== 200) throw new Error(`create: ${created.status} ${await created.text()}`);
  await created.text();
  const append = Array.from({ length: pushed }, (_, i) => message(`pushed ${i}`, i * 10 + 5));
  return JSON.stringify({ base: null, create: { kind: "chat" }, append });
}

async function timePush(call, id, body) {
  const started = performance.now();
  const response = await call("tok-alice", `/sessions/${id}/push`, { method: "POST", body });
  const answer = await response.json();
  const ms = performance.now() - started;
  if (response.status !== 200 || answer.result !== "merged") {
    throw new Error(`push: ${response.status} ${JSON.stringify(answer).slice(0, 200)}`);
  }
  return ms;
}

const rows = [];
let base;
for (const n of SIZES) {
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { call } = server();
    const body = await prepare(call, `s${round}`, n / 10, n);
    times.push(await timePush(call, `s${round}`, body));
  }
  times.sort((a, b) => a - b);
  const ms = times[Math.floor(times.length / 2)];
  base ??= { n, ms };
  rows.push({ n, ms, perRecord: (ms * 1000) / (n + n / 10), growth: ms / base.ms, size: n / base.n });
}

// Another user's latency during the largest push.
const { call } = server();
const largest = SIZES.at(-1);
const body = await prepare(call, "big", largest / 10, largest);
await (await call("tok-bob", "/sessions")).text();
const latencies = [];
let running = true;
const probe = (async () => {
  while (running) {
    const started = performance.now();
    await (await call("tok-bob", "/sessions")).text();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
})();
const pushMs = await timePush(call, "big", body);
running = false;
await probe;
latencies.sort((a, b) => a - b);
const worst = latencies.at(-1) ?? 0;
const median = latencies[Math.floor(latencies.length / 2)] ?? 0;

const fmt = (v) => v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0);
const header = ["pushed records", "stored", "push (median of 3)", "per record", "time ratio", "size ratio"];
const lines = rows.map((r) => [
  r.n.toLocaleString("en"),
  (r.n / 10).toLocaleString("en"),
  `${fmt(r.ms)} ms`,
  `${fmt(r.perRecord)} µs`,
  `${r.growth.toFixed(2)}×`,
  `${r.size.toFixed(0)}×`,
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const show = (cells) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log("Sync server: a base-null push merged into a session (memory store, handler in-process)");
console.log(show(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const line of lines) console.log(show(line));
console.log(
  `Another user's GET /sessions during the ${largest.toLocaleString("en")}-record push (${fmt(pushMs)} ms): ` +
    `${latencies.length} requests, median ${fmt(median)} ms, slowest ${fmt(worst)} ms.`,
);
