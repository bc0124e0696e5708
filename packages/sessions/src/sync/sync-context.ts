/**
 * What the parts of a synced store share (the facade in synced-store.ts builds it once): the two stores,
 * the bookkeeping, the locks, and the little the engine keeps in memory between steps. The push step
 * (push.ts), the pull step (pull.ts) and the loop that runs them (session-sync.ts) are functions of it.
 */
import type { SessionChangeEvent } from "../broadcast.js";
import type { StoredSession } from "../schema.js";
import type { SessionStore } from "../store.js";
import type { Bookkeeping } from "./bookkeeping.js";
import type { SessionLocks } from "./locks.js";
import type { RemoteStore } from "./remote-store.js";

export interface SyncContext {
  /** The local store: the copy the page reads and writes. */
  readonly local: SessionStore;
  /** The server. */
  readonly remote: RemoteStore;
  readonly bookkeeping: Bookkeeping;
  readonly locks: SessionLocks;
  /**
   * The remote store's identity (`ListResponse.store`), as last listed: a session whose bookkeeping names
   * another one was synced with another store (another server at the URL, or one that lost its data).
   */
  remoteStoreId: string | undefined;
  /** Sessions a merged push was answered with, for the mirror that follows (in memory only). */
  readonly mergedSessions: Map<string, StoredSession>;
  /** Tells the synced store's listeners (open sessions, other tabs) of a change that came from the remote. */
  publishRemoteChange(event: Omit<SessionChangeEvent, "source">): void;
  /** Pushes session `id` soon (the scheduler's: a burst of commits is one push). */
  schedulePush(id: string): void;
}
