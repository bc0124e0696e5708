/**
 * The sync bookkeeping of one session: what a synced store remembers next to the local store, so that it
 * can resend what the server has not acknowledged and tell its own changes from others'.
 *
 * Per session (and pairing of local and remote store), small and independent of the session's length but
 * for the seq map:
 * - the **base**: the remote header this copy last mirrored (or its own acknowledged push moved it to),
 *   with the hashes of the last records, which a push sends as its `base` (see `PushBase`);
 * - the **seq map** from local seqs to remote seqs, as runs (seq-map.ts);
 * - the **pending changes**: local commits not sent yet, in local seqs (pending-changes.ts);
 * - the **in-flight push**: the exact request sent and not acknowledged, resent verbatim until it is
 *   (its push id lets the server recognise a resend).
 *
 * Two shapes, one codec. {@link SessionSyncState} is the bookkeeping as stored (IndexedDB database
 * `oaikit-sync`, or a custom `SyncStateStorage`), and a public type: its field names (`runs`, `unseen`,
 * `known`, `remap`, `reconcile`) are what browsers already hold. {@link SyncState} is the same bookkeeping
 * with the names the engine's code reads; {@link fromStoredState} and {@link toStoredState} are the only
 * places that know both. Renaming the stored fields would need a migration of every browser's bookkeeping
 * and would change a public type, for no behaviour: not worth it.
 */
import type { RecordBody, SessionChange, SessionHeader, SessionKind } from "../schema.js";
import { type PushBase, type PushRequest, TAIL_SIZE } from "../sync-protocol/protocol.js";
import type { SeqRun } from "./seq-map.js";

/**
 * What `createSyncedStore` remembers per session, next to the local store (never inside it: the local
 * records stay exactly what `@oaikit/sessions` writes). Small: the remote state last mirrored, a map of
 * local seqs to remote seqs kept as runs, and the local changes not yet acknowledged by the remote.
 */
export interface SessionSyncState {
  id: string;
  /** The remote state the local copy mirrors (plus its own acknowledged pushes); undefined: never synced. */
  base?: PushBase & { kind: SessionKind };
  /** Local seq → remote seq, as runs `[localFrom, remoteFrom, length]`, sorted by local seq (see seq-map.ts). */
  runs: [number, number, number][];
  /** The local header revision this state accounts for (a different one means changes it did not see). */
  localRevision: number;
  /** Local changes not yet sent. */
  pending?: PendingChanges;
  /** A push sent but not acknowledged: resent verbatim until it is (the server recognises a duplicate). */
  inflight?: Inflight;
  /** The remote has records (another device's, merged by the server) that the local copy does not show yet. */
  unseen?: boolean;
  /** Local seqs a mirror moved: `[old, new]` (`new` -1: removed), so writers opened before it still hit. */
  remap?: [number, number][];
  /** The identity of the remote store `base` came from (`ListResponse.store`). */
  storeId?: string;
  /** Hashes of records pushed while `unseen` (for the `prev` of later puts): `[remote seq, hash]`. */
  known?: [number, string][];
  /** Set when the local copy may have changed without this state knowing: the next sync compares contents. */
  reconcile?: boolean;
  /** A push the server refused for good (400/413): shown as an error, not retried until the next change. */
  blocked?: string;
}

/** Local changes since the last push, in local seqs. */
export interface PendingChanges {
  create?: { kind: SessionKind; title: string; createdAt: number };
  /** Every synced record with a local seq >= cut was removed locally. */
  cut?: number;
  /** Records created or changed locally: local seq and latest body, in local seq order. */
  touched: [number, RecordBody][];
  set?: NonNullable<SessionChange["set"]>;
  /** The session was deleted locally. */
  deleted?: boolean;
}

/** A push (or delete) on its way, with what the client needs to file the answer. */
export interface Inflight {
  push?: PushRequest;
  /** Local seq of each appended record, in push order. */
  appendLocal: number[];
  /** Local seq of each put, in push order. */
  putLocal: number[];
  /** The local cut the push carries. */
  cutLocal?: number;
  delete?: { revision: number; createdAt: number };
}

/**
 * Remote records whose hash the bookkeeping keeps (`base.tail`, `pushedHashes`): a put names the version it
 * replaces by hash (`prev`), so these are the records a put can edit; a push sends the last
 * {@link TAIL_SIZE} of them as its base.
 */
export const KEPT_TAIL_SIZE = 64;

/** Moved local seqs the bookkeeping keeps for writers opened before a mirror (the latest ones). */
export const KEPT_MOVED_SEQS = 256;

/** What this copy knows of the remote session: the base of its next push, plus the session's kind. */
export type RemoteBase = PushBase & { kind: SessionKind };

/** A remote record's hash as this copy last saw it: `[remote seq, hash]`. */
export type SeenHash = [remoteSeq: number, hash: string];

