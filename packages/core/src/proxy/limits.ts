/**
 * Per-user limits of the proxy: requests per minute and streams open at once, counted in a
 * `LimitStore`. The store is one operation, an atomic add that returns the new value, so it can live
 * anywhere that has one: this process's memory (the default), a Durable Object
 * (`createDurableObjectLimitStore` in `@oaikit/sessions/cloudflare`), Deno KV
 * (`createDenoKvLimitStore` in `@oaikit/sessions/deno`). In memory, each isolate or process counts on
 * its own: on Workers and Deno Deploy, where many isolates serve one app, use a shared store.
 *
 * Requests per minute use fixed one-minute windows (`rate:<user>:<minute>`); a burst at a window's
 * edge may pass twice the limit within a minute, the price of one counter per window.
 */

/** Where the counters live. `add` must be atomic: two proxies adding at once both see their own result. */
export interface LimitStore {
  /**
   * Adds `delta` (1 or -1) to the counter `key` (a missing or expired counter is 0) and returns the new
   * value. The counter is dropped `ttlSeconds` after its last change.
   */
  add(key: string, delta: number, ttlSeconds: number): number | Promise<number>;
}

/** The proxy's limits. Unset limits are not counted. */
export interface ProxyLimits {
  /** Largest request body, in bytes. Default 4 MiB (raise it for audio uploads: OpenAI takes 25 MB). */
  maxBodyBytes?: number;
  /** Requests a user may make per minute (every forwarded request counts). Default: no limit. */
  requestsPerMinute?: number;
  /** Streams a user may have open at once (`stream: true`, or `?stream=true`). Default: no limit. */
  concurrentStreams?: number;
  /** Where the counters live. Default: this process's memory (`memoryLimitStore()`). */
  store?: LimitStore;
}

/** A stream counter is forgotten an hour after its last change, should a release be lost (a crashed isolate). */
const STREAMS_TTL_S = 3600;

/**
 * Counters in this process's memory. Expired counters are swept every 1,000 adds, so memory follows
 * the number of active users, not the number of requests.
 */
export function memoryLimitStore(): LimitStore {
  const counters = new Map<string, { value: number; expires: number }>();
  let adds = 0;
  return {
    add(key, delta, ttlSeconds) {
      const now = Date.now();
      if (++adds % 1000 === 0) {
        for (const [name, counter] of counters) if (counter.expires <= now) counters.delete(name);
      }
      const current = counters.get(key);
      const value = (current && current.expires > now ? current.value : 0) + delta;
      counters.set(key, { value, expires: now + ttlSeconds * 1000 });
      return value;
    },
  };
}

/** Counts a request against `requestsPerMinute`: undefined when it may pass, else the seconds until it may. */
export async function takeRequest(
  store: LimitStore,
  user: string,
  perMinute: number,
  now = Date.now(),
): Promise<number | undefined> {
  const minute = Math.floor(now / 60_000);
  const count = await store.add(`rate:${encodeURIComponent(user)}:${minute}`, 1, 120);
  return count > perMinute ? Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)) : undefined;
}

/**
 * Opens a stream against `concurrentStreams`: a release function (call it when the stream is over,
 * however it ends; calls after the first do nothing; it resolves once the store counted it), or
 * undefined when the user has too many open.
 */
export async function openStream(
  store: LimitStore,
  user: string,
  limit: number,
): Promise<(() => Promise<void>) | undefined> {
  const key = `streams:${encodeURIComponent(user)}`;
  const count = await store.add(key, 1, STREAMS_TTL_S);
  let released: Promise<void> | undefined;
  const release = () => {
    // A store that fails here only delays the counter's expiry: nothing is waiting on it.
    released ??= Promise.resolve()
      .then(() => store.add(key, -1, STREAMS_TTL_S))
      .then(
        () => undefined,
        () => undefined,
      );
    return released;
  };
  if (count > limit) {
    await release();
    return undefined;
  }
  return release;
}
