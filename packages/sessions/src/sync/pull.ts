/**
 * The pull: how a synced store brings the remote's version of a session into the local copy.
 *
 * - **mirror** ({@link mirror}): the local copy becomes equal to the remote session, records and header
 *   fields. Records that stay in place keep their local seqs (a rewrite of the local store, by
 *   `rewriteChange`: puts where a body changed, then truncate and append from the first record that
 *   moved); the seq map is rebuilt from the pairs, the base becomes the remote header with the hashes of
 *   its last records, and a change event tells open sessions and other tabs (`onChange`, then `refresh()`).
 *   A remote session that is gone (deleted by another device) deletes the local copy. A mirror runs only
 *   with nothing pending or in flight, inside the session's state lock: it never overwrites a change this
 *   copy has not pushed.
 * - **reconcile** ({@link reconcile}): when the bookkeeping cannot be trusted (the first sync of a session
 *   written before sync was on, a local change made while sync was off, a push refused for good), local
 *   and remote records are compared by content: records the remote has (by hash) are paired in the seq map,
 *   the others become pending appends against a null base, and the server merges them by timestamp.
 * - **forget** ({@link forgetOtherStore}): the session was synced with another store than the remote's now
 *   (another server at the URL, or one that lost its data): what this copy knew of the remote is dropped
 *   and the next sync reconciles, so the local copy is pushed again, never deleted for being missing there.
 *
 * Writers that opened a session before a mirror moved its records still name the old local seqs: the
 * mirror keeps the moves (`movedLocalSeqs`), and the facade redirects their commits (pending-changes.ts).
 */
import type { CommitResult, RecordBody, SessionChange, StoredSession } from "../schema.js";
import { bodyOf, tailEntry } from "../sync-protocol/protocol.js";
import { recordHash } from "../sync-protocol/record-hash.js";
import { pendingWholeSession } from "./pending-changes.js";
import { rewriteChange } from "./rewrite-change.js";
import { remoteSeqOf, type SeqPair, seqMapOf, seqPairsOf } from "./seq-map.js";
import type { SyncContext } from "./sync-context.js";
import {
  baseFromHeader,
  KEPT_MOVED_SEQS,
  KEPT_TAIL_SIZE,
  type MovedSeq,
  newSyncState,
  type SyncState,
} from "./sync-state.js";

/**
 * Makes the local copy equal to the remote session `remote` (null: deleted), keeping the local seqs of
 * records that stay in place; runs inside the state lock with nothing pending.
 */
export async function mirror(
  context: SyncContext,
  id: string,
  state: SyncState,
  remote: StoredSession | null,
): Promise<void> {
  const local = await context.local.load(id);
  if (!remote) {
    if (local) await context.local.delete(id);
    await context.bookkeeping.delete(id);
    if (local) context.publishRemoteChange({ id, type: "delete", revision: 0 });
    return;
  }
  const header = remote.header;
  const set: NonNullable<SessionChange["set"]> = {
    title: header.title,
    currentResponseId: header.currentResponseId ?? null,
    updatedAt: header.updatedAt,
  };
  const localSeqOfRemote = new Map(
    seqPairsOf(state.seqMap).map(([localSeq, remoteSeq]) => [remoteSeq, localSeq]),
  );
  const localSeqs = new Set(local?.records.map((record) => record.seq));
  const target = remote.records.map((record) => {
    const localSeq = localSeqOfRemote.get(record.seq);
    return localSeq !== undefined && localSeqs.has(localSeq)
      ? { reuse: localSeq, body: bodyOf(record) }
      : { body: bodyOf(record) };
  });
  let result: CommitResult | undefined;
  let seqPairs: SeqPair[];
  const moved: MovedSeq[] = [];
  if (!local) {
    result = await context.local.commit(id, {
      create: { kind: header.kind, title: header.title, createdAt: header.createdAt },
      append: target.map((item) => item.body),
      set,
    });
    seqPairs = remote.records.map((record, i) => [result!.seqs[i]!, record.seq]);
  } else {
    const { change, appended, kept } = rewriteChange(local.records, target);
    const headerSame =
      local.header.title === header.title &&
      (local.header.currentResponseId ?? null) === (header.currentResponseId ?? null);
    if (Object.keys(change).length === 0 && headerSame) {
      seqPairs = remote.records.map((record, i) => [local.records[i]!.seq, record.seq]);
    } else {
      change.set = set;
      result = await context.local.commit(id, change);
      seqPairs = [
        ...remote.records.slice(0, kept).map((record, i): SeqPair => [local.records[i]!.seq, record.seq]),
        ...appended.map((index, k): SeqPair => [result!.seqs[k]!, remote.records[index]!.seq]),
      ];
      // Records this rewrite moved: writers opened before it may still name their old seqs.
      const newLocalSeqOfRemote = new Map(seqPairs.map(([localSeq, remoteSeq]) => [remoteSeq, localSeq]));
      for (const record of local.records.slice(kept)) {
        const remoteSeq = remoteSeqOf(state.seqMap, record.seq);
        const newLocalSeq = remoteSeq === undefined ? undefined : newLocalSeqOfRemote.get(remoteSeq);
        moved.push([record.seq, newLocalSeq ?? -1]);
      }
    }
  }
  state.seqMap = seqMapOf(seqPairs);
  state.base = baseFromHeader(header, remote.records.slice(-KEPT_TAIL_SIZE).map(tailEntry));
  state.base.count = remote.records.length;
  if (context.remoteStoreId) state.storeId = context.remoteStoreId;
  state.remoteAhead = false;
  state.pushedHashes = undefined;
  state.pending = undefined;
  state.needsReconcile = false;
  state.localRevision = result?.header.revision ?? local!.header.revision;
  if (moved.length) {
    const earlier = (state.movedLocalSeqs ?? []).filter(([old]) => !moved.some(([oldSeq]) => oldSeq === old));
    state.movedLocalSeqs = [...earlier, ...moved].slice(-KEPT_MOVED_SEQS);
  }
  await context.bookkeeping.write(state);
  if (result) context.publishRemoteChange({ id, type: "commit", revision: result.header.revision });
}

