// The model-based test of the sync protocol (test/sync-model.mjs, shared with the Deno KV and Durable
// Object suites) against createSyncHandler over memory stores, in-process: a fresh server per schedule.
import { expect, it } from "vitest";
import { runSyncModel } from "../../test/sync-model.mjs";
import { authorizeForTests } from "../../test/sync-tokens.mjs";
import { createMemoryStore } from "../memory-store.js";
import type { SessionStore } from "../store.js";
import { createSyncHandler } from "../sync-server/handler.js";
import { createRemoteStore } from "./remote-store.js";
import { memorySyncState } from "./state-storage.js";
import { createSyncedStore } from "./synced-store.js";

const RUNS = Number(process.env.SYNC_MODEL_RUNS ?? 100);
const SEED = process.env.SYNC_MODEL_SEED === undefined ? undefined : Number(process.env.SYNC_MODEL_SEED);

it(`the sync protocol model: ${RUNS} random schedules of three devices, and the kept regressions`, async () => {
  const target = () => {
    const stores = new Map<string, SessionStore>();
    const handler = createSyncHandler({
      authorize: authorizeForTests,
      store: (user) => {
        if (!stores.has(user)) stores.set(user, createMemoryStore());
        return stores.get(user)!;
      },
    });
    const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
      handler(new Request(input, init))) as typeof globalThis.fetch;
    return { urls: ["http://sync.test"], fetch };
  };
  const pkg = { createMemoryStore, createRemoteStore, createSyncedStore, memorySyncState };
  const summary = await runSyncModel({
    pkg,
    target,
    runs: RUNS,
    ...(SEED === undefined ? {} : { seed: SEED }),
  });
  console.log(`sync model (memory): ${summary}`);
  expect(summary).toMatch(/duplicate/);
}, 300_000);
