import { createStore, del, get, keys, set, type UseStore } from "idb-keyval";
import type { RecordBody, SessionChange, SessionKind } from "../schema.js";
import type { PushBase, PushRequest } from "../sync-protocol/protocol.js";

/**
 * What `createSyncedStore` remembers per session, next to the local store (never inside it: the local
 * records stay exactly what `@oaikit/sessions` writes). Small: the remote state last mirrored, a map of
 * local seqs to remote seqs kept as runs, and the local changes not yet acknowledged by the remote.
 */
export interface SessionSyncState {
  id: string;
  /** The remote state the local copy mirrors (plus its own acknowledged pushes); undefined: never synced. */
  base?: PushBase & { kind: SessionKind };
  /** Local seq → remote seq, as runs `[localFrom, remoteFrom, length]`, sorted by local seq (see seq-map.ts). */
  runs: [number, number, number][];
  /** The local header revision this state accounts for (a different one means changes it did not see). */
  localRevision: number;
  /** Local changes not yet sent. */
  pending?: PendingChanges;
  /** A push sent but not acknowledged: resent verbatim until it is (the server recognises a duplicate). */
  inflight?: Inflight;
  /** The remote has records (another device's, merged by the server) that the local copy does not show yet. */
  unseen?: boolean;
  /** Local seqs a mirror moved: `[old, new]` (`new` -1: removed), so writers opened before it still hit. */
  remap?: [number, number][];
  /** The identity of the remote store `base` came from (`ListResponse.store`). */
  storeId?: string;
  /** Hashes of records pushed while `unseen` (for the `prev` of later puts): `[remote seq, hash]`. */
  known?: [number, string][];
  /** Set when the local copy may have changed without this state knowing: the next sync compares contents. */
  reconcile?: boolean;
  /** A push the server refused for good (400/413): shown as an error, not retried until the next change. */
  blocked?: string;
}

/** Local changes since the last push, in local seqs. */
export interface PendingChanges {
  create?: { kind: SessionKind; title: string; createdAt: number };
  /** Every synced record with a local seq >= cut was removed locally. */
  cut?: number;
  /** Records created or changed locally: local seq and latest body, in local seq order. */
  touched: [number, RecordBody][];
  set?: NonNullable<SessionChange["set"]>;
  /** The session was deleted locally. */
  deleted?: boolean;
}

/** A push (or delete) on its way, with what the client needs to file the answer. */
export interface Inflight {
  push?: PushRequest;
  /** Local seq of each appended record, in push order. */
  appendLocal: number[];
  /** Local seq of each put, in push order. */
  putLocal: number[];
  /** The local cut the push carries. */
  cutLocal?: number;
  delete?: { revision: number; createdAt: number };
}

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
