import { SessionStoreError } from "./errors.js";
import {
  type CommitResult,
  MAX_REMEMBERED_PUSHES,
  type RecordBody,
  SCHEMA_VERSION,
  type SessionChange,
  type SessionHeader,
  type SessionRecord,
} from "./schema.js";

/** The header of a session that `change` creates (revision 0, nothing allocated yet). */
export function newHeader(id: string, change: SessionChange, now: number): SessionHeader {
  return {
    v: SCHEMA_VERSION,
    id,
    kind: change.create!.kind,
    title: change.create!.title ?? "",
    createdAt: change.create!.createdAt ?? now,
    updatedAt: now,
    revision: 0,
    nextSeq: 0,
    count: 0,
  };
}

/**
 * The store-independent part of a commit: given the header read inside the transaction and what the
 * store counted there (records deleted by the truncation, puts that created a record), returns the new
 * header and the seqs for the appended records. Every {@link SessionStore} calls this inside its atomic
 * section, so sequence numbers are allocated from the header the transaction read and are never reused,
 * whichever tab commits first.
 */
export function planCommit(
  id: string,
  existing: SessionHeader | undefined,
  change: SessionChange,
  counts: { removed: number; created: number },
  now: number,
): CommitResult {
  if (existing) checkVersion(existing.v, `commit "${id}"`);
  if (!existing && !change.create) {
    throw new SessionStoreError("failed", `commit "${id}"`, {
      detail: "the session does not exist and the change does not create it",
    });
  }
  const base: SessionHeader = existing ?? newHeader(id, change, now);
  // A put past nextSeq would land on a seq a later append is given (one store overwrote it, another then
  // refused every append): it is refused here, where every store plans its commit.
  for (const put of change.put ?? []) {
    if (!Number.isInteger(put.seq) || put.seq < 0 || put.seq >= base.nextSeq) {
      throw new SessionStoreError("failed", `commit "${id}"`, {
        detail: `put ${put.seq}: no such record (a put overwrites a record; append new ones)`,
      });
    }
  }
  const appended = change.append?.length ?? 0;
  const seqs = Array.from({ length: appended }, (_, i) => base.nextSeq + i);
  const header: SessionHeader = {
    ...base,
    v: SCHEMA_VERSION,
    revision: base.revision + 1,
    nextSeq: base.nextSeq + appended,
    count: Math.max(0, base.count - counts.removed) + counts.created + appended,
    updatedAt: change.set?.updatedAt ?? now,
  };
  if (change.set?.title !== undefined) header.title = change.set.title;
  if (change.pushes?.length) {
    header.pushes = [...(base.pushes ?? []), ...change.pushes].slice(-MAX_REMEMBERED_PUSHES);
  }
  if (change.set?.currentResponseId !== undefined) {
    if (change.set.currentResponseId === null) delete header.currentResponseId;
    else header.currentResponseId = change.set.currentResponseId;
  }
  return { header, seqs };
}

/**
 * The plan of a `replace`: session `id` starts over as `change.create` describes, with `change.append` as its
 * only records, as if deleted and created again, but in one atomic step. `revision` and `nextSeq` go on
 * from the replaced session: handles open on it see a new revision (and reload), and a record a stale
 * handle writes can never land on a seq of the new records.
 */
export function planReplace(
  id: string,
  existing: SessionHeader | undefined,
  change: SessionChange,
  now: number,
): CommitResult {
  // A put or a truncation means nothing for a session that starts over: refused, as a missing create is.
  if (!change.create || change.truncateFrom !== undefined || (change.put?.length ?? 0) > 0) {
    throw new SessionStoreError("failed", `replace "${id}"`, {
      detail: "a replacement needs change.create and takes only create, append and set",
    });
  }
  let base: SessionHeader | undefined;
  if (existing) {
    const { currentResponseId: _dropped, ...kept } = existing;
    base = {
      ...kept,
      kind: change.create.kind,
      title: change.create.title ?? "",
      createdAt: change.create.createdAt ?? now,
      count: 0,
    };
  }
  return planCommit(id, base ?? existing, change, { removed: 0, created: 0 }, now);
}

/** Builds the stored record for `body` at `seq`. */
export function toRecord(seq: number, body: RecordBody): SessionRecord {
  const record: SessionRecord = { v: SCHEMA_VERSION, seq, status: body.status, at: body.at, item: body.item };
  if (body.reason) record.reason = body.reason;
  return record;
}

/** Refuses data written by a newer schema: reading it could lose fields on the next write. */
export function checkVersion(v: unknown, operation: string): void {
  if (typeof v !== "number" || v > SCHEMA_VERSION) {
    throw new SessionStoreError("schema", operation, {
      detail: `record schema version ${String(v)}, this library reads up to ${SCHEMA_VERSION}`,
    });
  }
}
