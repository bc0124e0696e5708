/**
 * The part of `Deno.Kv` these stores use, as structural types: the package needs no Deno type
 * definitions, and any object with this shape works (the real `Deno.openKv()` result, on a local
 * SQLite file or on Deno Deploy).
 */
export type KvKeyPart = string | number | bigint | boolean | Uint8Array;
export type KvKey = readonly KvKeyPart[];

export interface KvEntryMaybe<T = unknown> {
  key: KvKey;
  value: T | null;
  versionstamp: string | null;
}

export interface KvEntry<T = unknown> {
  key: KvKey;
  value: T;
  versionstamp: string;
}

export type KvListSelector =
  | { prefix: KvKey }
  | { prefix: KvKey; start: KvKey }
  | { prefix: KvKey; end: KvKey }
  | { start: KvKey; end: KvKey };

export interface KvAtomic {
  check(...checks: { key: KvKey; versionstamp: string | null }[]): KvAtomic;
  set(key: KvKey, value: unknown, options?: { expireIn?: number }): KvAtomic;
  delete(key: KvKey): KvAtomic;
  commit(): Promise<{ ok: true; versionstamp: string } | { ok: false }>;
}

export interface KvLike {
  get<T = unknown>(key: KvKey, options?: { consistency?: "strong" | "eventual" }): Promise<KvEntryMaybe<T>>;
  list<T = unknown>(
    selector: KvListSelector,
    options?: { limit?: number; batchSize?: number; consistency?: "strong" | "eventual"; reverse?: boolean },
  ): AsyncIterable<KvEntry<T>>;
  atomic(): KvAtomic;
  set(key: KvKey, value: unknown): Promise<{ ok: true; versionstamp: string }>;
  delete(key: KvKey): Promise<void>;
  watch?<T = unknown>(keys: KvKey[]): ReadableStream<KvEntryMaybe<T>[]>;
}
