// The conflict rule (docs/sync.md): decidePush judges a push against the stored session, mergeByTime orders
// two record lists by timestamp. Pure functions: the handler loads, decides, and commits.
import type { RecordBody, SessionChange, SessionRecord, StoredSession } from "../schema.js";
import { bodyOf, type PushBase, type PushRequest } from "../sync-protocol/protocol.js";
import { recordHash } from "../sync-protocol/record-hash.js";

/**
 * The conflict rule, as a pure function of the store's current session and a push (docs/sync.md, "The
 * conflict rule"). The handler loads the session, calls {@link decidePush}, and commits the returned change
 * only if the session is still at the revision it decided on (else it decides again).
 */
export type PushDecision =
  | {
      kind: "commit";
      outcome: "applied" | "merged";
      /** The change to commit, in the store's seqs. */
      change: SessionChange;
      /** The revision the decision was made on (0: no session). */
      revision: number;
      /** For each record of `push.append`: an index into `change.append`, or the seq of an existing equal record. */
      appends: ({ index: number } | { seq: number })[];
      /** Existing records that the change truncates and appends again (a merge re-ordered them). */
      moved: { seq: number; index: number }[];
    }
  | { kind: "duplicate"; seqs: number[] }
  | { kind: "conflict"; reason: string };

/** An equal record found by hash, for deduplication: records keep their own order. */
type Indexed = { record: SessionRecord; hash: string };

/** Decides how to take `push` given the stored session `current` (undefined: there is none). */
export function decidePush(current: StoredSession | undefined, push: PushRequest): PushDecision {
  const append = push.append ?? [];
  const revision = current?.header.revision ?? 0;
  const plain = (outcome: "applied" | "merged", change: SessionChange): PushDecision => ({
    kind: "commit",
    outcome,
    change,
    revision,
    appends: append.map((_, index) => ({ index })),
    moved: [],
  });
  const asSent = (): SessionChange => {
    const change: SessionChange = {};
    if (push.create) change.create = push.create;
    if (push.truncateFrom !== undefined) change.truncateFrom = push.truncateFrom;
    if (push.put?.length) change.put = push.put.map(({ seq, body }) => ({ seq, body }));
    if (append.length) change.append = append;
    if (push.set) change.set = push.set;
    return change;
  };

  if (push.force) {
    if (!current && !push.create) return { kind: "conflict", reason: "the session does not exist" };
    // A put overwrites a record: one that is not there (never was, or truncated first) is refused.
    if (push.put?.length) {
      const cut = push.truncateFrom ?? Number.POSITIVE_INFINITY;
      const seqs = new Set(current?.records.map((r) => r.seq).filter((seq) => seq < cut));
      const missing = push.put.find((put) => !seqs.has(put.seq));
      if (missing)
        return { kind: "conflict", reason: `put ${missing.seq}: no such record (append new records)` };
    }
    return plain("applied", asSent());
  }
  if (!current) {
    if (push.base) return { kind: "conflict", reason: "the session was deleted" };
    if (!push.create)
      return { kind: "conflict", reason: "the session does not exist and the push does not create it" };
    return plain("applied", asSent());
  }
  const header = current.header;
  // A null base against an existing session: the same id was created elsewhere too, or this is a retry of
  // our own create whose answer was lost. Both are judged against an empty base.
  const base: PushBase = push.base ?? {
    revision: 0,
    nextSeq: 0,
    createdAt: header.createdAt,
    count: 0,
    tail: [],
    title: push.create?.title ?? "",
  };
  if (push.base && header.createdAt !== base.createdAt) {
    return { kind: "conflict", reason: "the session was deleted and created again" };
  }
  if (push.base && header.revision === base.revision) return plain("applied", asSent());
  if (header.revision < base.revision) {
    return {
      kind: "conflict",
      reason: `the store is at revision ${header.revision}, behind the push's base`,
    };
  }

  // The store has moved on since the base.
  const indexed: Indexed[] = current.records.map((record) => ({ record, hash: recordHash(record) }));
  const duplicate = alreadyApplied(indexed, header, push, base);
  if (duplicate) return { kind: "duplicate", seqs: duplicate };

  const bySeq = new Map(indexed.map((x) => [x.record.seq, x]));
  const foreign = indexed.filter((x) => x.record.seq >= base.nextSeq);
  const kept = indexed.length - foreign.length;
  const foreignEdit =
    kept !== base.count ||
    base.tail.some((t) => {
      const now = bySeq.get(t.seq);
      return !now || (!t.partial && now.hash !== t.hash);
    });

  let ownEdit = push.truncateFrom !== undefined;
  const puts = new Map<number, RecordBody>();
  let byHash: Map<string, Indexed> | undefined; // built on the first put that needs it: one pass, not one per put
  for (const put of push.put ?? []) {
    if (put.prev === undefined)
      return { kind: "conflict", reason: `put ${put.seq} does not say which version it replaces` };
    let target = bySeq.get(put.seq);
    // A record a merge moved keeps its content: follow it by hash.
    if (!target || target.hash !== put.prev) {
      byHash ??= firstByHash(indexed);
      target = byHash.get(put.prev);
    }
    if (!target) return { kind: "conflict", reason: `record ${put.seq} changed since the push's base` };
    if (target.record.status !== "partial") ownEdit = true;
    puts.set(target.record.seq, put.body);
  }
  if (push.truncateFrom !== undefined) {
    const cut = push.truncateFrom;
    const changed = base.tail.some((t) => t.seq >= cut && bySeq.get(t.seq)?.hash !== t.hash);
    if (changed) return { kind: "conflict", reason: "the truncated records changed since the push's base" };
  }
  if (ownEdit && (foreign.length > 0 || foreignEdit)) {
    return { kind: "conflict", reason: "the push truncates or edits, and the store changed since its base" };
  }
  if (foreignEdit && append.length > 0) {
    return { kind: "conflict", reason: "the store was truncated or edited since the push's base" };
  }

  const change: SessionChange = {};
  if (push.create) change.create = push.create;
  const set = { ...push.set };
  if (set.title !== undefined && header.title !== base.title) delete set.title;
  if (set.currentResponseId !== undefined && header.currentResponseId !== base.currentResponseId) {
    delete set.currentResponseId;
  }
  if (Object.keys(set).length > 0) change.set = set;
  if (ownEdit) {
    // Nothing foreign to merge with (checked above): the push applies as sent, puts re-targeted.
    if (push.truncateFrom !== undefined) change.truncateFrom = push.truncateFrom;
    if (puts.size) change.put = [...puts].map(([seq, body]) => ({ seq, body }));
    if (append.length) change.append = append;
    return {
      kind: "commit",
      outcome: "merged",
      change,
      revision: header.revision,
      appends: append.map((_, index) => ({ index })),
      moved: [],
    };
  }

  // Appends (and continuation puts): merge the pushed records with the foreign ones by timestamp.
  const unmatched = new Map<string, number[]>();
  for (const x of foreign) {
    const seqs = unmatched.get(x.hash);
    if (seqs) seqs.push(x.record.seq);
    else unmatched.set(x.hash, [x.record.seq]);
  }
  const plan: ({ index: number } | { seq: number })[] = [];
  const fresh: { body: RecordBody; slot: number }[] = [];
  append.forEach((body, slot) => {
    const equal = unmatched.get(recordHash(body));
    const seq = equal?.shift();
    if (seq !== undefined) plan[slot] = { seq };
    else fresh.push({ body, slot });
  });
  const foreignBodies = foreign.map((x) => ({
    seq: x.record.seq,
    body: puts.get(x.record.seq) ?? bodyOf(x.record),
  }));
  const order = mergeByTime(foreignBodies, fresh);
  // The first pushed record that goes before a foreign one: from there on, records are appended again.
  // (One pass for the last foreign record, one for the first pushed record before it: linear in the records.)
  let lastForeign = -1;
  for (let i = order.length - 1; i >= 0 && lastForeign < 0; i--) if ("seq" in order[i]!) lastForeign = i;
  let firstOurs = -1;
  for (let i = 0; i < lastForeign && firstOurs < 0; i++) if (!("seq" in order[i]!)) firstOurs = i;
  const tail = firstOurs < 0 ? order.filter((x) => !("seq" in x)) : order.slice(firstOurs);
  const moved: { seq: number; index: number }[] = [];
  const newAppends: RecordBody[] = [];
  for (const item of tail) {
    if ("seq" in item) {
      moved.push({ seq: item.seq, index: newAppends.length });
      puts.delete(item.seq);
    } else {
      plan[item.slot] = { index: newAppends.length };
    }
    newAppends.push(item.body);
  }
  if (moved.length > 0) change.truncateFrom = moved[0]!.seq;
  if (puts.size) change.put = [...puts].map(([seq, body]) => ({ seq, body }));
  if (newAppends.length) change.append = newAppends;
  return { kind: "commit", outcome: "merged", change, revision: header.revision, appends: plan, moved };
}

