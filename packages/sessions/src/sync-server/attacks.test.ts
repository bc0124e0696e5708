// The attack cases of test/sync-attacks.mjs (shared with the Deno KV and Durable Object suites) against
// createSyncHandler over memory stores, in-process; then the cases only a process of its own can see.
import { describe, expect, it } from "vitest";
import { attacks } from "../../test/sync-attacks.mjs";
import { TOKENS } from "../../test/sync-tokens.mjs";
import { createMemoryStore } from "../memory-store.js";
import type { SessionStore } from "../store.js";
import { bearerAuthorizer, createChangeHub, createSyncHandler, type SyncHandlerOptions } from "./handler.js";

function server(options: Partial<SyncHandlerOptions> = {}) {
  const stores = new Map<string, SessionStore>();
  const handler = createSyncHandler({
    authorize: bearerAuthorizer(TOKENS),
    store: (user) => {
      if (!stores.has(user)) stores.set(user, createMemoryStore());
      return stores.get(user)!;
    },
    ...options,
  });
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) =>
    handler(new Request(input, init))) as typeof globalThis.fetch;
  return { handler, fetch, stores, url: "http://sync.test" };
}

describe("sync server attacks (memory store, in-process)", () => {
  for (const [name, attack] of Object.entries(attacks)) {
    it(name, async () => {
      const { url, fetch } = server();
      await attack({ url, fetch });
    });
  }

  it("an event stream nobody reads is closed once 256 notices wait, not buffered without end", async () => {
    const feed = createChangeHub();
    const { url, fetch } = server({ feed });
    const response = await fetch(`${url}/events`, { headers: { authorization: "Bearer tok-alice" } });
    const reader = response.body!.getReader();
    for (let i = 1; i <= 20_000; i++) feed.publish("alice", { id: `s${i}`, revision: i });
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const notices = text.split("event: change").length - 1;
    expect(text).toMatch(/^retry: 2000\nevent: ready/);
    expect(notices).toBeGreaterThan(200);
    expect(notices).toBeLessThanOrEqual(256);
  });
});
