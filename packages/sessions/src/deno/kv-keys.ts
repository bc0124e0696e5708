/**
 * The Deno KV store's key layout: where each part of a session lives under the store's prefix (one prefix
 * per user in the sync handler).
 *
 * | key | value |
 * | --- | --- |
 * | `[...prefix, "h", id]` | the session's header, with the store's bookkeeping (kv-header.ts) |
 * | `[...prefix, "r", id, epoch, seq]` | one record: its UTF-8 JSON, or a pointer to its chunks |
 * | `[...prefix, "c", id, epoch, tag, index]` | the chunks of a record over `KV_CHUNK_BYTES`, under a fresh tag |
 * | `[...prefix, "l", id, epoch, from]` | the lease of a reservation of seqs `from..` (its expiry time) |
 * | `[...prefix, "meta", "store"]` | the store's identity (`storeId()`) |
 *
 * The **epoch** is a random tag per incarnation of a session, in every key but the header's: a session
 * deleted and created again gets a new epoch, so the leftovers of an interrupted delete are never read as its
 * records. Keys of one session and epoch sort by seq (KV orders numbers numerically), so a range of seqs
 * is one `list({ start, end })`.
 *
 * The part names are single letters because the first version wrote them so: they are in every key of every
 * stored session, and renaming them would move every key of every database for no change in behaviour.
 * This module is the only place that spells them.
 */
import type { KvKey } from "./kv-types.js";

const HEADER = "h";
const RECORD = "r";
const CHUNK = "c";
const LEASE = "l";
const META = "meta";

/** The keys of one store (one prefix). */
export class KvKeys {
  constructor(readonly prefix: KvKey) {}

  /** The header of session `id`: the only way in (a session without one does not exist). */
  header(id: string): KvKey {
    return [...this.prefix, HEADER, id];
  }

  /** The prefix of every header (`list`). */
  allHeaders(): KvKey {
    return [...this.prefix, HEADER];
  }

  /** The prefix of every record of one incarnation of a session. */
  records(id: string, epoch: string): KvKey {
    return [...this.prefix, RECORD, id, epoch];
  }

  record(id: string, epoch: string, seq: number): KvKey {
    return [...this.prefix, RECORD, id, epoch, seq];
  }

  /** The prefix of the chunks of one large record (its tag is fresh per write). */
  chunks(id: string, epoch: string, tag: string): KvKey {
    return [...this.prefix, CHUNK, id, epoch, tag];
  }

  chunk(id: string, epoch: string, tag: string, index: number): KvKey {
    return [...this.prefix, CHUNK, id, epoch, tag, index];
  }

  /** The lease of the reservation that starts at seq `from`. */
  lease(id: string, epoch: string, from: number): KvKey {
    return [...this.prefix, LEASE, id, epoch, from];
  }

  /** The prefixes of everything of one incarnation of a session but its header (what a delete removes after it). */
  sessionData(id: string, epoch: string): KvKey[] {
    return [RECORD, CHUNK, LEASE].map((part) => [...this.prefix, part, id, epoch]);
  }

  storeId(): KvKey {
    return [...this.prefix, META, "store"];
  }
}

/** A random tag: an epoch, a chunk tag, half a store id. */
export function randomTag(): string {
  return (
    globalThis.crypto?.randomUUID?.().slice(0, 13) ??
    `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  );
}
