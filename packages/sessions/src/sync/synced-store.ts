import { publish } from "../broadcast.js";
import { SessionStoreError, toStoreError } from "../errors.js";
import type { CommitResult, RecordBody, SessionChange, SessionHeader, StoredSession } from "../schema.js";
import { MAX_SESSION_ID_LENGTH, shortenId } from "../session-id.js";
import type { SessionStore } from "../store.js";
import {
  bodyOf,
  type ConflictResponse,
  type PushRequest,
  type PushResponse,
  tailEntry,
} from "../sync-protocol/protocol.js";
import { recordHash } from "../sync-protocol/record-hash.js";
import { pendingWholeSession, recordLocalCommit, redirectToMovedSeqs } from "./pending-changes.js";
import { type RemoteStore, RemoteStoreError } from "./remote-store.js";
import { rewriteChange } from "./rewrite-change.js";
import { remoteSeqOf, seqMapOf, seqPairsOf, withAppendedPairs } from "./seq-map.js";
import { defaultSyncState, type SyncStateStorage } from "./state-storage.js";
import {
  baseFromHeader,
  baseToSend,
  fromStoredState,
  hasPending,
  lastSeenHash,
  newPushId,
  newSyncState,
  type PendingChanges,
  type SyncState,
  toStoredState,
} from "./sync-state.js";

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

