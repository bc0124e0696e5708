// The store interfaces: what every session store implements (SessionStore), and what the sync server
// needs of a store that several processes share (RevisionCheckedStore).
import type { CommitResult, RecordBody, SessionChange, SessionHeader, StoredSession } from "./schema.js";

/**
 * Where durable sessions live. Implement these four methods to keep sessions somewhere else (a server, a
 * file, SQLite); `createIndexedDbStore()` and `createMemoryStore()` are the built-in ones.
 *
 * Contract:
 * - `commit` is atomic per session: read the header, call {@link planCommit} with it, write the records
 *   and the new header, all in one transaction (or under one lock), or write nothing and reject.
 * - Records are keyed by (session id, seq); `load` returns them in seq order. Appending must not rewrite
 *   earlier records: that is what keeps an append as cheap at message 10,000 as at message 10.
 * - Failures reject with a {@link SessionStoreError} (or any error, which is wrapped into one).
 */
export interface SessionStore {
  /** Reads one session (header and records, in seq order), or `undefined` if there is none. */
  load(id: string): Promise<StoredSession | undefined>;
  /** Applies `change` to session `id` atomically (see {@link SessionChange} for the order). */
  commit(id: string, change: SessionChange): Promise<CommitResult>;
  /** The headers of every session, in no particular order. */
  list(): Promise<SessionHeader[]>;
  /** Deletes a session and all its records; resolves even if it did not exist. */
  delete(id: string): Promise<void>;
  /**
   * Optional (`importSessions` with `onConflict: "replace"` needs it): replaces session `id`, header and
   * every record, by a new one made of `change` (`create`, `append`, `set`; see `planReplace`) in one
   * atomic step: on failure the old session is left exactly as it was. Works whether or not `id` exists.
   */
  replace?(id: string, change: SessionChange): Promise<CommitResult>;
  /**
   * Optional, for `pagehide`: overwrite records that already exist, issuing the writes synchronously (no
   * read first, no header change), so they complete even while the page is being unloaded. Fire and forget.
   */
  putRecords?(id: string, records: { seq: number; body: RecordBody }[]): void;
  /**
   * A BroadcastChannel name shared by every page that opens the same store, so that other tabs hear of
   * changes. Leave it undefined for a store that only this page sees (memory).
   */
  readonly channelName?: string;
}

/**
 * A store that can commit only if a session is still at a given revision: the compare-and-set the sync
 * server's handler needs when several processes serve the same user (Deno Deploy isolates). The Deno KV and
 * Durable Object stores have it; for any other store the handler serialises pushes per session inside its
 * own process.
 */
export interface RevisionCheckedStore extends SessionStore {
  /** Commits `change` if session `id` is at `revision` (0: does not exist); resolves undefined otherwise. */
  commitAt(id: string, revision: number, change: SessionChange): Promise<CommitResult | undefined>;
  /** A random id, created with the stored data and kept with it (see `ListResponse.store`). */
  storeId?(): Promise<string>;
}
