/**
 * The push: how a synced store sends a session's local changes and files the server's answer.
 *
 * Four steps, each on the bookkeeping of one session (sync-state.ts):
 * 1. **prepare** ({@link preparePush}, inside the state lock): the pending changes, in local seqs, become
 *    one push in remote seqs through the seq map. A touched record the remote has (mapped, and not cut)
 *    is a put naming the version it replaces (`prev`: the hash this copy last saw); any other touched
 *    record is an append; a local cut becomes a truncation from the lowest remote seq it removes; the base
 *    is what this copy last saw (null: it believes the session is new). The push gets a new **push id**
 *    and is kept as the **in-flight push**; a local delete becomes an in-flight delete at the base's
 *    revision instead.
 * 2. **send** ({@link sendInflight}, outside the state lock: the page keeps writing meanwhile): the
 *    in-flight request goes out exactly as kept, however often it is resent; a resend after a lost answer
 *    carries the same push id, and the server answers it `duplicate` without writing anything.
 * 3. **acknowledged** (an `applied`, `merged` or `duplicate` answer): the seq map gains the appended
 *    records at the seqs the server gave (and follows the records a merge moved). `applied` moves the base
 *    to the new header, with the pushed records' hashes in its tail; `merged` or `duplicate` means the
 *    remote is ahead of what this copy has seen (`remoteAhead`): the base stays, the pushed hashes are kept
 *    for later puts, and the session the answer carries is mirrored next (pull.ts).
 * 4. **conflicted** (a `409`): the server keeps its version, which this copy mirrors; the local version
 *    (everything the push carried and anything written since) is saved as a new session, the **conflicted
 *    copy** (`<id>~conflict-<stamp>`, title `<title> (conflicted copy)`), pushed like any new session. A
 *    session deleted on the server while this copy changed it goes back whole instead (docs/sync.md, rule 4).
 *
 * A push the server refuses for good (400, 413) is dropped from the bookkeeping and the session marked
 * `blocked` (the local data stays); the next local change tries again.
 */
import type { RecordBody, SessionChange, StoredSession } from "../schema.js";
import { MAX_SESSION_ID_LENGTH, shortenId } from "../session-id.js";
import {
  bodyOf,
  type ConflictResponse,
  type PushRequest,
  type PushResponse,
} from "../sync-protocol/protocol.js";
import { recordHash } from "../sync-protocol/record-hash.js";
import { pendingWholeSession, recordLocalCommit } from "./pending-changes.js";
import { mirror } from "./pull.js";
import { RemoteStoreError } from "./remote-store.js";
import { remoteSeqOf, type SeqPair, seqMapOf, seqPairsOf, withAppendedPairs } from "./seq-map.js";
import type { SyncContext } from "./sync-context.js";
import {
  baseFromHeader,
  baseToSend,
  hasPending,
  KEPT_TAIL_SIZE,
  lastSeenHash,
  newPushId,
  newSyncState,
  type PendingChanges,
  type SyncState,
} from "./sync-state.js";

/** Turns pending changes into the next push (or delete), in remote seqs: the in-flight request. */
export async function preparePush(context: SyncContext, id: string, state: SyncState): Promise<void> {
  const pending = state.pending!;
  if (pending.deleted) {
    if (state.base)
      state.inflight = {
        delete: { revision: state.base.revision, createdAt: state.base.createdAt },
        appendLocal: [],
        putLocal: [],
      };
    else state.seqMap = [];
    const rest: PendingChanges = { touched: pending.touched };
    if (pending.create) rest.create = pending.create;
    if (pending.set) rest.set = pending.set;
    state.pending = hasPending(rest) ? rest : undefined;
    return;
  }
  // A new id per push; a resend of the in-flight push carries the same (see PushRequest.id).
  const push: PushRequest = { id: newPushId(), base: state.base ? baseToSend(state.base) : null };
  if (!state.base) {
    const create = pending.create ?? (await createFromLocal(context, id));
    if (create) push.create = create;
  }
  let cutLocal: number | undefined;
  if (pending.cut !== undefined) {
    const cut = pending.cut;
    const removed = seqPairsOf(state.seqMap).filter(([localSeq]) => localSeq >= cut);
    if (removed.length > 0) {
      push.truncateFrom = Math.min(...removed.map(([, remoteSeq]) => remoteSeq));
      cutLocal = cut;
    }
  }
  const put: NonNullable<PushRequest["put"]> = [];
  const append: RecordBody[] = [];
  const putLocal: number[] = [];
  const appendLocal: number[] = [];
  for (const [localSeq, body] of pending.touched) {
    const remoteSeq = remoteSeqOf(state.seqMap, localSeq);
    if (remoteSeq !== undefined && (cutLocal === undefined || localSeq < cutLocal)) {
      const entry: (typeof put)[number] = { seq: remoteSeq, body };
      const prev = lastSeenHash(state, remoteSeq);
      if (prev) entry.prev = prev;
      put.push(entry);
      putLocal.push(localSeq);
    } else {
      append.push(body);
      appendLocal.push(localSeq);
    }
  }
  if (put.length) push.put = put;
  if (append.length) push.append = append;
  if (pending.set && Object.keys(pending.set).length) push.set = pending.set;
  state.inflight = { push, appendLocal, putLocal };
  if (cutLocal !== undefined) state.inflight.cutLocal = cutLocal;
  state.pending = undefined;
}

