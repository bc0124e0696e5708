/**
 * The synced store: a {@link SessionStore} whose reads and writes go to a local store (IndexedDB: the page
 * opens at once and works offline) and which syncs that copy with a server through the sync protocol
 * (docs/sync.md). This file is the facade that puts the parts together; each part is its own module:
 *
 * | part | module | what it does |
 * | --- | --- | --- |
 * | facade | synced-store.ts | the `SessionStore` methods: local reads, local commits recorded as pending |
 * | scheduling | scheduler.ts | when to sync (commits, opens, notices, focus, polling, back-off) and `status` |
 * | one session, all sessions | session-sync.ts | the loop that runs the steps below in their order |
 * | push | push.ts | prepare, send, acknowledged, conflicted (the conflicted copy) |
 * | pull | pull.ts | mirror, reconcile, forget another store |
 * | locks | locks.ts | the state lock and the sync lock of each session, across tabs |
 * | bookkeeping | sync-state.ts, pending-changes.ts, seq-map.ts, bookkeeping.ts, state-storage.ts | what is remembered per session, and where |
 *
 * A local commit takes the session's state lock, redirects a writer's seqs if a mirror moved its records,
 * commits to the local store, and records the change as pending (in local seqs) in the same lock; the
 * scheduler pushes it shortly after. Changes that come from the server are published with the source
 * {@link SYNC_SOURCE}, so open sessions hear of them (`onChange`) and reload (`refresh()`).
 */
import { publish } from "../broadcast.js";
import { SessionStoreError } from "../errors.js";
import type { CommitResult, RecordBody, SessionChange, SessionHeader, StoredSession } from "../schema.js";
import type { SessionStore } from "../store.js";
import { Bookkeeping } from "./bookkeeping.js";
import { SessionLocks } from "./locks.js";
import { recordLocalCommit, redirectToMovedSeqs } from "./pending-changes.js";
import type { RemoteStore } from "./remote-store.js";
import { SyncScheduler, type SyncStatus } from "./scheduler.js";
import { type SessionSyncRequest, syncEverySession, syncOneSession } from "./session-sync.js";
import { defaultSyncState, type SyncStateStorage } from "./state-storage.js";
import type { SyncContext } from "./sync-context.js";
import { newSyncState } from "./sync-state.js";

export type { SyncStatus };

/** Options of {@link createSyncedStore}. */
export interface SyncedStoreOptions {
  /** The local store: reads and writes go here first (default use: `createIndexedDbStore()`). */
  local: SessionStore;
  /** The server, from `createRemoteStore({ url, token })`. */
  remote: RemoteStore;
  /** Sync bookkeeping (default: IndexedDB database `oaikit-sync` in a browser, memory elsewhere). */
  state?: SyncStateStorage;
  /** Names this pairing of local and remote store in the bookkeeping and locks (default: the remote URL). */
  name?: string;
  /** Follow the handler's change notices (server-sent events); default true. */
  live?: boolean;
  /** Poll interval in ms where the event stream is unavailable (default 15000; 0: never poll). */
  pollMs?: number;
  /** Pull everything when the page gets focus or comes back online (default true). */
  pullOnFocus?: boolean;
  /** Start syncing at once (default true); else call `sync()`. */
  autoStart?: boolean;
  /** Called for every failed sync attempt (they are retried with backoff). */
  onError?: (error: SessionStoreError) => void;
}

/**
 * A {@link SessionStore} that keeps sessions in a local store (IndexedDB: works offline, opens at once)
 * and syncs them with a remote one through the sync protocol (docs/sync.md).
 */
export interface SyncedStore extends SessionStore {
  readonly local: SessionStore;
  readonly remote: RemoteStore;
  readonly status: SyncStatus;
  /** The last sync failure (cleared by the next successful sync). */
  readonly lastError: SessionStoreError | undefined;
  /** Pushes every local change and pulls every remote one now; rejects if the remote cannot be reached. */
  sync(): Promise<void>;
  /** Pushes and pulls one session now. */
  syncSession(id: string): Promise<void>;
  /** Calls `listener` whenever `status` changes; returns an unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void;
  /** Stops listening, polling and retrying (the local store stays usable). */
  close(): void;
}

/** The `source` of change events a synced store publishes for changes that came from the remote. */
export const SYNC_SOURCE = "sync";

