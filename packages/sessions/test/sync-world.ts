// The sync tests' one server and its devices: createSyncHandler over per-user memory stores, in-process,
// and devices (createSyncedStore over a memory store each) that reach it through a network a test can cut.
import { createMemoryStore } from "../src/memory-store.js";
import type { RecordBody, StoredSession } from "../src/schema.js";
import type { SessionStore } from "../src/store.js";
import { createRemoteStore } from "../src/sync/remote-store.js";
import { memorySyncState } from "../src/sync/state-storage.js";
import { createSyncedStore, type SyncedStore } from "../src/sync/synced-store.js";
import { bearerAuthorizer, createSyncHandler } from "../src/sync-server/handler.js";

/** A message record written at time `at`. */
export const msg = (content: string, at: number, role = "user"): RecordBody => ({
  status: "complete",
  at,
  item: { role, content } as RecordBody["item"],
});
/** The texts of a session's messages, in order. */
export const texts = (s: StoredSession | undefined) =>
  s?.records.map((r) => (r.item as { content: string }).content);

/** One server (the handler over per-user memory stores) and devices that reach it through a switchable network. */
export function world() {
  const stores = new Map<string, SessionStore>();
  const start = () =>
    createSyncHandler({
      authorize: bearerAuthorizer({ "tok-alice": "alice", "tok-alice-2": "alice", "tok-bob": "bob" }),
      store: (user) => {
        if (!stores.has(user)) stores.set(user, createMemoryStore());
        return stores.get(user)!;
      },
    });
  let current = start();
  const handler = (request: Request) => current(request);
  /** The server restarts with empty memory stores (a new store identity). */
  const restart = () => {
    stores.clear();
    current = start();
  };
  const device = (token = "tok-alice") => {
    const net = { online: true, loseNextPushAnswer: false, requests: [] as string[] };
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (!net.online) throw new TypeError("Failed to fetch (offline)");
      const request = new Request(input, init);
      net.requests.push(`${request.method} ${new URL(request.url).pathname}`);
      const response = await handler(request);
      if (net.loseNextPushAnswer && request.url.endsWith("/push")) {
        net.loseNextPushAnswer = false;
        await response.text();
        throw new TypeError("network cut while the answer was on its way");
      }
      return response;
    }) as typeof fetch;
    const local = createMemoryStore();
    const remote = createRemoteStore({ url: "http://sync.test", token, fetch: fetchFn });
    const store = createSyncedStore({
      local,
      remote,
      state: memorySyncState(),
      live: false,
      pollMs: 0,
      pullOnFocus: false,
      autoStart: false,
    });
    return { store, local, remote, net };
  };
  return { handler, stores, device, restart };
}

/** Lets scheduled pushes start, then waits for a full sync. */
export async function settle(...stores: SyncedStore[]) {
  await new Promise((r) => setTimeout(r, 40));
  for (const store of stores) await store.sync();
}
