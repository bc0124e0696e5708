import type { RecordBody, SessionHeader, StoredSession } from "../schema.js";
import type { SessionStore } from "../store.js";
import type { PushRequest } from "../sync-protocol/protocol.js";
import { recordHash } from "../sync-protocol/record-hash.js";

/**
 * How the sync server recognises a push it already applied, by the id the push carries (`PushRequest.id`):
 * each commit adds its push id to the session header's `pushes` (the last 128, in the same atomic commit),
 * and deleting a session leaves a tombstone with them, under an id no client can name (it starts with
 * U+0000, a control character the session-id rule refuses). The tombstone also keeps a session created
 * again from reusing the deleted one's identity (see {@link createdAfter}). A resent push whose id is there is answered
 * `duplicate` and writes nothing, even when the records it carried were removed since, or the whole session
 * was: what a device removed stays removed, whatever another device resends.
 */

const TOMBSTONE = "\u0000deleted\u0000";

/** The id of the tombstone of session `id`. */
export function tombstoneId(id: string): string {
  return `${TOMBSTONE}${id}`;
}

/** Whether `id` is the server's own bookkeeping (never listed, never reachable by a request). */
export function isInternalId(id: string): boolean {
  return id.startsWith("\u0000");
}

/** A header as the server sends it: without its bookkeeping. */
export function outwardHeader(header: SessionHeader): SessionHeader {
  if (header.pushes === undefined) return header;
  const { pushes: _pushes, ...rest } = header;
  return rest;
}

/** A session as the server sends it (see {@link outwardHeader}). */
export function outwardSession(session: StoredSession): StoredSession {
  return { header: outwardHeader(session.header), records: session.records };
}

/**
 * The tombstone a delete left for session `id`, when the push may need it: the session is missing, or the
 * push has an id and is not based on the session there now (null base, or another incarnation).
 */
export async function tombstoneFor(
  store: SessionStore,
  id: string,
  current: StoredSession | undefined,
  push: PushRequest,
): Promise<StoredSession | undefined> {
  const sameIncarnation = push.base && current && current.header.createdAt === push.base.createdAt;
  if (current && (push.id === undefined || sameIncarnation)) return undefined;
  return store.load(tombstoneId(id));
}

/**
 * Whether `push` (which has an id) was applied before: the session it was applied to, as it is now, or
 * `null` when that session was deleted since; undefined when the id is unknown (a new push, or one so old
 * that its id fell out: then the content check of `decidePush` still sees most retries).
 */
export function appliedBefore(
  current: StoredSession | undefined,
  tombstone: StoredSession | undefined,
  push: PushRequest & { id: string },
): { session: StoredSession | null } | undefined {
  if (current?.header.pushes?.includes(push.id)) return { session: current };
  if (tombstone?.header.pushes?.includes(push.id)) return { session: current ?? null };
  return undefined;
}

/**
 * A session created again after a delete is another incarnation, and devices tell incarnations apart by
 * `createdAt` (with `revision`, which starts again at 1): the new one must not reuse the old one's, as a
 * device that pushes its copy back after the delete would (docs/sync.md, rule 4). Returns the `createdAt`
 * to create with: the pushed one, or just after the last delete when that is later.
 */
export function createdAfter(tombstone: StoredSession | undefined, createdAt: number | undefined): number {
  const pushed = createdAt ?? Date.now();
  return tombstone ? Math.max(pushed, tombstone.header.updatedAt + 1) : pushed;
}

/**
 * Before deleting session `current`: writes its tombstone (a header without records under an id no client
 * can name), with its push ids and the time of the delete (`updatedAt`). One per deleted id, kept.
 */
export async function keepTombstone(store: SessionStore, current: StoredSession): Promise<void> {
  const pushes = current.header.pushes ?? [];
  await store.commit(tombstoneId(current.header.id), {
    create: { kind: current.header.kind },
    ...(pushes.length ? { pushes } : {}),
  });
}

/**
 * The seqs to answer a recognised resend with: for each appended record, the seq of an equal record (by
 * hash) still in the session, else -1 (removed since).
 */
export function seqsNow(session: StoredSession | null, append: RecordBody[] | undefined): number[] {
  const byHash = new Map<string, number[]>();
  for (const record of session?.records ?? []) {
    const hash = recordHash(record);
    const seqs = byHash.get(hash);
    if (seqs) seqs.push(record.seq);
    else byHash.set(hash, [record.seq]);
  }
  return (append ?? []).map((body) => byHash.get(recordHash(body))?.shift() ?? -1);
}
