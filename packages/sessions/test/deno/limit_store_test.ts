// The key proxy's limit counters on Deno KV (createDenoKvLimitStore), on a local KV file: the add
// semantics, expiry, atomicity when two connections to one file (two Deno Deploy isolates) add at once,
// and a proxy limit that holds across both isolates.
import assert from "node:assert/strict";
import { createProxy } from "../../../core/dist/proxy/index.js";
import { createDenoKvLimitStore } from "../../dist/deno/index.js";

async function withKv(fn: (kvs: Deno.Kv[]) => Promise<void>) {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const kvs = [await Deno.openKv(path), await Deno.openKv(path)];
  try {
    await fn(kvs);
  } finally {
    for (const kv of kvs) kv.close();
    await Deno.remove(path).catch(() => {});
  }
}

Deno.test("Deno KV limit store: adds per key, negative deltas, an expired counter counts from 0", () =>
  withKv(async ([kv]) => {
    const store = createDenoKvLimitStore(kv!);
    assert.deepEqual(
      [await store.add("a", 1, 60), await store.add("a", 1, 60), await store.add("b", 1, 60)],
      [1, 2, 1],
    );
    assert.equal(await store.add("a", -1, 60), 1);
    assert.equal(await store.add("gone", 1, 0), 1);
    assert.equal(await store.add("gone", 1, 60), 1);
    const other = createDenoKvLimitStore(kv!, { prefix: ["another-app"] });
    assert.equal(await other.add("a", 1, 60), 1);
  }));

Deno.test("Deno KV limit store: 40 adds at once from two connections each get their own value", () =>
  withKv(async (kvs) => {
    const stores = kvs.map((kv) => createDenoKvLimitStore(kv));
    const values = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.add("busy", 1, 60)));
    assert.deepEqual(
      [...values].sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
  }));

Deno.test(
  "a proxy limit holds across two isolates that share the KV store",
  { sanitizeOps: false, sanitizeResources: false },
  () =>
    withKv(async (kvs) => {
      let upstreamCalls = 0;
      const upstream = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
        upstreamCalls++;
        return Response.json({ object: "list", data: [] });
      });
      const proxies = kvs.map((kv) =>
        Deno.serve(
          { hostname: "127.0.0.1", port: 0, onListen() {} },
          createProxy({
            apiKey: "sk-deno-test",
            upstream: `http://127.0.0.1:${upstream.addr.port}/v1`,
            authorize: (request) => (request.headers.get("authorization") === "Bearer tok" ? "alice" : null),
            limits: { requestsPerMinute: 3, store: createDenoKvLimitStore(kv) },
          }),
        ),
      );
      try {
        // The window is the clock's minute: start away from its end, so all five fall in one window.
        const intoMinute = Date.now() % 60_000;
        if (intoMinute > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_100 - intoMinute));
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) {
          const port = proxies[i % 2]!.addr.port;
          const response = await fetch(`http://127.0.0.1:${port}/v1/models`, {
            headers: { authorization: "Bearer tok" },
          });
          await response.body?.cancel();
          statuses.push(response.status);
        }
        assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
        assert.equal(upstreamCalls, 3);
      } finally {
        for (const server of [...proxies, upstream]) await server.shutdown();
      }
    }),
);
