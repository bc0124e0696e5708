/**
 * The key proxy's limit counters (`@oaikit/core/proxy`'s `LimitStore`) on Durable Objects, so every
 * isolate of a Worker counts against the same numbers. Each counter is its own object (`idFromName` of
 * the counter's key: a user's requests of one minute, a user's open streams), and an object handles one
 * request at a time, so an add is atomic without any locking here. The value and its expiry are kept in
 * the object's storage; an alarm deletes the counter once it has expired.
 */
import type { LimitStore } from "@oaikit/core/proxy";
import type { DurableObjectNamespaceLike } from "./worker.js";

/** The part of a Durable Object's storage the counter uses (key-value API and alarms; SQLite-backed objects have it too). */
export interface LimitStorageLike {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  deleteAll(): Promise<void>;
  setAlarm(scheduledTime: number): Promise<void>;
}

interface Counter {
  value: number;
  expires: number;
}

/** The origin of the requests between a Worker and its counter objects (never sent over a network). */
const COUNTER_URL = "https://oaikit-limits.internal/add";

/**
 * A Durable Object that holds one limit counter. Export it from your Worker and bind it (list it under
 * `new_sqlite_classes` or `new_classes`); the proxy reaches it through {@link createDurableObjectLimitStore}.
 */
export class ProxyLimitsDurableObject {
  private readonly storage: LimitStorageLike;

  constructor(state: { storage: LimitStorageLike }) {
    this.storage = state.storage;
  }

  async fetch(request: Request): Promise<Response> {
    const input = (await request.json().catch(() => undefined)) as
      | { delta?: unknown; ttlSeconds?: unknown }
      | undefined;
    const delta = input?.delta;
    const ttlSeconds = input?.ttlSeconds;
    if (typeof delta !== "number" || typeof ttlSeconds !== "number" || !Number.isFinite(delta + ttlSeconds)) {
      return Response.json({ error: "expected { delta, ttlSeconds }" }, { status: 400 });
    }
    const now = Date.now();
    const current = await this.storage.get<Counter>("counter");
    const value = (current && current.expires > now ? current.value : 0) + delta;
    const expires = now + ttlSeconds * 1000;
    await this.storage.put("counter", { value, expires } satisfies Counter);
    await this.storage.setAlarm(expires);
    return Response.json({ value });
  }

  /** Deletes the counter once it expired (a later add set a later alarm, and keeps it). */
  async alarm(): Promise<void> {
    const current = await this.storage.get<Counter>("counter");
    if (!current || current.expires <= Date.now()) await this.storage.deleteAll();
  }
}

/**
 * A `LimitStore` whose counters are {@link ProxyLimitsDurableObject}s of `namespace` (the binding in
 * `env`).
 *
 * ```ts
 * export { ProxyLimitsDurableObject } from "@oaikit/sessions/cloudflare";
 * const store = createDurableObjectLimitStore(env.LIMITS);
 * ```
 */
export function createDurableObjectLimitStore(namespace: DurableObjectNamespaceLike): LimitStore {
  if (!namespace || typeof namespace.idFromName !== "function" || typeof namespace.get !== "function") {
    throw new TypeError(
      "createDurableObjectLimitStore(namespace): pass the ProxyLimitsDurableObject namespace binding from env.",
    );
  }
  return {
    async add(key, delta, ttlSeconds) {
      const counter = namespace.get(namespace.idFromName(key) as never);
      const response = await counter.fetch(
        new Request(COUNTER_URL, { method: "POST", body: JSON.stringify({ delta, ttlSeconds }) }),
      );
      const answer = (await response.json()) as { value?: unknown };
      if (!response.ok || typeof answer.value !== "number") {
        throw new Error(`The limit counter ${key} answered ${response.status}.`);
      }
      return answer.value;
    },
  };
}
