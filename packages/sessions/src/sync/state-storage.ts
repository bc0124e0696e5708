/**
 * Where a synced store keeps its bookkeeping ({@link SessionSyncState}, one per session and pairing of local
 * and remote store): in IndexedDB (database `oaikit-sync`, apart from the sessions themselves, so the local
 * records stay exactly what `@oaikit/sessions` writes), or in memory where there is no IndexedDB. Every tab
 * of a browser shares the IndexedDB copy; the synced store's locks make them take turns.
 */
import { createStore, del, get, keys, set, type UseStore } from "idb-keyval";
import type { SessionSyncState } from "./sync-state.js";

/** Where a synced store keeps its {@link SessionSyncState}s. */
export interface SyncStateStorage {
  get(key: string): Promise<SessionSyncState | undefined>;
  set(key: string, value: SessionSyncState): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

/** Sync state in memory (tests, and runtimes without IndexedDB). */
export function memorySyncState(): SyncStateStorage {
  const map = new Map<string, SessionSyncState>();
  return {
    async get(key) {
      const value = map.get(key);
      return value && structuredClone(value);
    },
    async set(key, value) {
      map.set(key, structuredClone(value));
    },
    async delete(key) {
      map.delete(key);
    },
    async keys() {
      return [...map.keys()];
    },
  };
}

/** Sync state in IndexedDB (database `oaikit-sync` by default, apart from the sessions themselves). */
export function indexedDbSyncState(dbName = "oaikit-sync"): SyncStateStorage {
  let use: UseStore | undefined;
  const db = () => {
    use ??= createStore(dbName, "state");
    return use;
  };
  return {
    get: (key) => get<SessionSyncState>(key, db()),
    set: (key, value) => set(key, value, db()),
    delete: (key) => del(key, db()),
    keys: async () => (await keys(db())).map(String),
  };
}

/** The default: IndexedDB where there is one, else memory. */
export function defaultSyncState(): SyncStateStorage {
  return typeof indexedDB === "undefined" ? memorySyncState() : indexedDbSyncState();
}
