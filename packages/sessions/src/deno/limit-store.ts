/**
 * The key proxy's limit counters (`@oaikit/core/proxy`'s `LimitStore`) on Deno KV, so every isolate of a
 * Deno Deploy app counts against the same numbers. An add reads the counter and commits the new value
 * only if nobody changed it in between (a versionstamp check), retrying on a conflict: two isolates that
 * add at once each get their own result. Counters expire through KV's `expireIn` and carry their expiry,
 * so one read late is still right.
 */
import type { LimitStore } from "@oaikit/core/proxy";
import { isBusy, pause } from "./kv-store.js";
import type { KvKey, KvLike } from "./kv-types.js";

/** Options of {@link createDenoKvLimitStore}. */
export interface DenoKvLimitStoreOptions {
  /** The key prefix of the counters (default `["oaikit-limits"]`). */
  prefix?: KvKey;
}

interface Counter {
  value: number;
  /** Unix ms after which the counter counts as 0. */
  expires: number;
}

/** Commits tried before an add gives up (only under heavy contention on one user's counter). */
const MAX_ATTEMPTS = 40;

/**
 * A `LimitStore` on a Deno KV database (`await Deno.openKv()`).
 *
 * ```ts
 * const proxy = createProxy({ ..., limits: { requestsPerMinute: 30, store: createDenoKvLimitStore(await Deno.openKv()) } });
 * ```
 */
export function createDenoKvLimitStore(kv: KvLike, options: DenoKvLimitStoreOptions = {}): LimitStore {
  const prefix = options.prefix ?? ["oaikit-limits"];
  return {
    async add(name, delta, ttlSeconds) {
      const key = [...prefix, name];
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const entry = await kv.get<Counter>(key);
        const now = Date.now();
        const current = entry.value && entry.value.expires > now ? entry.value.value : 0;
        const value = current + delta;
        let committed: boolean;
        try {
          const result = await kv
            .atomic()
            .check({ key, versionstamp: entry.versionstamp })
            .set(key, { value, expires: now + ttlSeconds * 1000 } satisfies Counter, {
              expireIn: Math.max(1, ttlSeconds) * 1000,
            })
            .commit();
          committed = result.ok;
        } catch (error) {
          // A local KV file shared by two connections reports a busy database as an error: a conflict.
          if (!isBusy(error)) throw error;
          committed = false;
        }
        if (committed) return value;
        await pause(attempt);
      }
      throw new Error(
        `The limit counter ${name} was changed by others ${MAX_ATTEMPTS} times in a row; try again.`,
      );
    },
  };
}