/** What a synced store is doing. */
export type SyncStatus = "idle" | "syncing" | "offline" | "error";

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
/** Remote records whose hash a client keeps (for the `prev` of later puts). */
const WINDOW = 64;
const MAX_ROUNDS = 24;

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
  status: SyncStatus = "idle";
  lastError: SessionStoreError | undefined;
  private readonly state: SyncStateStorage;
  private readonly name: string;
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly statusListeners = new Set<(status: SyncStatus) => void>();
  /** Sessions returned by the last merged push, for the mirror that follows (not persisted). */
  private readonly fresh = new Map<string, StoredSession>();
  private readonly queued = new Set<string>();
  /** Pushes the scheduler started: `sync()` waits for them too. */
  private readonly scheduled = new Set<Promise<unknown>>();
  private queueTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private failures = 0;
  private running = 0;
  private lastPull = new Map<string, number>();
  private lastFullSync = 0;
  /** The remote store's identity (`ListResponse.store`), as last listed. */
  private storeId: string | undefined;
  private stopWatch: (() => void) | undefined;
  private closed = false;
  private readonly onFocus = () => {
    if ((globalThis as { document?: Document }).document?.visibilityState === "hidden") return;
    this.syncSoon();
  };

  constructor(private readonly options: SyncedStoreOptions) {
    this.local = options.local;
    this.remote = options.remote;
    this.channelName = options.local.channelName;
    this.state = options.state ?? defaultSyncState();
    this.name = options.name ?? options.remote.url;
    if (options.autoStart !== false) this.start();
  }

  // -------------------------------------------------------------------------------------------------
  // SessionStore

  async load(id: string): Promise<StoredSession | undefined> {
    const session = await this.local.load(id);
    const last = this.lastPull.get(id) ?? 0;
    if (!this.closed && Date.now() - last > 2_000) {
      this.lastPull.set(id, Date.now());
      this.track(this.syncSession(id)).catch(() => {});
    }
    return session;
  }

  async list(): Promise<SessionHeader[]> {
    const headers = await this.local.list();
    if (!this.closed && Date.now() - this.lastFullSync > 5_000) this.syncSoon();
    return headers;
  }

  async commit(id: string, change: SessionChange): Promise<CommitResult> {
    const result = await this.stateLock(id, async () => {
      const st = (await this.readState(id)) ?? newSyncState(id);
      const mapped = redirectToMovedSeqs(change, st.movedLocalSeqs);
      const committed = await this.local.commit(id, mapped);
      recordLocalCommit(st, mapped, committed);
      await this.writeState(st);
      return committed;
    });
    this.schedule(id);
    return result;
  }

  async delete(id: string): Promise<void> {
    await this.stateLock(id, async () => {
      await this.local.delete(id);
      const st = await this.readState(id);
      if (!st) return;
      if (!st.base && !st.inflight) {
        await this.state.delete(this.key(id));
        return;
      }
      st.pending = { touched: [], deleted: true };
      st.localRevision = 0;
      await this.writeState(st);
    });
    this.schedule(id);
  }

  putRecords(id: string, records: { seq: number; body: RecordBody }[]): void {
    // Fire and forget on pagehide: the writer's next flush commits the same records through commit().
    this.local.putRecords?.(id, records);
  }

  // -------------------------------------------------------------------------------------------------
  // Sync

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.stopWatch?.();
    for (const timer of [this.queueTimer, this.retryTimer]) if (timer) clearTimeout(timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    const target = globalThis as { removeEventListener?: typeof removeEventListener };
    target.removeEventListener?.("focus", this.onFocus);
    target.removeEventListener?.("online", this.onFocus);
    target.removeEventListener?.("visibilitychange", this.onFocus);
  }

  async sync(): Promise<void> {
    await this.track(this.syncAll());
  }

  async syncSession(id: string, want: { pull?: boolean; unlessRevision?: number } = {}): Promise<void> {
    await this.syncLock(id, () => this.syncOne(id, want.pull ?? true, want.unlessRevision));
  }

  private start(): void {
    if (this.options.live !== false) {
      this.stopWatch = this.remote.watch({
        onNotice: (notice) => {
          this.track(this.syncSession(notice.id, { pull: true, unlessRevision: notice.revision })).catch(
            () => {},
          );
        },
        onOpen: () => this.syncSoon(true),
        onUnsupported: () => this.startPolling(),
      });
    } else {
      this.startPolling();
    }
    if (this.options.pullOnFocus !== false) {
      const target = globalThis as { addEventListener?: typeof addEventListener };
      target.addEventListener?.("focus", this.onFocus);
      target.addEventListener?.("online", this.onFocus);
      target.addEventListener?.("visibilitychange", this.onFocus);
    }
    this.syncSoon(true);
  }

  private startPolling(): void {
    const every = this.options.pollMs ?? 15_000;
    if (every > 0 && !this.pollTimer && !this.closed)
      this.pollTimer = setInterval(() => this.syncSoon(true), every);
  }

  private syncSoon(force = false): void {
    if (this.closed) return;
    if (!force && Date.now() - this.lastFullSync < 2_000) return;
    this.lastFullSync = Date.now();
    this.track(this.syncAll()).catch(() => {});
  }

  /** Pushes `id` soon (a burst of commits is one push). */
  private schedule(id: string): void {
    if (this.closed) return;
    this.queued.add(id);
    this.queueTimer ??= setTimeout(() => {
      this.queueTimer = undefined;
      const ids = [...this.queued];
      this.queued.clear();
      for (const queued of ids) {
        const run = this.track(this.syncSession(queued, { pull: false })).catch(() => {});
        this.scheduled.add(run);
        run.finally(() => this.scheduled.delete(run));
      }
    }, 20);
  }

  /** Counts running work for `status`, and turns failures into status, `onError` and a retry. */
  private async track<T>(work: Promise<T>): Promise<T> {
    this.running++;
    this.setStatus("syncing");
    try {
      const value = await work;
      this.failures = 0;
      this.lastError = undefined;
      return value;
    } catch (raw) {
      const error = toStoreError(raw, "sync");
      this.lastError = error;
      this.failures++;
      this.options.onError?.(error);
      if (!this.closed && !this.retryTimer) {
        const delay = Math.min(60_000, 1_000 * 2 ** Math.min(this.failures, 6));
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.syncSoon(true);
        }, delay);
      }
      throw error;
    } finally {
      this.running--;
      if (this.running === 0) {
        const failed = this.lastError;
        this.setStatus(!failed ? "idle" : failed.code === "unavailable" ? "offline" : "error");
      }
    }
  }

  private setStatus(status: SyncStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }

  /** Every session: local ones without bookkeeping, pending changes, remote revisions we have not mirrored. */
  private async syncAll(): Promise<void> {
    const [listed, local, keys] = await Promise.all([
      this.remote.listRemote(),
      this.local.list(),
      this.state.keys(),
    ]);
    this.storeId = listed.store;
    const remote = listed.sessions;
    const prefix = this.key("");
    const remoteById = new Map(remote.map((h) => [h.id, h]));
    const localById = new Map(local.map((h) => [h.id, h]));
    const ids = new Set([
      ...remoteById.keys(),
      ...localById.keys(),
      ...keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
    ]);
    let firstError: unknown;
    for (const id of ids) {
      const r = remoteById.get(id);
      const l = localById.get(id);
      const st = await this.readState(id);
      let run = false;
      let pull = false;
      if (!st) {
        run = true;
        pull = Boolean(r);
      } else if (st.storeId && st.storeId !== this.storeId) {
        run = true; // synced with another store: syncOne starts it over (see forget)
      } else {
        if ((l?.revision ?? 0) !== st.localRevision && !st.pending?.deleted) {
          await this.stateLock(id, async () => {
            const now = await this.readState(id);
            const fresher = await this.local.list();
            const localNow = fresher.find((h) => h.id === id);
            if (now && (localNow?.revision ?? 0) !== now.localRevision && !now.pending?.deleted) {
              now.needsReconcile = true;
              await this.writeState(now);
            }
          });
          run = true;
        }
        if (st.inflight || hasPending(st.pending) || st.remoteAhead || st.needsReconcile) run = true;
        if (
          !r
            ? Boolean(st.base)
            : !st.base || r.revision !== st.base.revision || r.createdAt !== st.base.createdAt
        ) {
          run = true;
          pull = true;
        }
      }
      if (!run) continue;
      try {
        await this.syncSession(id, { pull });
      } catch (error) {
        if (error instanceof RemoteStoreError && error.status === 0) throw error; // offline: stop here
        firstError ??= error;
      }
    }
    // Sessions this sync created (conflicted copies) or that changed meanwhile: push them now too, and
    // wait for the pushes the scheduler already started.
    while (this.queued.size > 0 || this.scheduled.size > 0) {
      for (const id of [...this.queued]) {
        this.queued.delete(id);
        try {
          await this.syncSession(id, { pull: false });
        } catch (error) {
          firstError ??= error;
        }
      }
      await Promise.allSettled([...this.scheduled]);
    }
    if (firstError) throw firstError;
  }

  /** One session, inside its sync lock: send what is in flight or pending, then mirror the remote. */
  private async syncOne(id: string, pull: boolean, unlessRevision?: number): Promise<void> {
    if (this.storeId === undefined) this.storeId = (await this.remote.listRemote()).store;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const st = await this.readState(id);
      if (st?.storeId && st.storeId !== this.storeId) {
        await this.forget(id);
        continue;
      }
      if (!st) {
        const local = await this.local.load(id);
        if (local) {
          await this.reconcile(id);
          continue;
        }
        if (!pull) return;
        const remote = await this.remote.load(id);
        if (!remote) return;
        await this.stateLock(id, async () => {
          const now = await this.readState(id);
          if (now) return; // a local commit created bookkeeping meanwhile: next round
          if (await this.local.load(id)) return;
          await this.mirrorLocked(id, newSyncState(id), remote);
        });
        continue;
      }
      if (st.inflight) {
        await this.send(id, st);
        continue;
      }
      if (st.needsReconcile) {
        await this.reconcile(id);
        continue;
      }
      if (st.blocked) return;
      if (hasPending(st.pending)) {
        await this.stateLock(id, async () => {
          const now = await this.readState(id);
          if (now && !now.inflight && hasPending(now.pending)) {
            await this.prepare(id, now);
            await this.writeState(now);
          }
        });
        continue;
      }
      if (!st.remoteAhead && !pull) return;
      if (!st.remoteAhead && unlessRevision !== undefined && st.base && st.base.revision >= unlessRevision)
        return;
      const cached = this.fresh.get(id);
      this.fresh.delete(id);
      const remote = cached ?? (await this.remote.load(id));
      if (
        !st.remoteAhead &&
        remote &&
        st.base &&
        remote.header.revision === st.base.revision &&
        remote.header.createdAt === st.base.createdAt
      ) {
        return;
      }
      if (!remote && !st.base) return; // never reached the remote, nothing pending: nothing to mirror
      if (!remote) {
        // Missing: deleted by another device, or this is another store (a server that lost its data)?
        this.storeId = (await this.remote.listRemote()).store;
        if (st.storeId && st.storeId !== this.storeId) continue;
      }
      const mirrored = await this.stateLock(id, async () => {
        const now = await this.readState(id);
        if (!now || now.inflight || hasPending(now.pending) || now.needsReconcile) return false;
        await this.mirrorLocked(id, now, remote ?? null);
        return true;
      });
      if (mirrored) return;
      pull = true;
    }
  }

  /**
   * The session was synced with another store than the remote's now (another server at the URL, or one
   * that lost its data): drop what this copy knew of the remote and compare contents again, so the local
   * copy is pushed, never deleted for being missing there.
   */
  private async forget(id: string): Promise<void> {
    await this.stateLock(id, async () => {
      const st = await this.readState(id);
      if (!st?.storeId || st.storeId === this.storeId) return;
      st.base = undefined;
      st.seqMap = [];
      st.inflight = undefined;
      st.remoteAhead = false;
      st.pushedHashes = undefined;
      st.storeId = undefined;
      st.needsReconcile = true;
      await this.writeState(st);
    });
  }

  /** Turns pending changes into the next push (or delete), in remote seqs. */
  private async prepare(id: string, st: SyncState): Promise<void> {
    const p = st.pending!;
    if (p.deleted) {
      if (st.base)
        st.inflight = {
          delete: { revision: st.base.revision, createdAt: st.base.createdAt },
          appendLocal: [],
          putLocal: [],
        };
      else st.seqMap = [];
      const rest: PendingChanges = { touched: p.touched };
      if (p.create) rest.create = p.create;
      if (p.set) rest.set = p.set;
      st.pending = hasPending(rest) ? rest : undefined;
      return;
    }
    // A new id per push; a resend of the in-flight push carries the same (see PushRequest.id).
    const push: PushRequest = { id: newPushId(), base: st.base ? baseToSend(st.base) : null };
    if (!st.base) {
      const create = p.create ?? (await this.createFromLocal(id));
      if (create) push.create = create;
    }
    let cutLocal: number | undefined;
    if (p.cut !== undefined) {
      const removed = seqPairsOf(st.seqMap).filter(([l]) => l >= p.cut!);
      if (removed.length > 0) {
        push.truncateFrom = Math.min(...removed.map(([, r]) => r));
        cutLocal = p.cut;
      }
    }
    const put: NonNullable<PushRequest["put"]> = [];
    const append: RecordBody[] = [];
    const putLocal: number[] = [];
    const appendLocal: number[] = [];
    for (const [l, body] of p.touched) {
      const r = remoteSeqOf(st.seqMap, l);
      if (r !== undefined && (cutLocal === undefined || l < cutLocal)) {
        const entry: (typeof put)[number] = { seq: r, body };
        const prev = lastSeenHash(st, r);
        if (prev) entry.prev = prev;
        put.push(entry);
        putLocal.push(l);
      } else {
        append.push(body);
        appendLocal.push(l);
      }
    }
    if (put.length) push.put = put;
    if (append.length) push.append = append;
    if (p.set && Object.keys(p.set).length) push.set = p.set;
    st.inflight = { push, appendLocal, putLocal };
    if (cutLocal !== undefined) st.inflight.cutLocal = cutLocal;
    st.pending = undefined;
  }

  private async createFromLocal(id: string): Promise<PendingChanges["create"]> {
    const header = (await this.local.list()).find((h) => h.id === id);
    return header && { kind: header.kind, title: header.title, createdAt: header.createdAt };
  }

  /** Sends the in-flight push (or delete) and files the answer. */
  private async send(id: string, st: SyncState): Promise<void> {
    const inflight = st.inflight!;
    if (inflight.delete) {
      const answer = await this.remote.deleteAt(id, inflight.delete.revision, inflight.delete.createdAt);
      await this.stateLock(id, async () => {
        const now = await this.readState(id);
        if (!now) return;
        now.inflight = undefined;
        if (answer.result === "deleted") {
          now.base = undefined;
          now.seqMap = [];
          now.remoteAhead = false;
          if (!hasPending(now.pending)) {
            await this.state.delete(this.key(id));
            return;
          }
        } else if (!hasPending(now.pending)) {
          // Someone changed the session since we saw it: it stays, and comes back here.
          await this.mirrorLocked(id, now, answer.session);
          return;
        } else {
          now.base = undefined;
          now.seqMap = [];
          now.needsReconcile = true;
        }
        await this.writeState(now);
      });
      return;
    }
    let answer: PushResponse | ConflictResponse;
    try {
      answer = await this.remote.push(id, inflight.push!);
    } catch (error) {
      if (error instanceof RemoteStoreError && (error.status === 400 || error.status === 413)) {
        // Refused for good: keep the local data, stop resending it, and say so.
        await this.stateLock(id, async () => {
          const now = await this.readState(id);
          if (!now) return;
          now.inflight = undefined;
          now.blocked = error.message;
          now.needsReconcile = true;
          await this.writeState(now);
        });
      }
      throw error;
    }
    await this.stateLock(id, async () => {
      const now = await this.readState(id);
      if (!now?.inflight) return;
      if (answer.result === "conflict") await this.conflicted(id, now, answer);
      else await this.acknowledged(id, now, answer);
    });
  }

  /** Files an accepted push: the map gains the appended records, the base moves (or the remote is unseen). */
  private async acknowledged(id: string, st: SyncState, answer: PushResponse): Promise<void> {
    const inflight = st.inflight!;
    const push = inflight.push!;
    if (answer.session === null) {
      await this.appliedThenDeleted(id, st);
      return;
    }
    let pairs: [number, number][] | undefined;
    if (inflight.cutLocal !== undefined || answer.moved?.length) {
      const moved = new Map(answer.moved ?? []);
      pairs = seqPairsOf(st.seqMap)
        .filter(([l]) => inflight.cutLocal === undefined || l < inflight.cutLocal)
        .map(([l, r]) => [l, moved.get(r) ?? r]);
    }
    // -1: a resent push's record that was removed since (the mirror that follows removes it here too).
    const added = inflight.appendLocal
      .map((l, i): [number, number] => [l, answer.seqs[i] ?? -1])
      .filter(([, r]) => r >= 0);
    st.seqMap = pairs ? seqMapOf([...pairs, ...added]) : withAppendedPairs(st.seqMap, added);
    const entries = [
      ...(push.put ?? []).map((p) => ({
        seq: p.seq,
        hash: recordHash(p.body),
        partial: p.body.status === "partial",
      })),
      ...(push.append ?? []).map((body, i) => ({
        seq: answer.seqs[i]!,
        hash: recordHash(body),
        partial: body.status === "partial",
      })),
    ];
    if (answer.result === "applied" && !st.remoteAhead && answer.header) {
      const header = answer.header;
      let tail = (st.base?.tail ?? []).filter(
        (t) => push.truncateFrom === undefined || t.seq < push.truncateFrom,
      );
      for (const entry of entries) {
        tail = tail.filter((t) => t.seq !== entry.seq);
        tail.push(entry.partial ? entry : { seq: entry.seq, hash: entry.hash });
      }
      tail.sort((a, b) => a.seq - b.seq);
      st.base = baseFromHeader(header, tail.slice(-WINDOW));
      if (this.storeId) st.storeId = this.storeId;
      this.fresh.delete(id);
    } else {
      // The server merged others' records in: the base stays what this copy has seen until it mirrors.
      st.remoteAhead = true;
      const known = new Map(st.pushedHashes ?? []);
      for (const entry of entries) known.set(entry.seq, entry.hash);
      st.pushedHashes = [...known].slice(-WINDOW);
      if (answer.session) this.fresh.set(id, answer.session);
    }
    st.inflight = undefined;
    await this.writeState(st);
  }

  /**
   * A resent push that the server had applied, to a session deleted since by a device that saw it: the
   * delete stands here too. Changes made here after that push were not seen by the deleting device: as for
   * any push refused because its session was deleted (docs/sync.md, rule 4), the whole copy goes back.
   */
  private async appliedThenDeleted(id: string, st: SyncState): Promise<void> {
    st.inflight = undefined;
    if (!hasPending(st.pending)) {
      await this.mirrorLocked(id, st, null);
      return;
    }
    const local = await this.local.load(id);
    st.base = undefined;
    st.seqMap = [];
    st.remoteAhead = false;
    st.pushedHashes = undefined;
    st.pending = local ? pendingWholeSession(local) : undefined;
    if (local) st.localRevision = local.header.revision;
    await this.writeState(st);
  }

  /**
   * Files a refused push: the server keeps its version, which this copy mirrors; the local version (with
   * every change the push carried, and any made since) is saved as a new session, the conflicted copy.
   */
  private async conflicted(id: string, st: SyncState, answer: ConflictResponse): Promise<void> {
    const local = await this.local.load(id);
    st.inflight = undefined;
    if (answer.session === null) {
      // Deleted elsewhere while this copy changed it: it goes back to the server whole.
      st.base = undefined;
      st.seqMap = [];
      st.remoteAhead = false;
      st.pushedHashes = undefined;
      st.pending = local ? pendingWholeSession(local) : undefined;
      if (local) st.localRevision = local.header.revision;
      await this.writeState(st);
      return;
    }
    if (local && local.records.length > 0) await this.saveCopy(local);
    st.pending = undefined;
    await this.mirrorLocked(id, st, answer.session);
  }

  /** Saves `session` (the losing version) as a new local session, pending its first push. */
  private async saveCopy(session: StoredSession): Promise<void> {
    const { header } = session;
    const stamp = `~conflict-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const copyId = `${shortenId(header.id, MAX_SESSION_ID_LENGTH - stamp.length)}${stamp}`; // an id that syncs
    const title = `${header.title || "Untitled"} (conflicted copy)`;
    const set: NonNullable<SessionChange["set"]> = { title, updatedAt: Date.now() };
    if (header.currentResponseId) set.currentResponseId = header.currentResponseId;
    await this.stateLock(copyId, async () => {
      const result = await this.local.commit(copyId, {
        create: { kind: header.kind, title, createdAt: Date.now() },
        append: session.records.map(bodyOf),
        set,
      });
      const st = newSyncState(copyId);
      recordLocalCommit(
        st,
        { create: { kind: header.kind, title }, append: session.records.map(bodyOf), set },
        result,
      );
      st.needsReconcile = false;
      await this.writeState(st);
      publish(this, { id: copyId, type: "commit", revision: result.header.revision, source: SYNC_SOURCE });
    });
    this.schedule(copyId);
  }

  /**
   * Compares contents when the bookkeeping cannot be trusted (first sync of an existing local session, a
   * local change made while sync was off): local records equal to remote ones (by hash) are paired, the
   * others are pushed as new records, and the server merges them by timestamp.
   */
  private async reconcile(id: string): Promise<void> {
    const remote = await this.remote.load(id);
    await this.stateLock(id, async () => {
      const local = await this.local.load(id);
      const st = (await this.readState(id)) ?? newSyncState(id);
      if (st.inflight) return;
      st.needsReconcile = false;
      st.blocked = undefined;
      st.pushedHashes = undefined;
      if (!local) {
        if (remote) await this.mirrorLocked(id, newSyncState(id), remote);
        else await this.state.delete(this.key(id));
        return;
      }
      st.localRevision = local.header.revision;
      if (!remote) {
        st.base = undefined;
        st.seqMap = [];
        st.remoteAhead = false;
        st.pending = pendingWholeSession(local);
        await this.writeState(st);
        return;
      }
      const byHash = new Map<string, number[]>();
      for (const record of remote.records) {
        const hash = recordHash(record);
        byHash.set(hash, [...(byHash.get(hash) ?? []), record.seq]);
      }
      const pairs: [number, number][] = [];
      const touched: [number, RecordBody][] = [];
      for (const record of local.records) {
        const r = byHash.get(recordHash(record))?.shift();
        if (r !== undefined) pairs.push([record.seq, r]);
        else touched.push([record.seq, bodyOf(record)]);
      }
      st.seqMap = seqMapOf(pairs);
      // A null base: the server merges the unpaired records with all of its own by timestamp.
      st.base = undefined;
      st.remoteAhead = true;
      st.pending = touched.length
        ? {
            touched,
            create: {
              kind: local.header.kind,
              title: local.header.title,
              createdAt: remote.header.createdAt,
            },
          }
        : undefined;
      this.fresh.set(id, remote);
      await this.writeState(st);
    });
  }

  /**
   * Makes the local copy equal to the remote session `remote` (null: deleted), keeping the local seqs of
   * records that stay in place; runs inside the state lock with nothing pending.
   */
  private async mirrorLocked(id: string, st: SyncState, remote: StoredSession | null): Promise<void> {
    const local = await this.local.load(id);
    if (!remote) {
      if (local) await this.local.delete(id);
      await this.state.delete(this.key(id));
      if (local) publish(this, { id, type: "delete", revision: 0, source: SYNC_SOURCE });
      return;
    }
    const header = remote.header;
    const set: NonNullable<SessionChange["set"]> = {
      title: header.title,
      currentResponseId: header.currentResponseId ?? null,
      updatedAt: header.updatedAt,
    };
    const localByRemote = new Map(seqPairsOf(st.seqMap).map(([l, r]) => [r, l]));
    const localSeqs = new Set(local?.records.map((r) => r.seq));
    const target = remote.records.map((record) => {
      const l = localByRemote.get(record.seq);
      return l !== undefined && localSeqs.has(l)
        ? { reuse: l, body: bodyOf(record) }
        : { body: bodyOf(record) };
    });
    let result: CommitResult | undefined;
    let pairs: [number, number][];
    const remap: [number, number][] = [];
    if (!local) {
      result = await this.local.commit(id, {
        create: { kind: header.kind, title: header.title, createdAt: header.createdAt },
        append: target.map((t) => t.body),
        set,
      });
      pairs = remote.records.map((record, i) => [result!.seqs[i]!, record.seq]);
    } else {
      const { change, appended, kept } = rewriteChange(local.records, target);
      const headerSame =
        local.header.title === header.title &&
        (local.header.currentResponseId ?? null) === (header.currentResponseId ?? null);
      if (Object.keys(change).length === 0 && headerSame) {
        pairs = remote.records.map((record, i) => [local.records[i]!.seq, record.seq]);
      } else {
        change.set = set;
        result = await this.local.commit(id, change);
        pairs = [
          ...remote.records
            .slice(0, kept)
            .map((record, i): [number, number] => [local.records[i]!.seq, record.seq]),
          ...appended.map((i, k): [number, number] => [result!.seqs[k]!, remote.records[i]!.seq]),
        ];
        // Records this rewrite moved: writers opened before it may still name their old seqs.
        const newLocalByRemote = new Map(pairs.map(([l, r]) => [r, l]));
        for (const record of local.records.slice(kept)) {
          const r = remoteSeqOf(st.seqMap, record.seq);
          const moved = r === undefined ? undefined : newLocalByRemote.get(r);
          remap.push([record.seq, moved ?? -1]);
        }
      }
    }
    st.seqMap = seqMapOf(pairs);
    st.base = baseFromHeader(header, remote.records.slice(-WINDOW).map(tailEntry));
    st.base.count = remote.records.length;
    if (this.storeId) st.storeId = this.storeId;
    st.remoteAhead = false;
    st.pushedHashes = undefined;
    st.pending = undefined;
    st.needsReconcile = false;
    st.localRevision = result?.header.revision ?? local!.header.revision;
    if (remap.length)
      st.movedLocalSeqs = [
        ...(st.movedLocalSeqs ?? []).filter(([old]) => !remap.some(([o]) => o === old)),
        ...remap,
      ].slice(-256);
    await this.writeState(st);
    if (result) publish(this, { id, type: "commit", revision: result.header.revision, source: SYNC_SOURCE });
  }

  // -------------------------------------------------------------------------------------------------
  // Bookkeeping and locks

  private key(id: string): string {
    return `${this.name}\u0000${id}`;
  }

  private async readState(id: string): Promise<SyncState | undefined> {
    const stored = await this.state.get(this.key(id));
    return stored && fromStoredState(stored);
  }

  private async writeState(st: SyncState): Promise<void> {
    await this.state.set(this.key(st.id), toStoredState(st));
  }

  /** Short: local commits, bookkeeping updates and mirrors of one session (never held across a request). */
  private stateLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock(`state:${id}`, fn);
  }

  /** Long: the sync of one session (held across its requests), so tabs and callers take turns. */
  private syncLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.lock(`sync:${id}`, fn);
  }

  private lock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    const guarded = locks?.request
      ? () => locks.request(`oaikit-sync:${this.name}:${key}`, fn) as Promise<T>
      : fn;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(guarded, guarded);
    const tail = run.catch(() => {});
    this.chains.set(key, tail);
    tail.then(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    return run;
  }
}

export { SessionStoreError };
