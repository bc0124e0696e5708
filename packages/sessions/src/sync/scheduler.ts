/**
 * When a synced store syncs, and what it says about it (`status`, `onStatus`, `lastError`, `onError`).
 *
 * What starts a sync:
 * - a local commit or delete: that session is pushed 20 ms later (a burst of commits, like a streamed
 *   reply's flushes, is one push);
 * - opening a session (`load`, at most every 2 s per session) pulls it; listing (`list`, at most every 5 s)
 *   syncs everything;
 * - the server's change notices (`GET /events`, `live`): the session named is pulled unless the bookkeeping
 *   is already at the notice's revision; the stream's (re)opening syncs everything, as notices may have
 *   been missed while it was closed;
 * - where the event stream is unavailable (a 404, a proxy that buffers) or `live` is off: polling, a full
 *   sync every `pollMs`;
 * - the page gets focus, becomes visible or comes back online (`pullOnFocus`): a full sync, at most every 2 s;
 * - a failure: a full sync again after a back-off, 2 s doubling up to 60 s, reset by the next success.
 *
 * Every sync is tracked: while any runs the status is `syncing`; when the last ends it is `idle`, or
 * `offline` / `error` after a failure (an unreachable server is `offline`). The scheduler decides only
 * when; what a sync does is the engine's (session-sync.ts), passed in as {@link SyncJobs}.
 */
import { type SessionStoreError, toStoreError } from "../errors.js";
import type { RemoteStore } from "./remote-store.js";
import type { SessionSyncRequest } from "./session-sync.js";

/** What a synced store is doing. */
export type SyncStatus = "idle" | "syncing" | "offline" | "error";

/** The options the scheduler reads (see `SyncedStoreOptions`). */
export interface SchedulerOptions {
  live?: boolean;
  pollMs?: number;
  pullOnFocus?: boolean;
  onError?: (error: SessionStoreError) => void;
}

/** What the scheduler starts: the engine's two kinds of sync. */
export interface SyncJobs {
  syncAll(): Promise<void>;
  syncSession(id: string, request: SessionSyncRequest): Promise<void>;
}

/** A burst of commits within this time is one push. */
const PUSH_DELAY_MS = 20;
/** Focus, visibility and online events sync at most this often. */
const FOCUS_SYNC_INTERVAL_MS = 2_000;
/** Opening a session pulls it at most this often. */
const LOAD_PULL_INTERVAL_MS = 2_000;
/** Listing sessions syncs everything at most this often. */
const LIST_SYNC_INTERVAL_MS = 5_000;
const DEFAULT_POLL_MS = 15_000;
/** Retry after a failure: RETRY_BASE_MS × 2^failures (capped at 2^6), at most RETRY_MAX_MS. */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_EXPONENT = 6;
const RETRY_MAX_MS = 60_000;

export class SyncScheduler {
  status: SyncStatus = "idle";
  lastError: SessionStoreError | undefined;
  /** Closed: no more syncs start (the local store stays usable). */
  closed = false;
  private readonly statusListeners = new Set<(status: SyncStatus) => void>();
  /** Sessions committed to since the push timer was set. */
  private readonly queuedPushes = new Set<string>();
  /** Pushes the push timer started: a full sync waits for them too. */
  private readonly startedPushes = new Set<Promise<unknown>>();
  private pushTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private consecutiveFailures = 0;
  private runningSyncs = 0;
  private readonly lastPullOnLoad = new Map<string, number>();
  private lastFullSync = 0;
  private stopWatching: (() => void) | undefined;
  private readonly onFocus = () => {
    if ((globalThis as { document?: Document }).document?.visibilityState === "hidden") return;
    this.syncSoon();
  };

  constructor(
    private readonly options: SchedulerOptions,
    private readonly remote: RemoteStore,
    private readonly jobs: SyncJobs,
  ) {}