/** A local seq a mirror moved: `[old local seq, new local seq]` (new -1: the record is gone). */
export type MovedSeq = [oldLocalSeq: number, newLocalSeq: number];

/** {@link SessionSyncState} as the engine reads it (stored names in brackets). */
export interface SyncState {
  /** The session id. */
  id: string;
  /** What this copy last saw of the remote session; undefined: never synced. */
  base?: RemoteBase;
  /** Local seq → remote seq (`runs`). */
  seqMap: SeqRun[];
  /** The local header revision this state accounts for (a different one means changes it did not see). */
  localRevision: number;
  /** Local commits not sent yet. */
  pending?: PendingChanges;
  /** The push (or delete) sent and not acknowledged: resent verbatim until it is. */
  inflight?: Inflight;
  /**
   * The server merged others' records into this copy's push: the remote is ahead of `base`, and the next
   * sync mirrors it (`unseen`). Until then `base` stays what this copy has seen.
   */
  remoteAhead?: boolean;
  /** Hashes of records this copy pushed while the remote was ahead, for the `prev` of later puts (`known`). */
  pushedHashes?: SeenHash[];
  /** Local seqs a mirror moved, so writers opened before it still write to their records (`remap`). */
  movedLocalSeqs?: MovedSeq[];
  /** The identity of the remote store `base` came from (`ListResponse.store`). */
  storeId?: string;
  /** The local copy may have changed without this state knowing: the next sync compares contents (`reconcile`). */
  needsReconcile?: boolean;
  /** Why the server refused a push for good (400/413): not resent until the next local change. */
  blocked?: string;
}

/** The bookkeeping as the engine reads it, from its stored shape. */
export function fromStoredState(stored: SessionSyncState): SyncState {
  const { runs, unseen, known, remap, reconcile, ...sameNames } = stored;
  const state: SyncState = { ...sameNames, seqMap: runs };
  if (unseen !== undefined) state.remoteAhead = unseen;
  if (known !== undefined) state.pushedHashes = known;
  if (remap !== undefined) state.movedLocalSeqs = remap;
  if (reconcile !== undefined) state.needsReconcile = reconcile;
  return state;
}

/** The bookkeeping in its stored shape (the names browsers already hold). */
export function toStoredState(state: SyncState): SessionSyncState {
  const { seqMap, remoteAhead, pushedHashes, movedLocalSeqs, needsReconcile, ...sameNames } = state;
  const stored: SessionSyncState = { ...sameNames, runs: seqMap };
  if (remoteAhead !== undefined) stored.unseen = remoteAhead;
  if (pushedHashes !== undefined) stored.known = pushedHashes;
  if (movedLocalSeqs !== undefined) stored.remap = movedLocalSeqs;
  if (needsReconcile !== undefined) stored.reconcile = needsReconcile;
  return stored;
}

/** The bookkeeping of a session this copy has never synced. */
export function newSyncState(id: string): SyncState {
  return { id, seqMap: [], localRevision: 0 };
}

/** Whether `pending` holds anything to send. */
export function hasPending(pending: PendingChanges | undefined): pending is PendingChanges {
  return Boolean(
    pending &&
      (pending.deleted ||
        pending.create ||
        pending.cut !== undefined ||
        pending.touched.length > 0 ||
        (pending.set && Object.keys(pending.set).length)),
  );
}

/** The base of a remote session's header, with the records' `tail`. */
export function baseFromHeader(header: SessionHeader, tail: RemoteBase["tail"]): RemoteBase {
  const base: RemoteBase = {
    kind: header.kind,
    revision: header.revision,
    nextSeq: header.nextSeq,
    createdAt: header.createdAt,
    count: header.count,
    tail,
    title: header.title,
  };
  if (header.currentResponseId !== undefined) base.currentResponseId = header.currentResponseId;
  return base;
}

/**
 * The base as a push sends it: without the kind, and with the last {@link TAIL_SIZE} records of the tail
 * (the bookkeeping keeps more, for the `prev` of puts on older records).
 */
export function baseToSend(base: RemoteBase): PushRequest["base"] {
  const { kind: _kind, ...rest } = base;
  return { ...rest, tail: base.tail.slice(-TAIL_SIZE) };
}

/**
 * The hash of remote record `remoteSeq` as this copy last saw it (what a put names as `prev`): one it
 * pushed while the remote was ahead, else one of the base's tail; undefined if it saw neither.
 */
export function lastSeenHash(state: SyncState, remoteSeq: number): string | undefined {
  return (
    state.pushedHashes?.find(([seq]) => seq === remoteSeq)?.[1] ??
    state.base?.tail.find((entry) => entry.seq === remoteSeq)?.hash
  );
}

/** A random push id (20 characters): a new one per push, the same on every resend of it. */
export function newPushId(): string {
  const uuid = globalThis.crypto?.randomUUID?.();
  if (uuid) return uuid.replaceAll("-", "").slice(0, 20);
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`.slice(0, 20);
}