/** Creates a {@link SyncedStore}: `createSyncedStore({ local: createIndexedDbStore(), remote: createRemoteStore({ url, token }) })`. */
export function createSyncedStore(options: SyncedStoreOptions): SyncedStore {
  if (!options?.local || typeof options.local.commit !== "function") {
    throw new TypeError(
      "createSyncedStore({ local, remote }): local must be a SessionStore (createIndexedDbStore()).",
    );
  }
  if (!options.remote || typeof options.remote.push !== "function") {
    throw new TypeError(
      "createSyncedStore({ local, remote }): remote must come from createRemoteStore({ url, token }).",
    );
  }
  return new SyncedSessionStore(options);
}

class SyncedSessionStore implements SyncedStore {
  readonly local: SessionStore;
  readonly remote: RemoteStore;
  readonly channelName: string | undefined;
  private readonly context: SyncContext;
  private readonly scheduler: SyncScheduler;

  constructor(options: SyncedStoreOptions) {
    this.local = options.local;
    this.remote = options.remote;
    this.channelName = options.local.channelName;
    const name = options.name ?? options.remote.url;
    this.scheduler = new SyncScheduler(options, options.remote, {
      syncAll: () => this.syncAll(),
      syncSession: (id, request) => this.syncSession(id, request),
    });
    this.context = {
      local: options.local,
      remote: options.remote,
      bookkeeping: new Bookkeeping(options.state ?? defaultSyncState(), name),
      locks: new SessionLocks(name),
      remoteStoreId: undefined,
      mergedSessions: new Map(),
      publishRemoteChange: (event) => publish(this, { ...event, source: SYNC_SOURCE }),
      schedulePush: (id) => this.scheduler.schedulePush(id),
    };
    if (options.autoStart !== false) this.scheduler.start();
  }

  get status(): SyncStatus {
    return this.scheduler.status;
  }

  get lastError(): SessionStoreError | undefined {
    return this.scheduler.lastError;
  }

  // -------------------------------------------------------------------------------------------------
  // SessionStore: the local copy, and the bookkeeping of every change

  async load(id: string): Promise<StoredSession | undefined> {
    const session = await this.local.load(id);
    this.scheduler.pullOnLoad(id);
    return session;
  }

  async list(): Promise<SessionHeader[]> {
    const headers = await this.local.list();
    this.scheduler.syncOnList();
    return headers;
  }

  async commit(id: string, change: SessionChange): Promise<CommitResult> {
    const { locks, bookkeeping } = this.context;
    const result = await locks.state(id, async () => {
      const state = (await bookkeeping.read(id)) ?? newSyncState(id);
      const redirected = redirectToMovedSeqs(change, state.movedLocalSeqs);
      const committed = await this.local.commit(id, redirected);
      recordLocalCommit(state, redirected, committed);
      await bookkeeping.write(state);
      return committed;
    });
    this.scheduler.schedulePush(id);
    return result;
  }

  async delete(id: string): Promise<void> {
    const { locks, bookkeeping } = this.context;
    await locks.state(id, async () => {
      await this.local.delete(id);
      const state = await bookkeeping.read(id);
      if (!state) return;
      if (!state.base && !state.inflight) {
        await bookkeeping.delete(id); // never reached the server: nothing to delete there
        return;
      }
      state.pending = { touched: [], deleted: true };
      state.localRevision = 0;
      await bookkeeping.write(state);
    });
    this.scheduler.schedulePush(id);
  }

  putRecords(id: string, records: { seq: number; body: RecordBody }[]): void {
    // Fire and forget on pagehide: the writer's next flush commits the same records through commit().
    this.local.putRecords?.(id, records);
  }

  // -------------------------------------------------------------------------------------------------
  // Sync

  onStatus(listener: (status: SyncStatus) => void): () => void {
    return this.scheduler.onStatus(listener);
  }

  close(): void {
    this.scheduler.close();
  }

  async sync(): Promise<void> {
    await this.scheduler.track(this.syncAll());
  }

  async syncSession(id: string, request: SessionSyncRequest = {}): Promise<void> {
    await this.context.locks.sync(id, () =>
      syncOneSession(this.context, id, request.pull ?? true, request.unlessRevision),
    );
  }

  private syncAll(): Promise<void> {
    return syncEverySession(
      this.context,
      (id, request) => this.syncSession(id, request),
      () => this.scheduler.pushQueuedNow(),
    );
  }
}

export { SessionStoreError };
