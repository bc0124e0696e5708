// The sync handler on Deno: createDenoSyncHandler on Deno.serve over a local KV file, reached by
// createRemoteStore / createSyncedStore devices over real HTTP on 127.0.0.1 (the scenarios in
// ../sync-scenarios.mjs, shared with the workerd suite). Two servers on two KV connections to one file
// stand for two Deno Deploy isolates: one device talks to each.
import { createDenoSyncHandler } from "../../dist/deno/index.js";
import { createMemoryStore } from "../../dist/index.js";
import { createRemoteStore, createSyncedStore, memorySyncState } from "../../dist/sync/index.js";
import { attacks } from "../sync-attacks.mjs";
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
      const runs = Number(Deno.env.get("SYNC_MODEL_RUNS") ?? 25);
      const pkg = { createMemoryStore, createRemoteStore, createSyncedStore, memorySyncState };
      // One pair of servers for every schedule: each schedule is a user of its own (token model-<run>).
      const summary = await runSyncModel({ pkg, target: () => ({ urls: [url, otherUrl] }), runs });
      console.log(`sync model (Deno KV): ${summary}`);
    }),
);
