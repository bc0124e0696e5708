import type { ChatMessage, ResponsesTurn } from "@oaikit/core";

/** The schema version written on every record. Older versions are migrated on open (see `migrate.ts`). */
export const SCHEMA_VERSION = 1;

/** Which core session class a stored session restores into. */
export type SessionKind = "chat" | "responses";

/**
 * State of one stored message:
 * - `complete`: a finished message;
 * - `partial`: a streamed reply that was still arriving at the last write (after a reload: interrupted,
 *   unless another tab is still streaming it);
 * - `incomplete`: a streamed reply that ended without completing (`reason` says why).
 */
export type RecordStatus = "complete" | "partial" | "incomplete";

/** Why a streamed reply is incomplete. */
export type IncompleteReason = "error" | "aborted" | "truncated";

/** The small per-session header record: everything a session list needs, no messages. */
export interface SessionHeader {
  /** Schema version of this record. */
  v: number;
  id: string;
  kind: SessionKind;
  title: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch, of the last change. */
  updatedAt: number;
  /** Incremented by every committed change, from any tab. */
  revision: number;
  /** The next sequence number to allocate (allocated inside the commit transaction, so never reused). */
  nextSeq: number;
  /** Number of message records. */
  count: number;
  /** Responses sessions: the id the next request continues from. */
  currentResponseId?: string;
  /**
   * Sync server bookkeeping: the ids of the last pushes applied to this session (at most
   * {@link MAX_REMEMBERED_PUSHES}), so that a resent push is recognised. The server never sends it out.
   */
  pushes?: string[];
}

/** How many push ids a session's header remembers (see {@link SessionHeader.pushes}). */
export const MAX_REMEMBERED_PUSHES = 128;

/** What a record holds: a chat message, or a Responses turn. */
export type RecordItem = ChatMessage | ResponsesTurn;

/** One message (chat) or turn (Responses) of a session, stored under (session id, seq). */
export interface SessionRecord<Item = RecordItem> {
  /** Schema version of this record. */
  v: number;
  /** Sequence number within the session: records are read back in seq order. */
  seq: number;
  status: RecordStatus;
  reason?: IncompleteReason;
  /** Milliseconds since the epoch, of the last write of this record. */
  at: number;
  item: Item;
}

/** A session as read from a store: its header and its records in seq order. */
export interface StoredSession<Item = RecordItem> {
  header: SessionHeader;
  records: SessionRecord<Item>[];
}

/** The body of a record before the store gives it a seq. */
export type RecordBody<Item = RecordItem> = Omit<SessionRecord<Item>, "v" | "seq">;

/**
 * One atomic change to a session, as a store's `commit` applies it, in this order: create the header if
 * missing, delete every record with `seq >= truncateFrom`, overwrite `put` records, append `append` records
 * at newly allocated seqs, apply `set` to the header, bump `revision`. A put names a seq the store allocated
 * (below `nextSeq`: a record truncated since is written again); any other is refused, by every store.
 */
export interface SessionChange<Item = RecordItem> {
  /** Header fields used only when the session does not exist yet. */
  create?: { kind: SessionKind; title?: string; createdAt?: number };
  truncateFrom?: number;
  put?: { seq: number; body: RecordBody<Item> }[];
  append?: RecordBody<Item>[];
  set?: { title?: string; currentResponseId?: string | null; updatedAt?: number };
  /** Sync server bookkeeping: push ids to add to the header's `pushes` (the oldest fall out). */
  pushes?: string[];
}

/** What a commit returns: the new header and the seqs given to `change.append`, in order. */
export interface CommitResult {
  header: SessionHeader;
  seqs: number[];
}