/**
 * Compares contents when the bookkeeping cannot be trusted (first sync of an existing local session, a
 * local change made while sync was off): local records equal to remote ones (by hash) are paired, the
 * others are pushed as new records, and the server merges them by timestamp.
 */
export async function reconcile(context: SyncContext, id: string): Promise<void> {
  const remote = await context.remote.load(id);
  await context.locks.state(id, async () => {
    const local = await context.local.load(id);
    const state = (await context.bookkeeping.read(id)) ?? newSyncState(id);
    if (state.inflight) return;
    state.needsReconcile = false;
    state.blocked = undefined;
    state.pushedHashes = undefined;
    if (!local) {
      if (remote) await mirror(context, id, newSyncState(id), remote);
      else await context.bookkeeping.delete(id);
      return;
    }
    state.localRevision = local.header.revision;
    if (!remote) {
      state.base = undefined;
      state.seqMap = [];
      state.remoteAhead = false;
      state.pending = pendingWholeSession(local);
      await context.bookkeeping.write(state);
      return;
    }
    // Remote seqs by hash: equal records (the same text at the same time) pair in order.
    const remoteSeqsByHash = new Map<string, number[]>();
    for (const record of remote.records) {
      const hash = recordHash(record);
      remoteSeqsByHash.set(hash, [...(remoteSeqsByHash.get(hash) ?? []), record.seq]);
    }
    const seqPairs: SeqPair[] = [];
    const touched: [number, RecordBody][] = [];
    for (const record of local.records) {
      const remoteSeq = remoteSeqsByHash.get(recordHash(record))?.shift();
      if (remoteSeq !== undefined) seqPairs.push([record.seq, remoteSeq]);
      else touched.push([record.seq, bodyOf(record)]);
    }
    state.seqMap = seqMapOf(seqPairs);
    // A null base: the server merges the unpaired records with all of its own by timestamp.
    state.base = undefined;
    state.remoteAhead = true;
    state.pending = touched.length
      ? {
          touched,
          create: {
            kind: local.header.kind,
            title: local.header.title,
            createdAt: remote.header.createdAt,
          },
        }
      : undefined;
    context.mergedSessions.set(id, remote);
    await context.bookkeeping.write(state);
  });
}

/**
 * The session was synced with another store than the remote's now (another server at the URL, or one
 * that lost its data): drop what this copy knew of the remote and compare contents again, so the local
 * copy is pushed, never deleted for being missing there.
 */
export async function forgetOtherStore(context: SyncContext, id: string): Promise<void> {
  await context.locks.state(id, async () => {
    const state = await context.bookkeeping.read(id);
    if (!state?.storeId || state.storeId === context.remoteStoreId) return;
    state.base = undefined;
    state.seqMap = [];
    state.inflight = undefined;
    state.remoteAhead = false;
    state.pushedHashes = undefined;
    state.storeId = undefined;
    state.needsReconcile = true;
    await context.bookkeeping.write(state);
  });
}