/**
 * A stable merge of two record lists that are each kept in their own order: at each step the earlier `at`
 * goes first, and on a tie the stored (foreign) record does.
 */
export function mergeByTime<A extends { body: RecordBody }, B extends { body: RecordBody }>(
  stored: A[],
  pushed: B[],
): (A | B)[] {
  const out: (A | B)[] = [];
  let i = 0;
  let j = 0;
  while (i < stored.length || j < pushed.length) {
    const a = stored[i];
    const b = pushed[j];
    if (a && (!b || a.body.at <= b.body.at)) {
      out.push(a);
      i++;
    } else if (b) {
      out.push(b);
      j++;
    }
  }
  return out;
}

function firstByHash(indexed: Indexed[]): Map<string, Indexed> {
  const map = new Map<string, Indexed>();
  for (const x of indexed) if (!map.has(x.hash)) map.set(x.hash, x);
  return map;
}

/**
 * Whether everything `push` asks for is already in the store (a retry of a push whose answer was lost):
 * its appends are there (by hash, in order, after the base), the records it truncates are gone, its puts
 * and header fields are in place. Returns the seqs of the appended records, or undefined.
 */
function alreadyApplied(
  indexed: Indexed[],
  header: StoredSession["header"],
  push: PushRequest,
  base: PushBase,
): number[] | undefined {
  const seqs: number[] = [];
  let pos = indexed.findIndex((x) => x.record.seq >= base.nextSeq);
  for (const body of push.append ?? []) {
    if (pos < 0) return undefined;
    const hash = recordHash(body);
    while (pos < indexed.length && indexed[pos]!.hash !== hash) pos++;
    if (pos >= indexed.length) return undefined;
    seqs.push(indexed[pos]!.record.seq);
    pos++;
  }
  const cut = push.truncateFrom;
  if (cut !== undefined && indexed.some((x) => x.record.seq >= cut && x.record.seq < base.nextSeq))
    return undefined;
  if (push.put?.length) {
    const hashes = new Set(indexed.map((x) => x.hash));
    for (const put of push.put) if (!hashes.has(recordHash(put.body))) return undefined;
  }
  const set = push.set;
  if (set?.title !== undefined && header.title !== set.title) return undefined;
  if (set?.currentResponseId !== undefined && (header.currentResponseId ?? null) !== set.currentResponseId) {
    return undefined;
  }
  return seqs;
}
