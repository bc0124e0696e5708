/**
 * Writing to Deno KV within its limits: mutations with their estimated size, and batches that cut a long
 * list of them into atomic operations of at most {@link ATOMIC_BUDGET} (staged chunks, a reservation's
 * records, the deletions of a clean-up or a delete).
 *
 * A batch may carry one guard, a check that every one of its atomic operations repeats: a reservation's
 * lease (a writer that stalled past it stops writing into a range someone reclaimed), or the header a
 * clean-up read (a range a put revived meanwhile is left alone). A guarded batch whose check fails stops,
 * and writes nothing more.
 */
import { SessionStoreError } from "../errors.js";
import { ATOMIC_BUDGET } from "./kv-limits.js";
import type { KvAtomic, KvKey, KvLike } from "./kv-types.js";

/** A set (`value` given) or a delete of `key`, with the estimated bytes of its value. */
export interface Mutation {
  key: KvKey;
  value?: unknown;
  bytes: number;
}

/** Adds `mutations` to an atomic operation. */
export function applyMutations(atomic: KvAtomic, mutations: readonly Mutation[]): KvAtomic {
  let operation = atomic;
  for (const m of mutations)
    operation = m.value === undefined ? operation.delete(m.key) : operation.set(m.key, m.value);
  return operation;
}

/** Writes mutations in atomic operations of at most the budget, each with an optional check. */
export class AtomicBatch {
  private pending: Mutation[] = [];
  private bytes = 0;
  private failed = false;

  constructor(
    private readonly kv: KvLike,
    private readonly guard?: { key: KvKey; versionstamp: string | null },
  ) {}

  async add(mutation: Mutation): Promise<void> {
    const size = mutation.bytes + keyBytes(mutation.key);
    if (this.pending.length + 1 > ATOMIC_BUDGET.mutations || this.bytes + size > ATOMIC_BUDGET.bytes) {
      await this.flush();
    }
    this.pending.push(mutation);
    this.bytes += size;
  }

  /** Resolves false if a guarded batch found its check failing (nothing more is written then). */
  async flush(): Promise<boolean> {
    if (this.failed) return false;
    if (this.pending.length === 0) return true;
    let atomic = this.kv.atomic();
    if (this.guard) atomic = atomic.check(this.guard);
    const done = await applyMutations(atomic, this.pending).commit();
    this.pending = [];
    this.bytes = 0;
    if (!done.ok) {
      if (!this.guard) throw new Error("an unguarded batch failed to commit");
      this.failed = true;
      throw new SessionStoreError("failed", "write batch", { detail: "the reservation was reclaimed" });
    }
    return true;
  }
}

const encoder = new TextEncoder();

/** A key's size as Deno KV counts it, roughly: its parts' bytes and tags. */
export function keyBytes(key: KvKey): number {
  let size = 8;
  for (const part of key)
    size +=
      typeof part === "string"
        ? encoder.encode(part).byteLength + 2
        : part instanceof Uint8Array
          ? part.byteLength + 2
          : 10;
  return size;
}

/** A value's size: bytes as they are, anything else as {@link objectBytes}. */
export function valueBytes(value: unknown): number {
  return value instanceof Uint8Array ? value.byteLength + 16 : objectBytes(value);
}

/** V8 serialisation stores a string as Latin-1 or UTF-16: at most 2 bytes per code unit, plus tags. */
export function objectBytes(value: unknown): number {
  return JSON.stringify(value).length * 2 + 64;
}
