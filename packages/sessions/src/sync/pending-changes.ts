/**
 * Pending changes: what a synced store records of each local commit until a push carries it.
 *
 * A local commit goes to the local store at once and is recorded here, in local seqs: the records it
 * created or changed (`touched`: the latest body per local seq, so ten flushes of one streamed reply are
 * one record to send), the lowest local seq it truncated from (`cut`), header fields (`set`), a create or a
 * delete. The push step (push.ts) later turns them into one push in remote seqs through the seq map; a
 * burst of commits is one push.
 *
 * The other two helpers serve the same bookkeeping: {@link pendingWholeSession} when a whole local copy must
 * go to the server as a new session (it was deleted there while this copy changed it), and
 * {@link redirectToMovedSeqs} for a writer that opened a session before a mirror moved its records.
 */
import type { CommitResult, RecordBody, SessionChange, StoredSession } from "../schema.js";
import { bodyOf } from "../sync-protocol/protocol.js";
import type { MovedSeq, PendingChanges, SyncState } from "./sync-state.js";

/** Adds a committed local change (and the store's answer to it) to the session's pending changes. */
export function recordLocalCommit(state: SyncState, change: SessionChange, result: CommitResult): void {
  const pending: PendingChanges = state.pending ?? { touched: [] };
  if ((!state.base || pending.deleted) && !pending.create) {
    pending.create = {
      kind: result.header.kind,
      title: result.header.title,
      createdAt: result.header.createdAt,
    };
  }
  if (change.truncateFrom !== undefined) {
    const cut = change.truncateFrom;
    pending.touched = pending.touched.filter(([localSeq]) => localSeq < cut);
    pending.cut = Math.min(pending.cut ?? cut, cut);
  }
  for (const { seq, body } of change.put ?? []) upsertTouched(pending.touched, seq, body);
  for (const [i, body] of (change.append ?? []).entries())
    upsertTouched(pending.touched, result.seqs[i]!, body);
  if (change.set) pending.set = { ...pending.set, ...change.set };
  // A revision this state did not count: another writer (a tab without sync, sync turned off) changed the
  // local copy, so the next sync compares contents instead of trusting the pending changes.
  if (result.header.revision !== state.localRevision + 1 && !pending.deleted) state.needsReconcile = true;
  state.localRevision = result.header.revision;
  state.pending = pending;
  state.blocked = undefined;
}

/** Sets the latest body of local seq `seq`, keeping `touched` in local seq order. */
function upsertTouched(touched: [number, RecordBody][], seq: number, body: RecordBody): void {
  let i = touched.length;
  while (i > 0 && touched[i - 1]![0] > seq) i--;
  if (i > 0 && touched[i - 1]![0] === seq) touched[i - 1] = [seq, body];
  else touched.splice(i, 0, [seq, body]);
}

/** Every record and header field of `session`, pending as for a new session. */
export function pendingWholeSession(session: StoredSession): PendingChanges {
  const { header } = session;
  const pending: PendingChanges = {
    create: { kind: header.kind, title: header.title, createdAt: header.createdAt },
    touched: session.records.map((record) => [record.seq, bodyOf(record)]),
    set: { title: header.title },
  };
  if (header.currentResponseId) pending.set!.currentResponseId = header.currentResponseId;
  return pending;
}

/**
 * A change from a writer that opened the session before a mirror moved its records, redirected to the
 * records' new local seqs: a put on a moved record goes to its new seq, a put on a removed one becomes an
 * append (the write is kept as a new record), a truncation from a moved record starts at its new seq.
 */
export function redirectToMovedSeqs(change: SessionChange, moved: MovedSeq[] | undefined): SessionChange {
  if (!moved?.length) return change;
  const newSeqOf = new Map(moved);
  const out: SessionChange = { ...change };
  if (change.truncateFrom !== undefined && newSeqOf.has(change.truncateFrom)) {
    const newSeq = newSeqOf.get(change.truncateFrom)!;
    if (newSeq >= 0) out.truncateFrom = newSeq;
  }
  if (change.put) {
    const put: NonNullable<SessionChange["put"]> = [];
    const append = [...(change.append ?? [])];
    for (const write of change.put) {
      const newSeq = newSeqOf.get(write.seq);
      if (newSeq === undefined) put.push(write);
      else if (newSeq >= 0) put.push({ seq: newSeq, body: write.body });
      else append.unshift(write.body); // its record is gone: keep the write as a new record
    }
    out.put = put;
    if (append.length) out.append = append;
  }
  return out;
}
