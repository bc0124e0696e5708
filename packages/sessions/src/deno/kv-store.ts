import { SessionStoreError, toStoreError } from "../errors.js";
import { checkVersion, newHeader, planCommit, toRecord } from "../plan.js";
import {
  type CommitResult,
  type RecordBody,
  SCHEMA_VERSION,
  type SessionChange,
  type SessionHeader,
  type SessionRecord,
  type StoredSession,
} from "../schema.js";
import type { RevisionCheckedStore } from "../store.js";
import type { KvAtomic, KvEntryMaybe, KvKey, KvLike } from "./kv-types.js";

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
const BUDGET = { mutations: 900, bytes: 700 * 1024 };
/** Truncations that remove more records than this hide them first and delete them after the commit. */
const DIRECT_DELETE_MAX = 100;
/** How long a reservation (see {@link DenoKvSessionStore}) may take before others may reclaim it. */
const RESERVATION_MS = 60_000;
const MAX_ATTEMPTS = 40;

/** Options of {@link createDenoKvStore}. */
export interface DenoKvStoreOptions {
  /** Key prefix of every key this store writes (default `["oaikit-sessions"]`); one prefix per user. */
  prefix?: KvKey;
}

/** The header as stored: the public header plus this store's bookkeeping. */
interface StoredHeader extends SessionHeader {
  /** Epoch: a random tag per incarnation of the session, in every record key (a deleted session's leftovers never reappear). */
  e: string;
  /** Seq ranges `[from, to)` truncated but not yet deleted: invisible. */
  hide?: [number, number][];
  /** Seq ranges reserved by a commit too large for one atomic operation, being written: invisible. */
  rsv?: { from: number; to: number; until: number }[];
}

/** A record too large for one value: its JSON in `parts` chunks under its own tag. */
interface ChunkedRecord {
  v: number;
  tag: string;
  parts: number;
  bytes: number;
}

type RecordValue = Uint8Array | ChunkedRecord;
type Mutation = { key: KvKey; value?: unknown; bytes: number };

