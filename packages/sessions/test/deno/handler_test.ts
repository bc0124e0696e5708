// The sync handler on Deno: createDenoSyncHandler on Deno.serve over a local KV file, reached by
// createRemoteStore / createSyncedStore devices over real HTTP on 127.0.0.1 (the scenarios in
// ../sync-scenarios.mjs, shared with the workerd suite). Two servers on two KV connections to one file
// stand for two Deno Deploy isolates: one device talks to each.
import { bearerAuthorizer, createDenoSyncHandler } from "../../dist/deno/index.js";
import { attacks } from "../sync-attacks.mjs";
import { scenarios, TOKENS } from "../sync-scenarios.mjs";

async function servers(fn: (urls: { url: string; otherUrl: string }) => Promise<void>) {
  const path = await Deno.makeTempFile({ suffix: ".sqlite" });
  const kvs = [await Deno.openKv(path), await Deno.openKv(path)];
  const running = kvs.map((kv) =>
    Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      createDenoSyncHandler({ kv, authorize: bearerAuthorizer(TOKENS), basePath: "/sync" }),
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
