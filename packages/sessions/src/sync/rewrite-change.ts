// The mirror's rewrite of the local records (pull.ts): the smallest change to the local store that makes its
// records a given list, keeping the seqs of the records that stay in place.
import type { RecordBody, SessionChange, SessionRecord } from "../schema.js";
import { recordHash } from "../sync-protocol/record-hash.js";

/**
 * The change that turns the stored records `from` into the list `to` (what a mirror writes): records that
 * stay at their seq keep it (a put when their body differs), and from the first one that does not, the rest
 * is truncated and appended. `to` items name the `from` seq they reuse, if any.
 */
export function rewriteChange(
  from: SessionRecord[],
  to: { reuse?: number; body: RecordBody }[],
): { change: SessionChange; appended: number[]; kept: number } {
  const put: { seq: number; body: RecordBody }[] = [];
  let i = 0;
  for (; i < to.length && i < from.length; i++) {
    const target = to[i]!;
    const record = from[i]!;
    if (target.reuse !== record.seq) break;
    if (recordHash(record) !== recordHash(target.body)) put.push({ seq: record.seq, body: target.body });
  }
  const change: SessionChange = {};
  if (i < from.length) change.truncateFrom = from[i]!.seq;
  if (put.length) change.put = put;
  const rest = to.slice(i);
  if (rest.length) change.append = rest.map((x) => x.body);
  return { change, appended: rest.map((_, k) => i + k), kept: i };
}
