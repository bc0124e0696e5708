/**
 * The seq map: which local record is which remote record.
 *
 * Every store numbers its records itself (a seq per record, never reused), so a session's local copy in
 * IndexedDB and its remote copy on the server number the same records differently: a device that synced
 * late, or whose records a merge moved, has local seq 7 where the server has 12. The synced store keeps,
 * per session, a map from local seqs to remote seqs, and reads it to turn local changes into a push (a put
 * on local seq 7 is a put on remote seq 12; a local truncation from 7 truncates from 12) and to mirror the
 * remote copy (a remote record already held locally keeps its local seq).
 *
 * Both sides usually grow together: local seqs 0..n-1 are remote seqs 0..n-1, or shifted by a constant.
 * So the map is kept as **runs**: a run `[localFrom, remoteFrom, length]` says that local seqs
 * `localFrom .. localFrom + length - 1` are remote seqs `remoteFrom .. remoteFrom + length - 1`. Runs are
 * sorted by local seq and do not overlap. In the usual case a session's whole map is one run, and an
 * append extends it in O(1) (`withAppendedPairs`); a merge or a mirror that moved records rebuilds it from
 * seq pairs (`seqMapOf`).
 *
 * The runs are stored as they are in the sync bookkeeping (`SessionSyncState.runs`).
 */

/** Local seqs `localFrom .. localFrom + length - 1` are remote seqs `remoteFrom .. remoteFrom + length - 1`. */
export type SeqRun = [localFrom: number, remoteFrom: number, length: number];

/** One local record and the remote record it is. */
export type SeqPair = [localSeq: number, remoteSeq: number];

/** The remote seq of local seq `localSeq`, or undefined when the record is not mapped (not pushed yet). */
export function remoteSeqOf(seqMap: readonly SeqRun[], localSeq: number): number | undefined {
  for (const [localFrom, remoteFrom, length] of seqMap) {
    if (localSeq >= localFrom && localSeq < localFrom + length) return remoteFrom + (localSeq - localFrom);
  }
  return undefined;
}

/** Every pair of the map, in local seq order. */
export function seqPairsOf(seqMap: readonly SeqRun[]): SeqPair[] {
  const pairs: SeqPair[] = [];
  for (const [localFrom, remoteFrom, length] of seqMap) {
    for (let offset = 0; offset < length; offset++) pairs.push([localFrom + offset, remoteFrom + offset]);
  }
  return pairs;
}

/** The map of `pairs` (any order): consecutive pairs on both sides join one run. */
export function seqMapOf(pairs: readonly SeqPair[]): SeqRun[] {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const seqMap: SeqRun[] = [];
  for (const [localSeq, remoteSeq] of sorted) extendOrAdd(seqMap, localSeq, remoteSeq);
  return seqMap;
}

/**
 * The map with `pairs` added, where they are appends (local seqs past the map's end, ascending): O(1) per
 * pair when they continue the last run. Other pairs rebuild the map from all its pairs. `seqMap` is not
 * changed.
 */
export function withAppendedPairs(seqMap: readonly SeqRun[], pairs: readonly SeqPair[]): SeqRun[] {
  const last = seqMap.at(-1);
  const ascending = pairs.every(([localSeq], i) => i === 0 || localSeq > pairs[i - 1]![0]);
  const pastTheEnd = !last || pairs.length === 0 || pairs[0]![0] >= last[0] + last[2];
  if (!ascending || !pastTheEnd) return seqMapOf([...seqPairsOf(seqMap), ...pairs]);
  const out = seqMap.map((run): SeqRun => [...run]);
  for (const [localSeq, remoteSeq] of pairs) extendOrAdd(out, localSeq, remoteSeq);
  return out;
}

/** Extends the last run by the pair when it continues it on both sides, else starts a run. */
function extendOrAdd(seqMap: SeqRun[], localSeq: number, remoteSeq: number): void {
  const last = seqMap.at(-1);
  if (last && last[0] + last[2] === localSeq && last[1] + last[2] === remoteSeq) last[2]++;
  else seqMap.push([localSeq, remoteSeq, 1]);
}