  /** Follows change notices (or polls), listens for focus, and syncs everything once. */
  start(): void {
    if (this.options.live !== false) {
      this.stopWatching = this.remote.watch({
        onNotice: (notice) => {
          this.track(this.jobs.syncSession(notice.id, { pull: true, unlessRevision: notice.revision })).catch(
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

  /** Stops listening, polling and retrying. */
  close(): void {
    this.closed = true;
    this.stopWatching?.();
    for (const timer of [this.pushTimer, this.retryTimer]) if (timer) clearTimeout(timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    const target = globalThis as { removeEventListener?: typeof removeEventListener };
    target.removeEventListener?.("focus", this.onFocus);
    target.removeEventListener?.("online", this.onFocus);
    target.removeEventListener?.("visibilitychange", this.onFocus);
  }

  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** A session was opened: pull it, unless that was done in the last 2 s. */
  pullOnLoad(id: string): void {
    const last = this.lastPullOnLoad.get(id) ?? 0;
    if (!this.closed && Date.now() - last > LOAD_PULL_INTERVAL_MS) {
      this.lastPullOnLoad.set(id, Date.now());
      this.track(this.jobs.syncSession(id, {})).catch(() => {});
    }
  }

  /** The sessions were listed: sync everything, unless a full sync started in the last 5 s. */
  syncOnList(): void {
    if (!this.closed && Date.now() - this.lastFullSync > LIST_SYNC_INTERVAL_MS) this.syncSoon();
  }

  /** Pushes `id` soon (a burst of commits is one push). */
  schedulePush(id: string): void {
    if (this.closed) return;
    this.queuedPushes.add(id);
    this.pushTimer ??= setTimeout(() => {
      this.pushTimer = undefined;
      const ids = [...this.queuedPushes];
      this.queuedPushes.clear();
      for (const queued of ids) {
        const run = this.track(this.jobs.syncSession(queued, { pull: false })).catch(() => {});
        this.startedPushes.add(run);
        run.finally(() => this.startedPushes.delete(run));
      }
    }, PUSH_DELAY_MS);
  }

  /**
   * Pushes the sessions queued meanwhile now (a full sync's end: conflicted copies it created, commits made
   * while it ran), and waits for the pushes the timer already started. Resolves to the first failure.
   */
  async pushQueuedNow(): Promise<unknown> {
    let firstError: unknown;
    while (this.queuedPushes.size > 0 || this.startedPushes.size > 0) {
      for (const id of [...this.queuedPushes]) {
        this.queuedPushes.delete(id);
        try {
          await this.jobs.syncSession(id, { pull: false });
        } catch (error) {
          firstError ??= error;
        }
      }
      await Promise.allSettled([...this.startedPushes]);
    }
    return firstError;
  }

  /** Counts running work for `status`, and turns failures into status, `onError` and a retry. */
  async track<T>(work: Promise<T>): Promise<T> {
    this.runningSyncs++;
    this.setStatus("syncing");
    try {
      const value = await work;
      this.consecutiveFailures = 0;
      this.lastError = undefined;
      return value;
    } catch (raw) {
      const error = toStoreError(raw, "sync");
      this.lastError = error;
      this.consecutiveFailures++;
      this.options.onError?.(error);
      if (!this.closed && !this.retryTimer) {
        const exponent = Math.min(this.consecutiveFailures, RETRY_MAX_EXPONENT);
        const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** exponent);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.syncSoon(true);
        }, delay);
      }
      throw error;
    } finally {
      this.runningSyncs--;
      if (this.runningSyncs === 0) {
        const failed = this.lastError;
        this.setStatus(!failed ? "idle" : failed.code === "unavailable" ? "offline" : "error");
      }
    }
  }

  /** A full sync now (`force`), or unless one started in the last 2 s. */
  private syncSoon(force = false): void {
    if (this.closed) return;
    if (!force && Date.now() - this.lastFullSync < FOCUS_SYNC_INTERVAL_MS) return;
    this.lastFullSync = Date.now();
    this.track(this.jobs.syncAll()).catch(() => {});
  }

  private startPolling(): void {
    const every = this.options.pollMs ?? DEFAULT_POLL_MS;
    if (every > 0 && !this.pollTimer && !this.closed)
      this.pollTimer = setInterval(() => this.syncSoon(true), every);
  }

  private setStatus(status: SyncStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }
}
