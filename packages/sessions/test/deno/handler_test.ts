// The sync handler on Deno: createDenoSyncHandler on Deno.serve over a local KV file, reached by
// createRemoteStore / createSyncedStore devices over real HTTP on 127.0.0.1 (the scenarios in
// ../sync-scenarios.mjs, shared with the workerd suite). Two servers on two KV connections to one file
// stand for two Deno Deploy isolates: one device talks to each.
import assert from "node:assert/strict";
import { createDenoSyncHandler } from "../../dist/deno/index.js";
import { createMemoryStore } from "../../dist/index.js";
import { createRemoteStore, createSyncedStore, memorySyncState } from "../../dist/sync/index.js";
import { attacks, client } from "../sync-attacks.mjs";
import { runSyncModel } from "../sync-model.mjs";
import { scenarios } from "../sync-scenarios.mjs";
import { authorizeForTests } from "../sync-tokens.mjs";

async function servers(fn: (urls: { url: string; otherUrl: string }) => Promise<void>) {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const kvs = [await Deno.openKv(path), await Deno.openKv(path)];
  const running = kvs.map((kv) =>
    Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      createDenoSyncHandler({ kv, authorize: authorizeForTests, basePath: "/sync" }),
    ),
  );
  const [url, otherUrl] = running.map((s) => `http://127.0.0.1:${s.addr.port}/sync`);
  try {
    await fn({ url: url!, otherUrl: otherUrl! });
  } finally {
    for (const server of running) await server.shutdown();
    for (const kv of kvs) kv.close();
    await Deno.remove(path).catch(() => {});
  }
}

for (const [name, scenario] of Object.entries(scenarios)) {
  Deno.test(`Deno KV handler: ${name}`, { sanitizeOps: false, sanitizeResources: false }, () =>
    servers((urls) => scenario(urls)),
  );
}

for (const [name, attack] of Object.entries(attacks)) {
  Deno.test(`Deno KV handler, attack: ${name}`, { sanitizeOps: false, sanitizeResources: false }, () =>
    servers(({ url }) => attack({ url })),
  );
}

Deno.test(
  "Deno KV handler: the sync protocol model (random schedules of three devices over two servers)",
  { sanitizeOps: false, sanitizeResources: false },
  () =>
    servers(async ({ url, otherUrl }) => {
      const runs = Number(Deno.env.get("SYNC_MODEL_RUNS") ?? 60);
      const pkg = { createMemoryStore, createRemoteStore, createSyncedStore, memorySyncState };
      // One pair of servers for every schedule: each schedule is a user of its own (token model-<run>).
      const summary = await runSyncModel({ pkg, target: () => ({ urls: [url, otherUrl] }), runs });
      console.log(`sync model (Deno KV): ${summary}`);
    }),
);

Deno.test(
  "Deno KV handler: pushes through two servers on one KV file never answer 500 for a notice they could not publish",
  { sanitizeOps: false, sanitizeResources: false },
  () =>
    servers(async ({ url, otherUrl }) => {
      // Both servers watch the user's notice log (an open event stream each), and four devices push at once
      // through both: every push also appends to that one log, so the two connections contend for the file.
      const streams = await Promise.all(
        [url, otherUrl].map((base) =>
          fetch(`${base}/events`, { headers: { authorization: "Bearer tok-alice" } }),
        ),
      );
      const statuses = new Map<number, number>();
      await Promise.all(
        Array.from({ length: 4 }, async (_, writer) => {
          const device = client(writer % 2 ? otherUrl : url, "tok-alice") as {
            push(id: string, push: unknown): Promise<{ status: number }>;
          };
          for (let i = 0; i < 40; i++) {
            const { status } = await device.push(`contended-${writer}`, {
              base: null,
              force: true,
              create: { kind: "chat" },
              append: [{ status: "complete", at: i, item: { role: "user", content: `${writer}-${i}` } }],
            });
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          }
        }),
      );
      for (const stream of streams) await stream.body?.cancel();
      assert.deepEqual(Object.fromEntries(statuses), { 200: 160 });
    }),
);
