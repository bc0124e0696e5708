import type { SessionRecord } from "./schema.js";

/**
 * Pages: how the IndexedDB store keeps loading fast without giving up one record per message.
 *
 * Every message is written as its own record (`["m", id, seq]`), so an append never rewrites earlier
 * messages. Reading 10,000 small records back, however, costs far more than reading a few large values
 * (IndexedDB pays per record). So once a run of `PAGE_SIZE` records lies `PAGE_MARGIN` behind the head,
 * a commit folds it into one page record (`["p", id, from]`): once per `PAGE_SIZE` appends, amortised
 * O(1) per message, and the recent messages (which a streaming reply may still rewrite) stay loose.
 * `header.folded` is the seq below which records live in pages.
 */
export const PAGE_SIZE = 500;
/** Records this close to the head are never folded. */
export const PAGE_MARGIN = 50;
/** A `partial` record younger than this may still be streaming in some tab: it blocks folding. */
export const LIVE_PARTIAL_MS = 60_000;

/** A page: the records with `from <= seq < to`, in seq order (possibly fewer than `to - from`). */
export interface SessionPage {
  v: number;
  from: number;
  to: number;
  records: SessionRecord[];
}

/** The fold ranges due when the head is at `nextSeq` and pages end at `folded`. */
export function foldRanges(folded: number, nextSeq: number): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  for (let from = folded; nextSeq - from >= PAGE_SIZE + PAGE_MARGIN; from += PAGE_SIZE) {
    ranges.push({ from, to: from + PAGE_SIZE });
  }
  return ranges;
}

/** Whether these loose records may be folded (no reply in them may still be streaming). */
export function foldable(records: SessionRecord[], now: number): boolean {
  return records.every((r) => r.status !== "partial" || now - r.at > LIVE_PARTIAL_MS);
}

/** Pages and loose records as one seq-ordered list; a loose record wins over a page entry of the same seq. */
export function mergeRecords(pages: SessionPage[], loose: SessionRecord[], folded: number): SessionRecord[] {
  const paged = pages.sort((a, b) => a.from - b.from).flatMap((p) => p.records);
  if (loose.every((r) => r.seq >= folded)) return paged.concat(loose);
  const bySeq = new Map(paged.map((r) => [r.seq, r]));
  for (const r of loose) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
