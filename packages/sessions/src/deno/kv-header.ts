/**
 * The Deno KV store's session header: the public `SessionHeader` plus the store's own bookkeeping, and the
 * codec between the names the code reads and the names stored.
 *
 * The bookkeeping says which records a reader may see. A record is visible when its seq is below `nextSeq`
 * and in no hidden range and no reservation: so a commit is all or nothing (records written ahead of it
 * are invisible until the header that names them is written, in one atomic operation), and large deletions
 * can happen after the commit that decided them.
 * - **epoch**: a random tag per incarnation of the session, in every record, chunk and lease key.
 * - **hidden ranges**: seqs truncated but not deleted yet (a truncation of more than 100 records hides
 *   them in one mutation; the clean-up after the commit deletes them).
 * - **reservations**: seqs a commit too large for one atomic operation is writing, with the time its
 *   **lease** ends. A writer that stalls past it loses the range: the next clean-up hides and deletes it.
 *
 * Stored, these fields are `e`, `hide` and `rsv`, as the first version wrote them into every header. A
 * rename would need a migration of every header of every database (read both forms, or rewrite them all)
 * for no change in behaviour, so the stored names stay and {@link decodeHeader} / {@link encodeHeader} are
 * the only places that know them (test/deno/kv_format_test.ts reads headers the first version wrote).
 */
import type { SessionHeader } from "../schema.js";
import { inRanges, type SeqRange } from "./seq-ranges.js";

/** Seqs `from` to `to - 1`, being written by a commit whose lease ends at `until` (ms since the epoch). */
export interface Reservation {
  from: number;
  to: number;
  until: number;
}

/** A session header with the store's bookkeeping, as the code reads it. */
export interface KvHeader extends SessionHeader {
  epoch: string;
  hiddenRanges?: SeqRange[];
  reservations?: Reservation[];
}

/** The header as stored (the first version's field names). */
interface StoredKvHeader extends SessionHeader {
  e: string;
  hide?: SeqRange[];
  rsv?: Reservation[];
}

/** A stored header (checked for its schema version by the caller first) as the code reads it. */
export function decodeHeader(stored: unknown): KvHeader {
  const { e, hide, rsv, ...header } = stored as StoredKvHeader;
  const decoded: KvHeader = { ...header, epoch: e };
  if (hide !== undefined) decoded.hiddenRanges = hide;
  if (rsv !== undefined) decoded.reservations = rsv;
  return decoded;
}

/** A header as stored. */
export function encodeHeader(header: KvHeader): StoredKvHeader {
  const { epoch, hiddenRanges, reservations, ...rest } = header;
  const stored: StoredKvHeader = { ...rest, e: epoch };
  if (hiddenRanges !== undefined) stored.hide = hiddenRanges;
  if (reservations !== undefined) stored.rsv = reservations;
  return stored;
}

/** The header without the store's bookkeeping (what `load` and `list` return). */
export function publicHeader(header: KvHeader): SessionHeader {
  const { epoch: _epoch, hiddenRanges: _hidden, reservations: _reserved, ...rest } = header;
  return rest;
}

/** Whether a reader may see record `seq`: below `nextSeq`, not hidden, not reserved. */
export function isVisible(header: KvHeader, seq: number): boolean {
  if (seq >= header.nextSeq) return false;
  if (inRanges(header.hiddenRanges ?? [], seq)) return false;
  for (const reservation of header.reservations ?? []) {
    if (seq >= reservation.from && seq < reservation.to) return false;
  }
  return true;
}