/** One record, encoded: its value and the chunks that must exist before the value is written. */
interface Encoded {
  seq: number;
  value: RecordValue;
  chunks: Mutation[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A {@link SessionStore} on Deno KV (`Deno.openKv()`: a local SQLite file, or Deno Deploy's KV).
 *
 * Layout under `prefix`: `["h", id]` the header; `["r", id, epoch, seq]` one value per record (its UTF-8
 * JSON, or a pointer to chunks); `["c", id, epoch, tag, i]` the chunks of records over 60 KiB; `["l", id,
 * epoch, from]` a reservation's lease.
 *
 * A commit reads the header, plans, and writes the records and the new header in one atomic operation
 * guarded by a check on the header's versionstamp (optimistic concurrency: on a conflict it plans again).
 * Appending writes only the new records and the header, whatever the session's length. When a commit does
 * not fit one atomic operation (a long import, a multi-megabyte record), the chunks are written first (they
 * are invisible until a record points at them); if it still does not fit, the new seqs are reserved in the
 * header (invisible until the commit), written in batches guarded by a lease, and published by one final
 * atomic operation. Large truncations hide their range in the header and delete the records afterwards.
 * Readers see only what a header made visible: a commit is all or nothing.
 */
export class DenoKvSessionStore implements RevisionCheckedStore {
  readonly channelName = undefined;
  private readonly prefix: KvKey;

  constructor(
    private readonly kv: KvLike,
    options: DenoKvStoreOptions = {},
  ) {
    if (!kv || typeof kv.atomic !== "function") {
      throw new TypeError("createDenoKvStore(kv): kv must be a Deno.Kv (await Deno.openKv()).");
    }
    this.prefix = options.prefix ?? ["oaikit-sessions"];
  }

  /** A random id created with this prefix's sessions and kept with them. */
  async storeId(): Promise<string> {
    const key = [...this.prefix, "meta", "store"];
    for (let attempt = 0; ; attempt++) {
      try {
        const current = await this.kv.get<string>(key);
        if (current.value) return current.value;
        const id = randomTag() + randomTag();
        if ((await this.kv.atomic().check(current).set(key, id).commit()).ok) return id;
      } catch (error) {
        if (!isBusy(error) || attempt >= MAX_ATTEMPTS) throw toStoreError(error, "storeId");
        await pause(attempt);
      }
    }
  }

  async load(id: string): Promise<StoredSession | undefined> {
    const op = `load "${id}"`;
    try {
      let last: StoredSession | undefined;
      for (let attempt = 0; attempt < 5; attempt++) {
        const h = await this.kv.get<StoredHeader>(this.hKey(id)).catch((error) => {
          if (isBusy(error)) return undefined;
          throw error;
        });
        if (!h) {
          await pause(attempt);
          continue;
        }
        if (!h.value) return undefined;
        checkVersion(h.value.v, op);
        if (h.value.revision === 0) return undefined; // a reservation for a session not created yet
        const header = h.value;
        const records: SessionRecord[] = [];
        for await (const entry of this.kv.list<RecordValue>({ prefix: this.rKey(id, header.e) })) {
          const seq = entry.key.at(-1) as number;
          if (!visible(header, seq)) continue;
          const record = await this.decode(id, header.e, entry.value, op);
          checkVersion(record.v, op);
          record.seq = seq; // a record staged before its seq was known carries a placeholder
          records.push(record);
        }
        last = { header: publicHeader(header), records };
        // The list is not a snapshot: accept it only if no commit happened meanwhile.
        const again = await this.kv.get<StoredHeader>(this.hKey(id));
        if (again.versionstamp === h.versionstamp) return last;
      }
      return last;
    } catch (error) {
      throw toStoreError(error, op);
    }
  }

  async list(): Promise<SessionHeader[]> {
    try {
      const headers: SessionHeader[] = [];
      for await (const entry of this.kv.list<StoredHeader>({ prefix: [...this.prefix, "h"] })) {
        checkVersion(entry.value.v, "list");
        if (entry.value.revision > 0) headers.push(publicHeader(entry.value));
      }
      return headers;
    } catch (error) {
      throw toStoreError(error, "list");
    }
  }

  commit(id: string, change: SessionChange): Promise<CommitResult> {
    return this.write(id, change, undefined) as Promise<CommitResult>;
  }

  commitAt(id: string, revision: number, change: SessionChange): Promise<CommitResult | undefined> {
    return this.write(id, change, revision);
  }

  async delete(id: string): Promise<void> {
    const op = `delete "${id}"`;
    try {
      let epoch: string | undefined;
      for (let attempt = 0; ; attempt++) {
        const h = await this.kv.get<StoredHeader>(this.hKey(id));
        if (!h.value) return;
        const done = await this.kv.atomic().check(h).delete(this.hKey(id)).commit();
        if (done.ok) {
          epoch = h.value.e;
          break;
        }
        if (attempt >= MAX_ATTEMPTS)
          throw new SessionStoreError("failed", op, { detail: "the session kept changing" });
        await pause(attempt);
      }
      // The session is gone (its header was the only way in); its keys go now, in batches.
      for (const part of ["r", "c", "l"]) await this.deleteAll({ prefix: [...this.prefix, part, id, epoch] });
    } catch (error) {
      throw toStoreError(error, op);
    }
  }

  // -------------------------------------------------------------------------------------------------

  private hKey(id: string): KvKey {
    return [...this.prefix, "h", id];
  }
  private rKey(id: string, epoch: string, seq?: number): KvKey {
    return seq === undefined ? [...this.prefix, "r", id, epoch] : [...this.prefix, "r", id, epoch, seq];
  }
  private cKey(id: string, epoch: string, tag: string, i: number): KvKey {
    return [...this.prefix, "c", id, epoch, tag, i];
  }
  private lKey(id: string, epoch: string, from: number): KvKey {
    return [...this.prefix, "l", id, epoch, from];
  }

  private async write(
    id: string,
    change: SessionChange,
    expected: number | undefined,
  ): Promise<CommitResult | undefined> {
    const op = `commit "${id}"`;
    try {
      // Chunks are written once, before any attempt: they are invisible until a record points at them.
      const staged = new Map<RecordBody, Encoded>();
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const outcome = await this.attempt(id, change, expected, staged, op, attempt).catch(
          async (error): Promise<typeof retry> => {
            // Two connections to one local SQLite file: "database is locked" is a retryable conflict.
            if (!isBusy(error)) throw error;
            await pause(attempt);
            return retry;
          },
        );
        if (outcome !== retry) return outcome;
      }
      throw new SessionStoreError("failed", op, {
        detail: `the session kept changing (${MAX_ATTEMPTS} attempts)`,
      });
    } catch (error) {
      throw toStoreError(error, op);
    }
  }

  /** One optimistic attempt of a commit: resolves to the result, `undefined` (commitAt missed), or {@link retry}. */
  private async attempt(
    id: string,
    change: SessionChange,
    expected: number | undefined,
    staged: Map<RecordBody, Encoded>,
    op: string,
    attempt: number,
  ): Promise<CommitResult | undefined | typeof retry> {
    const h = await this.kv.get<StoredHeader>(this.hKey(id));
    if (h.value) checkVersion(h.value.v, op);
    if (expected !== undefined && (h.value?.revision ?? 0) !== expected) {
      await this.dropStaged(id, h.value?.e, staged);
      return undefined;
    }
    const plan = await this.plan(id, h, change, staged, op);
    if (plan.mutations.length + 1 > BUDGET.mutations || plan.bytes > BUDGET.bytes) {
      if (!plan.chunkBytes) return await this.reserve(id, change, expected, staged, op);
      // Write the chunks first, then plan again: the records are small pointers now.
      await this.stage(plan.epoch, id, change, staged);
      return retry;
    }
    let atomic = this.kv.atomic().check({ key: this.hKey(id), versionstamp: h.versionstamp });
    atomic = applyAll(atomic, [headerMutation(this.hKey(id), plan.header), ...plan.mutations]);
    const done = await atomic.commit();
    if (!done.ok) {
      await pause(attempt);
      return retry;
    }
    await this.after(id, plan.header, plan.cleanup);
    return plan.result;
  }

  /** Plans a commit against header `h`: the new header, the record values, and what to delete. */
  private async plan(
    id: string,
    h: KvEntryMaybe<StoredHeader>,
    change: SessionChange,
    staged: Map<RecordBody, Encoded>,
    op: string,
  ) {
    // A header at revision 0 (a reservation for a session being created) is a header too.
    const existing = h.value ?? undefined;
    const epoch = existing?.e ?? randomTag();
    const cut = change.truncateFrom;
    const oldNext = existing?.nextSeq ?? 0;
    const mutations: Mutation[] = [];
    const cleanup: ChunkedRecord[] = [];
    let removed = 0;
    let hide = existing?.hide ?? [];
    if (existing && cut !== undefined && cut < oldNext) {
      const doomed: { seq: number; value: RecordValue }[] = [];
      for await (const entry of this.kv.list<RecordValue>({
        start: this.rKey(id, epoch, cut),
        end: this.rKey(id, epoch, oldNext),
      })) {
        const seq = entry.key.at(-1) as number;
        if (visible(existing, seq)) doomed.push({ seq, value: entry.value });
      }
      removed = doomed.length;
      if (doomed.length <= DIRECT_DELETE_MAX) {
        for (const d of doomed) {
          mutations.push({ key: this.rKey(id, epoch, d.seq), bytes: 64 });
          if (!(d.value instanceof Uint8Array)) cleanup.push(d.value);
        }
      } else {
        hide = addRange(hide, [cut, oldNext]);
      }
    }
    let created = 0;
    for (const put of change.put ?? []) {
      if (!existing || put.seq >= existing.nextSeq) {
        throw new SessionStoreError("failed", op, {
          detail: `put ${put.seq}: no such record (puts overwrite records)`,
        });
      }
      const cutNow = cut !== undefined && put.seq >= cut;
      const old =
        !cutNow && visible(existing, put.seq)
          ? await this.kv.get<RecordValue>(this.rKey(id, epoch, put.seq))
          : undefined;
      if (!old?.value) created++;
      else if (!(old.value instanceof Uint8Array)) cleanup.push(old.value);
      hide = subtractRange(hide, [put.seq, put.seq + 1]);
    }
    const result = planCommit(
      id,
      existing && publicHeader(existing),
      change,
      { removed, created },
      Date.now(),
    );
    const header: StoredHeader = { ...result.header, e: epoch };
    if (hide.length) header.hide = hide;
    if (existing?.rsv?.length) header.rsv = existing.rsv;
    let chunkBytes = 0;
    const records = [
      ...(change.put ?? []).map((p) => ({ seq: p.seq, body: p.body })),
      ...(change.append ?? []).map((body, i) => ({ seq: result.seqs[i]!, body })),
    ];
    for (const { seq, body } of records) {
      const ready = staged.get(body);
      const encoded = ready ? { ...ready, seq, chunks: [] } : encodeRecord(this, id, epoch, seq, body);
      mutations.push({
        key: this.rKey(id, epoch, seq),
        value: encoded.value,
        bytes: valueBytes(encoded.value),
      });
      for (const chunk of encoded.chunks) {
        mutations.push(chunk);
        chunkBytes += chunk.bytes;
      }
    }
    const bytes = mutations.reduce((sum, m) => sum + m.bytes + keyBytes(m.key), objectBytes(header) + 64);
    return { result, header, mutations, cleanup, bytes, chunkBytes, epoch };
  }

  /** Writes the chunks of every large record of `change` ahead of the commit (plain batches: unreferenced keys). */
  private async stage(
    epoch: string,
    id: string,
    change: SessionChange,
    staged: Map<RecordBody, Encoded>,
  ): Promise<void> {
    const bodies = [...(change.put ?? []).map((p) => p.body), ...(change.append ?? [])];
    const batch = new Batcher(this.kv);
    for (const body of bodies) {
      if (staged.has(body)) continue;
      const encoded = encodeRecord(this, id, epoch, 0, body);
      if (encoded.chunks.length === 0) continue;
      for (const chunk of encoded.chunks) await batch.add(chunk);
      staged.set(body, { ...encoded, chunks: [] });
    }
    await batch.flush();
  }

  /** Deletes chunks staged for a commit that did not happen. */
  private async dropStaged(
    id: string,
    epoch: string | undefined,
    staged: Map<RecordBody, Encoded>,
  ): Promise<void> {
    if (!epoch) return;
    for (const encoded of staged.values()) {
      if (!(encoded.value instanceof Uint8Array)) await this.deleteChunks(id, epoch, encoded.value);
    }
  }

  /**
   * A commit too large for one atomic operation even with its chunks written first: reserve the seqs of its
   * appends in the header (invisible), write the records in batches (each checks the reservation's lease, so
   * a writer that stalled past its reservation cannot write into it), then publish them with the truncation,
   * the puts and the header in one final atomic operation.
   */
  private async reserve(
    id: string,
    change: SessionChange,
    expected: number | undefined,
    staged: Map<RecordBody, Encoded>,
    op: string,
  ): Promise<CommitResult | undefined> {
    const appends = change.append ?? [];
    let reservation: { from: number; to: number; until: number } | undefined;
    let epoch = "";
    let lease: string | null = null;
    for (let attempt = 0; !reservation; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new SessionStoreError("failed", op, { detail: "could not reserve seqs" });
      const h = await this.kv.get<StoredHeader>(this.hKey(id));
      if (expected !== undefined && (h.value?.revision ?? 0) !== expected) {
        await this.dropStaged(id, h.value?.e, staged);
        return undefined;
      }
      if (!h.value && !change.create) {
        throw new SessionStoreError("failed", op, {
          detail: "the session does not exist and the change does not create it",
        });
      }
      const now = Date.now();
      const base: StoredHeader = h.value ?? { ...newHeader(id, change, now), e: randomTag() };
      const wanted = { from: base.nextSeq, to: base.nextSeq + appends.length, until: now + RESERVATION_MS };
      const next: StoredHeader = { ...base, nextSeq: wanted.to, rsv: [...(base.rsv ?? []), wanted] };
      const done = await this.kv
        .atomic()
        .check({ key: this.hKey(id), versionstamp: h.versionstamp })
        .set(this.hKey(id), next)
        .set(this.lKey(id, base.e, wanted.from), wanted.until)
        .commit();
      if (done.ok) {
        reservation = wanted;
        epoch = base.e;
      } else {
        await pause(attempt);
      }
    }
    lease = (await this.kv.get(this.lKey(id, epoch, reservation.from))).versionstamp;
    // The appended records, at their reserved seqs.
    const batch = new Batcher(this.kv, { key: this.lKey(id, epoch, reservation.from), versionstamp: lease });
    for (const [i, body] of appends.entries()) {
      const seq = reservation.from + i;
      const ready = staged.get(body);
      const encoded = ready ?? encodeRecord(this, id, epoch, seq, body);
      for (const chunk of encoded.chunks) await batch.add(chunk);
      await batch.add({
        key: this.rKey(id, epoch, seq),
        value: encoded.value,
        bytes: valueBytes(encoded.value),
      });
    }
    await batch.flush();
    // Publish: one atomic operation with the truncation, the puts and the header.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const h = await this.kv.get<StoredHeader>(this.hKey(id));
      const header = h.value;
      const mine = header?.rsv?.find((r) => r.from === reservation.from && r.to === reservation.to);
      if (!header || header.e !== epoch || !mine) {
        throw new SessionStoreError("failed", op, {
          detail: "the commit took longer than its reservation and was dropped",
        });
      }
      if (expected !== undefined && header.revision !== expected) {
        await this.release(id, h as KvEntryMaybe<StoredHeader> & { value: StoredHeader }, mine);
        return undefined;
      }
      // Planned with our reservation still in the header: its seqs are invisible to the truncation count.
      const plan = await this.plan(id, h, { ...change, append: [] }, staged, op);
      plan.result.header.count += appends.length;
      plan.result.seqs = appends.map((_, i) => reservation.from + i);
      const final: StoredHeader = { ...plan.header, count: plan.result.header.count };
      const hide = subtractRange(final.hide ?? [], [reservation.from, reservation.to]);
      if (hide.length) final.hide = hide;
      else delete final.hide;
      const rsv = (final.rsv ?? []).filter((r) => r.from !== mine.from || r.to !== mine.to);
      if (rsv.length) final.rsv = rsv;
      else delete final.rsv;
      const mutations = [headerMutation(this.hKey(id), final), ...plan.mutations];
      if (mutations.length + 2 > BUDGET.mutations || plan.bytes > BUDGET.bytes) {
        throw new SessionStoreError("failed", op, {
          detail: `the commit rewrites too many records at once (${change.put?.length ?? 0} puts)`,
        });
      }
      let atomic = this.kv.atomic().check({ key: this.hKey(id), versionstamp: h.versionstamp });
      atomic = applyAll(atomic, mutations).delete(this.lKey(id, epoch, reservation.from));
      const done = await atomic.commit();
      if (done.ok) {
        await this.after(id, final, plan.cleanup);
        return plan.result;
      }
      await pause(attempt);
    }
    throw new SessionStoreError("failed", op, {
      detail: `the session kept changing (${MAX_ATTEMPTS} attempts)`,
    });
  }

  /** Gives a reservation up: its range becomes hidden (deleted by the next clean-up). */
  private async release(
    id: string,
    h: KvEntryMaybe<StoredHeader> & { value: StoredHeader },
    mine: { from: number; to: number },
  ): Promise<void> {
    const header = {
      ...h.value,
      rsv: h.value.rsv!.filter((r) => r.from !== mine.from),
      hide: addRange(h.value.hide ?? [], [mine.from, mine.to]),
    };
    await this.kv
      .atomic()
      .check(h)
      .set(this.hKey(id), header)
      .delete(this.lKey(id, h.value.e, mine.from))
      .commit();
    await this.collect(id);
  }

  /** After a commit: delete replaced chunks, and collect hidden or abandoned ranges if there are any. */
  private async after(id: string, header: StoredHeader, cleanup: ChunkedRecord[]): Promise<void> {
    try {
      for (const old of cleanup) await this.deleteChunks(id, header.e, old);
      if (header.hide?.length || header.rsv?.some((r) => r.until < Date.now())) await this.collect(id);
    } catch {
      // Best effort: leftovers are invisible, and the next commit collects them.
    }
  }

  /**
   * Deletes the records of hidden ranges and of reservations that expired (their writer stalled or died).
   * Expired reservations first lose their lease and become hidden (so a late writer cannot write into
   * them); every deletion checks the header, so a range a put revived in between is left alone.
   */
  private async collect(id: string): Promise<void> {
    let h = await this.kv.get<StoredHeader>(this.hKey(id));
    if (!h.value) return;
    const now = Date.now();
    const expired = (h.value.rsv ?? []).filter((r) => r.until < now);
    if (expired.length) {
      let hide = h.value.hide ?? [];
      for (const r of expired) hide = addRange(hide, [r.from, r.to]);
      const header: StoredHeader = {
        ...h.value,
        hide,
        rsv: h.value.rsv!.filter((r) => !expired.includes(r)),
      };
      if (!header.rsv?.length) delete header.rsv;
      let atomic = this.kv.atomic().check(h).set(this.hKey(id), header);
      for (const r of expired) atomic = atomic.delete(this.lKey(id, header.e, r.from));
      if (!(await atomic.commit()).ok) return;
      h = await this.kv.get<StoredHeader>(this.hKey(id));
      if (!h.value) return;
    }
    const header = h.value;
    const ranges = header.hide ?? [];
    if (!ranges.length) return;
    const batch = new Batcher(this.kv, { key: this.hKey(id), versionstamp: h.versionstamp });
    for (const [from, to] of ranges) {
      for await (const entry of this.kv.list<RecordValue>({
        start: this.rKey(id, header.e, from),
        end: this.rKey(id, header.e, to),
      })) {
        await batch.add({ key: entry.key, bytes: 64 });
        if (!(entry.value instanceof Uint8Array)) {
          for (let i = 0; i < entry.value.parts; i++)
            await batch.add({ key: this.cKey(id, header.e, entry.value.tag, i), bytes: 64 });
        }
      }
    }
    if (!(await batch.flush())) return;
    const clean = { ...header };
    delete clean.hide;
    await this.kv.atomic().check(h).set(this.hKey(id), clean).commit();
  }

  private async deleteChunks(id: string, epoch: string, record: ChunkedRecord): Promise<void> {
    const batch = new Batcher(this.kv);
    for (let i = 0; i < record.parts; i++)
      await batch.add({ key: this.cKey(id, epoch, record.tag, i), bytes: 64 });
    await batch.flush();
  }

  private async deleteAll(selector: { prefix: KvKey }): Promise<void> {
    const batch = new Batcher(this.kv);
    for await (const entry of this.kv.list(selector)) await batch.add({ key: entry.key, bytes: 64 });
    await batch.flush();
  }

  private async decode(id: string, epoch: string, value: RecordValue, op: string): Promise<SessionRecord> {
    let bytes: Uint8Array;
    if (value instanceof Uint8Array) {
      bytes = value;
    } else {
      bytes = new Uint8Array(value.bytes);
      let at = 0;
      let parts = 0;
      for await (const chunk of this.kv.list<Uint8Array>({
        prefix: [...this.prefix, "c", id, epoch, value.tag],
      })) {
        bytes.set(chunk.value, at);
        at += chunk.value.byteLength;
        parts++;
      }
      if (parts !== value.parts || at !== value.bytes) {
        throw new SessionStoreError("schema", op, {
          detail: `a record's chunks are incomplete (${parts}/${value.parts})`,
        });
      }
    }
    return JSON.parse(decoder.decode(bytes)) as SessionRecord;
  }

  /** @internal */
  chunkKey(id: string, epoch: string, tag: string, i: number): KvKey {
    return this.cKey(id, epoch, tag, i);
  }
}

/** Creates a {@link SessionStore} on Deno KV: `createDenoKvStore(await Deno.openKv())`. */
export function createDenoKvStore(kv: KvLike, options?: DenoKvStoreOptions): DenoKvSessionStore {
  return new DenoKvSessionStore(kv, options);
}

// ---------------------------------------------------------------------------------------------------

/** Writes mutations in atomic operations of at most the budget, each with an optional check. */
class Batcher {
  private pending: Mutation[] = [];
  private bytes = 0;
  private failed = false;
  constructor(
    private readonly kv: KvLike,
    private readonly guard?: { key: KvKey; versionstamp: string | null },
  ) {}
  async add(m: Mutation): Promise<void> {
    const size = m.bytes + keyBytes(m.key);
    if (this.pending.length + 1 > BUDGET.mutations || this.bytes + size > BUDGET.bytes) await this.flush();
    this.pending.push(m);
    this.bytes += size;
  }
  /** Resolves false if a guarded batch found its check failing (nothing more is written then). */
  async flush(): Promise<boolean> {
    if (this.failed) return false;
    if (this.pending.length === 0) return true;
    let atomic = this.kv.atomic();
    if (this.guard) atomic = atomic.check(this.guard);
    const done = await applyAll(atomic, this.pending).commit();
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

function applyAll(atomic: KvAtomic, mutations: Mutation[]): KvAtomic {
  let a = atomic;
  for (const m of mutations) a = m.value === undefined ? a.delete(m.key) : a.set(m.key, m.value);
  return a;
}

function headerMutation(key: KvKey, header: StoredHeader): Mutation {
  return { key, value: header, bytes: objectBytes(header) };
}

function encodeRecord(
  store: DenoKvSessionStore,
  id: string,
  epoch: string,
  seq: number,
  body: RecordBody,
): Encoded {
  const bytes = encoder.encode(JSON.stringify(toRecord(seq, body)));
  if (bytes.byteLength <= KV_CHUNK_BYTES) return { seq, value: bytes, chunks: [] };
  const tag = randomTag();
  const parts = Math.ceil(bytes.byteLength / KV_CHUNK_BYTES);
  const chunks: Mutation[] = [];
  for (let i = 0; i < parts; i++) {
    const chunk = bytes.subarray(i * KV_CHUNK_BYTES, (i + 1) * KV_CHUNK_BYTES);
    chunks.push({ key: store.chunkKey(id, epoch, tag, i), value: chunk.slice(), bytes: chunk.byteLength });
  }
  return { seq, value: { v: SCHEMA_VERSION, tag, parts, bytes: bytes.byteLength }, chunks };
}

function publicHeader(stored: StoredHeader): SessionHeader {
  const { e: _e, hide: _h, rsv: _r, ...header } = stored;
  return header;
}

function visible(header: StoredHeader, seq: number): boolean {
  if (seq >= header.nextSeq) return false;
  for (const [from, to] of header.hide ?? []) if (seq >= from && seq < to) return false;
  for (const r of header.rsv ?? []) if (seq >= r.from && seq < r.to) return false;
  return true;
}

/** Adds `[from, to)` to sorted, disjoint ranges. */
export function addRange(ranges: [number, number][], range: [number, number]): [number, number][] {
  if (range[1] <= range[0]) return ranges;
  const all = [...ranges, range].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [from, to] of all) {
    const last = out.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** Removes `[from, to)` from sorted, disjoint ranges. */
export function subtractRange(ranges: [number, number][], [a, b]: [number, number]): [number, number][] {
  const out: [number, number][] = [];
  for (const [from, to] of ranges) {
    if (to <= a || from >= b) out.push([from, to]);
    else {
      if (from < a) out.push([from, a]);
      if (to > b) out.push([b, to]);
    }
  }
  return out;
}

function keyBytes(key: KvKey): number {
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

function valueBytes(value: unknown): number {
  return value instanceof Uint8Array ? value.byteLength + 16 : objectBytes(value);
}

/** V8 serialisation stores a string as Latin-1 or UTF-16: at most 2 bytes per code unit, plus tags. */
function objectBytes(value: unknown): number {
  return JSON.stringify(value).length * 2 + 64;
}

const retry: unique symbol = Symbol("retry");

function isBusy(error: unknown): boolean {
  return /database is locked|busy/i.test(String((error as Error)?.message ?? error));
}

function randomTag(): string {
  return (
    globalThis.crypto?.randomUUID?.().slice(0, 13) ??
    `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`
  );
}

function pause(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(200, 2 ** Math.min(attempt, 7)) * Math.random()),
  );
}