/** The create of a session whose pending changes lost theirs: from the local header. */
async function createFromLocal(context: SyncContext, id: string): Promise<PendingChanges["create"]> {
  const header = (await context.local.list()).find((localHeader) => localHeader.id === id);
  return header && { kind: header.kind, title: header.title, createdAt: header.createdAt };
}

/** Sends the in-flight push (or delete) and files the answer. */
export async function sendInflight(context: SyncContext, id: string, state: SyncState): Promise<void> {
  const inflight = state.inflight!;
  if (inflight.delete) {
    const answer = await context.remote.deleteAt(id, inflight.delete.revision, inflight.delete.createdAt);
    await context.locks.state(id, async () => {
      const now = await context.bookkeeping.read(id);
      if (!now) return;
      now.inflight = undefined;
      if (answer.result === "deleted") {
        now.base = undefined;
        now.seqMap = [];
        now.remoteAhead = false;
        if (!hasPending(now.pending)) {
          await context.bookkeeping.delete(id);
          return;
        }
      } else if (!hasPending(now.pending)) {
        // Someone changed the session since we saw it: it stays, and comes back here.
        await mirror(context, id, now, answer.session);
        return;
      } else {
        now.base = undefined;
        now.seqMap = [];
        now.needsReconcile = true;
      }
      await context.bookkeeping.write(now);
    });
    return;
  }
  let answer: PushResponse | ConflictResponse;
  try {
    answer = await context.remote.push(id, inflight.push!);
  } catch (error) {
    if (error instanceof RemoteStoreError && (error.status === 400 || error.status === 413)) {
      // Refused for good: keep the local data, stop resending it, and say so.
      await context.locks.state(id, async () => {
        const now = await context.bookkeeping.read(id);
        if (!now) return;
        now.inflight = undefined;
        now.blocked = error.message;
        now.needsReconcile = true;
        await context.bookkeeping.write(now);
      });
    }
    throw error;
  }
  await context.locks.state(id, async () => {
    const now = await context.bookkeeping.read(id);
    if (!now?.inflight) return;
    if (answer.result === "conflict") await conflicted(context, id, now, answer);
    else await acknowledged(context, id, now, answer);
  });
}

