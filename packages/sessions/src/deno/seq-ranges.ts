/**
 * Seq ranges: the arithmetic of the Deno KV store's invisible records. A large truncation hides the range it
 * removes (one mutation) and deletes the records later; a commit too large for one atomic operation reserves
 * a range of seqs and writes into it before the header publishes it. A range is half-open, `[from, to)`;
 * a list of them is kept sorted and disjoint (adjacent ranges join), so a header holds few of them.
 */

/** Seqs `from` to `to - 1`. */
export type SeqRange = [from: number, to: number];

/** `ranges` (sorted, disjoint) with `range` added. An empty range changes nothing. */
export function withRange(ranges: readonly SeqRange[], range: SeqRange): SeqRange[] {
  if (range[1] <= range[0]) return [...ranges];
  const all = [...ranges, range].sort((a, b) => a[0] - b[0]);
  const out: SeqRange[] = [];
  for (const [from, to] of all) {
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** `ranges` (sorted, disjoint) without the seqs of `range`: ranges it covers go, ranges it cuts are split. */
export function withoutRange(ranges: readonly SeqRange[], [removeFrom, removeTo]: SeqRange): SeqRange[] {
  const out: SeqRange[] = [];
  for (const [from, to] of ranges) {
    if (to <= removeFrom || from >= removeTo) {
      out.push([from, to]);
    } else {
      if (from < removeFrom) out.push([from, removeFrom]);
      if (to > removeTo) out.push([removeTo, to]);
    }
  }
  return out;
}

/** Whether `seq` is in one of `ranges`. */
export function inRanges(ranges: readonly SeqRange[], seq: number): boolean {
  for (const [from, to] of ranges) if (seq >= from && seq < to) return true;
  return false;
}
