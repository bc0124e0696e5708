/**
 * Deno KV's limits, and the share of them one atomic operation of the store allows itself. Every write of
 * the store is sized against these: a record too large for one value is chunked (kv-records.ts), a commit
 * too large for one atomic operation is split (kv-store.ts), a batch of deletions is cut to the budget
 * (kv-batch.ts).
 */

/**
 * Deno KV's limits (checked against Deno 2.9 and denokv's `limits.rs` when this was written): a value is at
 * most 64 KiB, an atomic operation has at most 10 checks, 1000 mutations and 800 KiB of keys and values,
 * a key is at most 2 KiB. The store splits records and commits to stay inside them.
 */
export const DENO_KV_LIMITS = {
  valueBytes: 65_536,
  checks: 10,
  mutations: 1_000,
  totalMutationBytes: 819_200,
  keyBytes: 2_048,
} as const;

/** Records up to this many bytes (UTF-8 JSON) are one value; larger ones are split into chunks of this size. */
export const KV_CHUNK_BYTES = 60 * 1024;

/** What one atomic operation of this store may use, below the limits (room for the header and the check). */
export const ATOMIC_BUDGET = { mutations: 900, bytes: 700 * 1024 } as const;