/** Files an accepted push: the map gains the appended records, the base moves (or the remote is ahead). */
async function acknowledged(
  context: SyncContext,
  id: string,
  state: SyncState,
  answer: PushResponse,
): Promise<void> {
  const inflight = state.inflight!;
  const push = inflight.push!;
  if (answer.session === null) {
    await appliedThenDeleted(context, id, state);
    return;
  }
  // The pairs that stay: none past the push's cut; records a merge moved follow their new remote seq.
  let keptPairs: SeqPair[] | undefined;
  if (inflight.cutLocal !== undefined || answer.moved?.length) {
    const newSeqOf = new Map(answer.moved ?? []);
    keptPairs = seqPairsOf(state.seqMap)
      .filter(([localSeq]) => inflight.cutLocal === undefined || localSeq < inflight.cutLocal)
      .map(([localSeq, remoteSeq]) => [localSeq, newSeqOf.get(remoteSeq) ?? remoteSeq]);
  }
  // -1: a resent push's record that was removed since (the mirror that follows removes it here too).
  const appendedPairs = inflight.appendLocal
    .map((localSeq, i): SeqPair => [localSeq, answer.seqs[i] ?? -1])
    .filter(([, remoteSeq]) => remoteSeq >= 0);
  state.seqMap = keptPairs
    ? seqMapOf([...keptPairs, ...appendedPairs])
    : withAppendedPairs(state.seqMap, appendedPairs);
  const pushedRecords = [
    ...(push.put ?? []).map((put) => ({
      seq: put.seq,
      hash: recordHash(put.body),
      partial: put.body.status === "partial",
    })),
    ...(push.append ?? []).map((body, i) => ({
      seq: answer.seqs[i]!,
      hash: recordHash(body),
      partial: body.status === "partial",
    })),
  ];
  if (answer.result === "applied" && !state.remoteAhead && answer.header) {
    const header = answer.header;
    let tail = (state.base?.tail ?? []).filter(
      (entry) => push.truncateFrom === undefined || entry.seq < push.truncateFrom,
    );
    for (const record of pushedRecords) {
      tail = tail.filter((entry) => entry.seq !== record.seq);
      tail.push(record.partial ? record : { seq: record.seq, hash: record.hash });
    }
    tail.sort((a, b) => a.seq - b.seq);
    state.base = baseFromHeader(header, tail.slice(-KEPT_TAIL_SIZE));
    if (context.remoteStoreId) state.storeId = context.remoteStoreId;
    context.mergedSessions.delete(id);
  } else {
    // The server merged others' records in: the base stays what this copy has seen until it mirrors.
    state.remoteAhead = true;
    const pushedHashes = new Map(state.pushedHashes ?? []);
    for (const record of pushedRecords) pushedHashes.set(record.seq, record.hash);
    state.pushedHashes = [...pushedHashes].slice(-KEPT_TAIL_SIZE);
    if (answer.session) context.mergedSessions.set(id, answer.session);
  }
  state.inflight = undefined;
  await context.bookkeeping.write(state);
}

/**
 * A resent push that the server had applied, to a session deleted since by a device that saw it: the
 * delete stands here too. Changes made here after that push were not seen by the deleting device: as for
 * any push refused because its session was deleted (docs/sync.md, rule 4), the whole copy goes back.
 */
async function appliedThenDeleted(context: SyncContext, id: string, state: SyncState): Promise<void> {
  state.inflight = undefined;
  if (!hasPending(state.pending)) {
    await mirror(context, id, state, null);
    return;
  }
  const local = await context.local.load(id);
  state.base = undefined;
  state.seqMap = [];
  state.remoteAhead = false;
  state.pushedHashes = undefined;
  state.pending = local ? pendingWholeSession(local) : undefined;
  if (local) state.localRevision = local.header.revision;
  await context.bookkeeping.write(state);
}

/**
 * Files a refused push: the server keeps its version, which this copy mirrors; the local version (with
 * every change the push carried, and any made since) is saved as a new session, the conflicted copy.
 */
async function conflicted(
  context: SyncContext,
  id: string,
  state: SyncState,
  answer: ConflictResponse,
): Promise<void> {
  const local = await context.local.load(id);
  state.inflight = undefined;
  if (answer.session === null) {
    // Deleted elsewhere while this copy changed it: it goes back to the server whole.
    state.base = undefined;
    state.seqMap = [];
    state.remoteAhead = false;
    state.pushedHashes = undefined;
    state.pending = local ? pendingWholeSession(local) : undefined;
    if (local) state.localRevision = local.header.revision;
    await context.bookkeeping.write(state);
    return;
  }
  if (local && local.records.length > 0) await saveConflictedCopy(context, local);
  state.pending = undefined;
  await mirror(context, id, state, answer.session);
}

/** Saves `session` (the losing version) as a new local session, pending its first push. */
async function saveConflictedCopy(context: SyncContext, session: StoredSession): Promise<void> {
  const { header } = session;
  const stamp = `~conflict-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const copyId = `${shortenId(header.id, MAX_SESSION_ID_LENGTH - stamp.length)}${stamp}`; // an id that syncs
  const title = `${header.title || "Untitled"} (conflicted copy)`;
  const set: NonNullable<SessionChange["set"]> = { title, updatedAt: Date.now() };
  if (header.currentResponseId) set.currentResponseId = header.currentResponseId;
  await context.locks.state(copyId, async () => {
    const result = await context.local.commit(copyId, {
      create: { kind: header.kind, title, createdAt: Date.now() },
      append: session.records.map(bodyOf),
      set,
    });
    const state = newSyncState(copyId);
    recordLocalCommit(
      state,
      { create: { kind: header.kind, title }, append: session.records.map(bodyOf), set },
      result,
    );
    state.needsReconcile = false;
    await context.bookkeeping.write(state);
    context.publishRemoteChange({ id: copyId, type: "commit", revision: result.header.revision });
  });
  context.schedulePush(copyId);
}
