/**
 * The sync protocol's shared part: the wire types and limits both sides speak (the browser's remote store
 * and synced store in src/sync/, the server's handler in src/sync-server/), and the small record helpers
 * both need (`bodyOf`, `baseOf`, `tailEntry`). A record's identity, its hash, is in record-hash.ts. Neither
 * side's code is imported here: this folder is the one place both import.
 */
import type { RecordBody, SessionHeader, SessionKind, SessionRecord, StoredSession } from "../schema.js";
import { MAX_SESSION_ID_LENGTH } from "../session-id.js";
import { recordHash } from "./record-hash.js";

/**
 * The oaikit session sync protocol, version 1: the wire types shared by the server handler
 * (`createSyncHandler`, and the Cloudflare and Deno handlers built on it) and the browser client
 * (`createRemoteStore`, `createSyncedStore`). docs/sync.md is the prose version of this file.
 */
export const SYNC_PROTOCOL = 1;

/** How many of the last records the client describes in `base.tail` (see {@link PushBase}). */
export const TAIL_SIZE = 16;

/** One record the client had at its base revision: its seq, its {@link recordHash}, whether it was `partial`. */
export interface TailEntry {
  seq: number;
  hash: string;
  partial?: boolean;
}

/** The remote state a push is based on: the header fields the client last saw, and its last records. */
export interface PushBase {
  revision: number;
  nextSeq: number;
  createdAt: number;
  /** Number of records at that revision. */
  count: number;
  /** The last (up to {@link TAIL_SIZE}) records at that revision, in seq order. */
  tail: TailEntry[];
  title: string;
  currentResponseId?: string;
}

/**
 * A push: changes to one session, in the store's seqs, based on what the client last saw.
 * Applied in the order of a `SessionChange`: truncate, put, append, set.
 */
export interface PushRequest {
  /**
   * The push's own id (any short string, random: the browser client sends 20 characters), the same when the
   * client resends the push after a lost answer. The server remembers the ids of the pushes it applied (the
   * last 128 per session, and those of a deleted session), and answers a resent one `duplicate` without
   * writing anything, even if what it carried was removed since.
   */
  id?: string;
  /** What the client last saw of the session; `null`: the client believes the session is new. */
  base: PushBase | null;
  /** Apply unconditionally, like a local store's commit (`createRemoteStore().commit`); no merge, no conflict. */
  force?: boolean;
  create?: { kind: SessionKind; title?: string; createdAt?: number };
  /** Delete every record with seq >= this. */
  truncateFrom?: number;
  /** Overwrite records; `prev` is the hash of the version the client last saw (see {@link recordHash}). */
  put?: { seq: number; body: RecordBody; prev?: string }[];
  /** New records, in order. */
  append?: RecordBody[];
  set?: { title?: string; currentResponseId?: string | null; updatedAt?: number };
}

/** How a push was taken. */
export type PushOutcome =
  /** Applied as sent: the store was at `base.revision`. The new header is `base.revision + 1`. */
  | "applied"
  /** The store had moved on; the push was mergeable and was merged (see docs/sync.md). */
  | "merged"
  /**
   * The push had already been applied (a retry after a lost answer): nothing was written. With `session:
   * null` (and `header: null`), the session it was applied to was deleted since.
   */
  | "duplicate";

/** The answer to a push (HTTP 200). */
export interface PushResponse {
  result: PushOutcome;
  /** The session's header after the push; `null` only for a `duplicate` whose session was deleted since. */
  header: SessionHeader | null;
  /** The store's seq of each appended record, in request order (-1: a `duplicate` whose record was removed since). */
  seqs: number[];
  /** Records that a merge moved to new seqs: `[oldSeq, newSeq]` pairs. */
  moved?: [number, number][];
  /**
   * For `merged` and `duplicate`: the whole session after the push, so the client can mirror it (`null`: a
   * `duplicate` whose session was deleted since).
   */
  session?: StoredSession | null;
}

/** The answer to a push that conflicts (HTTP 409): the store's session, which the push did not change. */
export interface ConflictResponse {
  result: "conflict";
  /** `null` when the session no longer exists (deleted by another device). */
  session: StoredSession | null;
  reason: string;
}

/** `GET /sessions`. */
export interface ListResponse {
  protocol: number;
  /**
   * The identity of the user's store: it changes only when the store is a different one (another server
   * at the same URL, or one that lost its data). A session a client synced with another store is not
   * deleted when this one lacks it: it is pushed again.
   */
  store: string;
  sessions: SessionHeader[];
}

/** `GET /sessions/:id`. */
export interface SessionResponse {
  session: StoredSession;
}

/** `DELETE /sessions/:id`: deleted, or the session had changed since `revision` (409, the session is kept). */
export type DeleteResponse = { result: "deleted" } | ConflictResponse;

/** A change notice on `GET /events` (`event: change`): session `id` is now at `revision` (0: deleted). */
export interface ChangeNotice {
  id: string;
  revision: number;
}

/** Error bodies: `{ error: { code, message } }`. */
export interface ErrorResponse {
  error: { code: "unauthorized" | "not_found" | "bad_request" | "too_large" | "failed"; message: string };
}

/** The body of a stored record (what a push carries). */
export function bodyOf(record: SessionRecord): RecordBody {
  const body: RecordBody = { status: record.status, at: record.at, item: record.item };
  if (record.reason) body.reason = record.reason;
  return body;
}

/** The base a client sends for a session it mirrors: header fields and the last {@link TAIL_SIZE} records. */
export function baseOf(session: StoredSession): PushBase {
  const { header, records } = session;
  const base: PushBase = {
    revision: header.revision,
    nextSeq: header.nextSeq,
    createdAt: header.createdAt,
    count: records.length,
    tail: records.slice(-TAIL_SIZE).map(tailEntry),
    title: header.title,
  };
  if (header.currentResponseId !== undefined) base.currentResponseId = header.currentResponseId;
  return base;
}

/** A record as a {@link TailEntry}. */
export function tailEntry(record: SessionRecord): TailEntry {
  const entry: TailEntry = { seq: record.seq, hash: recordHash(record) };
  if (record.status === "partial") entry.partial = true;
  return entry;
}

/** The longest session id (the whole rule: `sessionIdProblem` in `session-id.ts`, shared with the local stores). */
export const MAX_ID_LENGTH = MAX_SESSION_ID_LENGTH;

/** Largest push body the handler reads (bytes). */
export const MAX_PUSH_BYTES = 32 * 1024 * 1024;
