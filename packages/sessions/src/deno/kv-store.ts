/**
 * A {@link SessionStore} on Deno KV (`Deno.openKv()`: a local SQLite file, or Deno Deploy's KV): a small
 * database on a key-value store, with the same guarantees as the IndexedDB store.
 *
 * A **commit** reads the header, plans the change (`planCommit`, as every store does), and writes the
 * records and the new header in one atomic operation guarded by a check on the header's versionstamp:
 * optimistic concurrency, planned again on a conflict (and on "database is locked" from a second
 * connection to a local file). Appending writes only the new records and the header, whatever the
 * session's length. Readers see only what a header makes visible (kv-header.ts), so every commit is all or
 * nothing, even the ones that cannot fit Deno KV's limits (kv-limits.ts) in one atomic operation:
 * - a record over 60 KiB is split into chunks (kv-records.ts); when the chunks make a commit too large,
 *   they are written first (invisible until a record points at them) and the commit is planned again;
 * - a commit still too large (an import of thousands of records) **reserves** the seqs of its appends in
 *   the header, with a 60 s **lease**; the records are written in batches that each check the lease (a
 *   writer that stalled past it cannot write into a range someone reclaimed), and one final atomic
 *   operation publishes them with the header;
 * - a truncation of more than 100 records **hides** its range in the header (one mutation) and the
 *   records are deleted after the commit.
 * **Garbage collection** runs after a commit that left something behind: replaced chunks, hidden ranges,
 * reservations whose lease ended (their writer stalled or died: the range is hidden, then deleted).
 * A **load** lists the records between two reads of the header and retries if a commit came in between
 * (a list is not a snapshot). A **delete** removes the header first (the session is gone at once), then
 * its keys in batches; a session created again gets a new epoch, so leftovers never reappear.
 *
 * Key layout: kv-keys.ts. Seq range arithmetic: seq-ranges.ts. Batches within the limits: kv-batch.ts.
 */
import { SessionStoreError, toStoreError } from "../errors.js";
import { checkVersion, newHeader, planCommit } from "../plan.js";
import type {
  CommitResult,
  RecordBody,
  SessionChange,
  SessionHeader,
  SessionRecord,
  StoredSession,
} from "../schema.js";
import type { RevisionCheckedStore } from "../store.js";
import { AtomicBatch, applyMutations, keyBytes, type Mutation, objectBytes, valueBytes } from "./kv-batch.js";
import {
  decodeHeader,
  encodeHeader,
  isVisible,
  type KvHeader,
  publicHeader,
  type Reservation,
} from "./kv-header.js";
import { KvKeys, randomTag } from "./kv-keys.js";
import { ATOMIC_BUDGET } from "./kv-limits.js";
import {
  type ChunkedRecord,
  decodeRecord,
  type EncodedRecord,
  encodeRecord,
  type RecordValue,
} from "./kv-records.js";
import type { KvKey, KvLike } from "./kv-types.js";
import { withoutRange, withRange } from "./seq-ranges.js";

export { DENO_KV_LIMITS, KV_CHUNK_BYTES } from "./kv-limits.js";

/** Truncations that remove more records than this hide them first and delete them after the commit. */
const DIRECT_DELETE_MAX = 100;
/** How long a reservation may take before others may reclaim it. */
const RESERVATION_MS = 60_000;
/** Attempts of one optimistic write before the store reports that the session kept changing. */
const MAX_ATTEMPTS = 40;
/** Reads of a session before `load` returns the last one, even if a commit came in between. */
const LOAD_ATTEMPTS = 5;

/** Options of {@link createDenoKvStore}. */
export interface DenoKvStoreOptions {
  /** Key prefix of every key this store writes (default `["oaikit-sessions"]`); one prefix per user. */
  prefix?: KvKey;
}

/** A header as read: its decoded value (undefined: no session) and the versionstamp that guards a write. */
interface HeaderEntry {
  key: KvKey;
  versionstamp: string | null;
  header: KvHeader | undefined;
}

/** A commit planned against one header: what to write, what to clean up after, and its size. */
interface CommitPlan {
  result: CommitResult;
  header: KvHeader;
  mutations: Mutation[];
  /** Chunked records the commit replaces or removes: their chunks are deleted after it. */
  cleanup: ChunkedRecord[];
  bytes: number;
  chunkBytes: number;
  epoch: string;
}

/** Records whose chunks were written ahead of their commit, by body. */
type StagedRecords = Map<RecordBody, EncodedRecord>;

/** A commit attempt that must be made again (a conflict, a busy database, chunks written first). */
const retry: unique symbol = Symbol("retry");

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
  private readonly keys: KvKeys;

  constructor(
    private readonly kv: KvLike,
    options: DenoKvStoreOptions = {},
  ) {
    if (!kv || typeof kv.atomic !== "function") {
      throw new TypeError("createDenoKvStore(kv): kv must be a Deno.Kv (await Deno.openKv()).");
    }
    this.keys = new KvKeys(options.prefix ?? ["oaikit-sessions"]);
  }

  /** A random id created with this prefix's sessions and kept with them. */
  async storeId(): Promise<string> {
    const key = this.keys.storeId();
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
    const operation = `load "${id}"`;
    try {
      let last: StoredSession | undefined;
      for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt++) {
        const before = await this.readHeader(id, operation).catch((error) => {
          if (isBusy(error)) return undefined;
          throw error;
        });
        if (!before) {
          await pause(attempt);
          continue;
        }
        const header = before.header;
        if (!header) return undefined;
        if (header.revision === 0) return undefined; // a reservation for a session not created yet
        const records: SessionRecord[] = [];
        for await (const entry of this.kv.list<RecordValue>({
          prefix: this.keys.records(id, header.epoch),
        })) {
          const seq = entry.key.at(-1) as number;
          if (!isVisible(header, seq)) continue;
          const record = await decodeRecord(this.kv, this.keys, id, header.epoch, entry.value, operation);
          checkVersion(record.v, operation);
          record.seq = seq; // a record staged before its seq was known carries a placeholder
          records.push(record);
        }
        last = { header: publicHeader(header), records };
        // The list is not a snapshot: accept it only if no commit happened meanwhile.
        const after = await this.kv.get(this.keys.header(id));
        if (after.versionstamp === before.versionstamp) return last;
      }
      return last;
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  async list(): Promise<SessionHeader[]> {
    try {
      const headers: SessionHeader[] = [];
      for await (const entry of this.kv.list<SessionHeader>({ prefix: this.keys.allHeaders() })) {
        checkVersion(entry.value.v, "list");
        if (entry.value.revision > 0) headers.push(publicHeader(decodeHeader(entry.value)));
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
    const operation = `delete "${id}"`;
    try {
      let epoch: string | undefined;
      for (let attempt = 0; ; attempt++) {
        const current = await this.readHeader(id, undefined);
        if (!current.header) return;
        const done = await this.kv.atomic().check(current).delete(current.key).commit();
        if (done.ok) {
          epoch = current.header.epoch;
          break;
        }
        if (attempt >= MAX_ATTEMPTS)
          throw new SessionStoreError("failed", operation, { detail: "the session kept changing" });
        await pause(attempt);
      }
      // The session is gone (its header was the only way in); its keys go now, in batches.
      for (const prefix of this.keys.sessionData(id, epoch)) await this.deleteAll(prefix);
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Commits

  /**
   * Reads session `id`'s header. Its schema version is checked first where the header's content is used
   * (`operation` names the failure); a delete, a reservation and the clean-up (`undefined`) read only the
   * store's bookkeeping, and work on a header of any version.
   */
  private async readHeader(id: string, operation: string | undefined): Promise<HeaderEntry> {
    const key = this.keys.header(id);
    const entry = await this.kv.get<SessionHeader>(key);
    if (!entry.value) return { key, versionstamp: entry.versionstamp, header: undefined };
    if (operation !== undefined) checkVersion(entry.value.v, operation);
    return { key, versionstamp: entry.versionstamp, header: decodeHeader(entry.value) };
  }

  private async write(
    id: string,
    change: SessionChange,
    expected: number | undefined,
  ): Promise<CommitResult | undefined> {
    const operation = `commit "${id}"`;
    try {
      // Chunks are written once, before any attempt: they are invisible until a record points at them.
      const staged: StagedRecords = new Map();
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const outcome = await this.attempt(id, change, expected, staged, operation, attempt).catch(
          async (error): Promise<typeof retry> => {
            // Two connections to one local SQLite file: "database is locked" is a retryable conflict.
            if (!isBusy(error)) throw error;
            await pause(attempt);
            return retry;
          },
        );
        if (outcome !== retry) return outcome;
      }
      throw new SessionStoreError("failed", operation, {
        detail: `the session kept changing (${MAX_ATTEMPTS} attempts)`,
      });
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  /** One optimistic attempt of a commit: resolves to the result, `undefined` (commitAt missed), or {@link retry}. */
  private async attempt(
    id: string,
    change: SessionChange,
    expected: number | undefined,
    staged: StagedRecords,
    operation: string,
    attempt: number,
  ): Promise<CommitResult | undefined | typeof retry> {
    const current = await this.readHeader(id, operation);
    if (expected !== undefined && (current.header?.revision ?? 0) !== expected) {
      await this.dropStaged(id, current.header?.epoch, staged);
      return undefined;
    }
    const plan = await this.plan(id, current, change, staged, operation);
    if (plan.mutations.length + 1 > ATOMIC_BUDGET.mutations || plan.bytes > ATOMIC_BUDGET.bytes) {
      if (!plan.chunkBytes) return await this.reserve(id, change, expected, staged, operation);
      // Write the chunks first, then plan again: the records are small pointers now.
      await this.stage(plan.epoch, id, change, staged);
      return retry;
    }
    let atomic = this.kv.atomic().check(current);
    atomic = applyMutations(atomic, [headerMutation(current.key, plan.header), ...plan.mutations]);
    const done = await atomic.commit();
    if (!done.ok) {
      await pause(attempt);
      return retry;
    }
    await this.afterCommit(id, plan.header, plan.cleanup);
    return plan.result;
  }

  /** Plans a commit against the header read: the new header, the record values, and what to delete. */
  private async plan(
    id: string,
    current: HeaderEntry,
    change: SessionChange,
    staged: StagedRecords,
    operation: string,
  ): Promise<CommitPlan> {
    // A header at revision 0 (a reservation for a session being created) is a header too.
    const existing = current.header;
    const epoch = existing?.epoch ?? randomTag();
    const cut = change.truncateFrom;
    const oldNextSeq = existing?.nextSeq ?? 0;
    const mutations: Mutation[] = [];
    const cleanup: ChunkedRecord[] = [];
    let removed = 0;
    let hiddenRanges = existing?.hiddenRanges ?? [];
    if (existing && cut !== undefined && cut < oldNextSeq) {
      const doomed: { seq: number; value: RecordValue }[] = [];
      for await (const entry of this.kv.list<RecordValue>({
        start: this.keys.record(id, epoch, cut),
        end: this.keys.record(id, epoch, oldNextSeq),
      })) {
        const seq = entry.key.at(-1) as number;
        if (isVisible(existing, seq)) doomed.push({ seq, value: entry.value });
      }
      removed = doomed.length;
      if (doomed.length <= DIRECT_DELETE_MAX) {
        for (const record of doomed) {
          mutations.push({ key: this.keys.record(id, epoch, record.seq), bytes: 64 });
          if (!(record.value instanceof Uint8Array)) cleanup.push(record.value);
        }
      } else {
        hiddenRanges = withRange(hiddenRanges, [cut, oldNextSeq]);
      }
    }
    let created = 0;
    for (const put of change.put ?? []) {
      if (!existing || put.seq >= existing.nextSeq) {
        throw new SessionStoreError("failed", operation, {
          detail: `put ${put.seq}: no such record (puts overwrite records)`,
        });
      }
      const truncatedNow = cut !== undefined && put.seq >= cut;
      const old =
        !truncatedNow && isVisible(existing, put.seq)
          ? await this.kv.get<RecordValue>(this.keys.record(id, epoch, put.seq))
          : undefined;
      if (!old?.value) created++;
      else if (!(old.value instanceof Uint8Array)) cleanup.push(old.value);
      hiddenRanges = withoutRange(hiddenRanges, [put.seq, put.seq + 1]);
    }
    const result = planCommit(
      id,
      existing && publicHeader(existing),
      change,
      { removed, created },
      Date.now(),
    );
    const header: KvHeader = { ...result.header, epoch };
    if (hiddenRanges.length) header.hiddenRanges = hiddenRanges;
    if (existing?.reservations?.length) header.reservations = existing.reservations;
    let chunkBytes = 0;
    const records = [
      ...(change.put ?? []).map((put) => ({ seq: put.seq, body: put.body })),
      ...(change.append ?? []).map((body, i) => ({ seq: result.seqs[i]!, body })),
    ];
    for (const { seq, body } of records) {
      const ready = staged.get(body);
      const encoded = ready ? { ...ready, seq, chunks: [] } : encodeRecord(this.keys, id, epoch, seq, body);
      mutations.push({
        key: this.keys.record(id, epoch, seq),
        value: encoded.value,
        bytes: valueBytes(encoded.value),
      });
      for (const chunk of encoded.chunks) {
        mutations.push(chunk);
        chunkBytes += chunk.bytes;
      }
    }
    const bytes = mutations.reduce(
      (sum, m) => sum + m.bytes + keyBytes(m.key),
      objectBytes(encodeHeader(header)) + 64,
    );
    return { result, header, mutations, cleanup, bytes, chunkBytes, epoch };
  }

  /** Writes the chunks of every large record of `change` ahead of the commit (plain batches: unreferenced keys). */
  private async stage(
    epoch: string,
    id: string,
    change: SessionChange,
    staged: StagedRecords,
  ): Promise<void> {
    const bodies = [...(change.put ?? []).map((put) => put.body), ...(change.append ?? [])];
    const batch = new AtomicBatch(this.kv);
    for (const body of bodies) {
      if (staged.has(body)) continue;
      const encoded = encodeRecord(this.keys, id, epoch, 0, body);
      if (encoded.chunks.length === 0) continue;
      for (const chunk of encoded.chunks) await batch.add(chunk);
      staged.set(body, { ...encoded, chunks: [] });
    }
    await batch.flush();
  }

  /** Deletes chunks staged for a commit that did not happen. */
  private async dropStaged(id: string, epoch: string | undefined, staged: StagedRecords): Promise<void> {
    if (!epoch) return;
    for (const encoded of staged.values()) {
      if (!(encoded.value instanceof Uint8Array)) await this.deleteChunks(id, epoch, encoded.value);
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Reservations: commits too large for one atomic operation

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
    staged: StagedRecords,
    operation: string,
  ): Promise<CommitResult | undefined> {
    const appends = change.append ?? [];
    let reservation: Reservation | undefined;
    let epoch = "";
    for (let attempt = 0; !reservation; attempt++) {
      if (attempt >= MAX_ATTEMPTS)
        throw new SessionStoreError("failed", operation, { detail: "could not reserve seqs" });
      const current = await this.readHeader(id, undefined);
      if (expected !== undefined && (current.header?.revision ?? 0) !== expected) {
        await this.dropStaged(id, current.header?.epoch, staged);
        return undefined;
      }
      if (!current.header && !change.create) {
        throw new SessionStoreError("failed", operation, {
          detail: "the session does not exist and the change does not create it",
        });
      }
      const now = Date.now();
      const base: KvHeader = current.header ?? { ...newHeader(id, change, now), epoch: randomTag() };
      const wanted = { from: base.nextSeq, to: base.nextSeq + appends.length, until: now + RESERVATION_MS };
      const next: KvHeader = {
        ...base,
        nextSeq: wanted.to,
        reservations: [...(base.reservations ?? []), wanted],
      };
      const done = await this.kv
        .atomic()
        .check(current)
        .set(current.key, encodeHeader(next))
        .set(this.keys.lease(id, base.epoch, wanted.from), wanted.until)
        .commit();
      if (done.ok) {
        reservation = wanted;
        epoch = base.epoch;
      } else {
        await pause(attempt);
      }
    }
    const leaseKey = this.keys.lease(id, epoch, reservation.from);
    const lease = (await this.kv.get(leaseKey)).versionstamp;
    // The appended records, at their reserved seqs.
    const batch = new AtomicBatch(this.kv, { key: leaseKey, versionstamp: lease });
    for (const [i, body] of appends.entries()) {
      const seq = reservation.from + i;
      const encoded = staged.get(body) ?? encodeRecord(this.keys, id, epoch, seq, body);
      for (const chunk of encoded.chunks) await batch.add(chunk);
      await batch.add({
        key: this.keys.record(id, epoch, seq),
        value: encoded.value,
        bytes: valueBytes(encoded.value),
      });
    }
    await batch.flush();
    // Publish: one atomic operation with the truncation, the puts and the header.
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.readHeader(id, undefined);
      const header = current.header;
      const mine = header?.reservations?.find((r) => r.from === reservation.from && r.to === reservation.to);
      if (!header || header.epoch !== epoch || !mine) {
        throw new SessionStoreError("failed", operation, {
          detail: "the commit took longer than its reservation and was dropped",
        });
      }
      if (expected !== undefined && header.revision !== expected) {
        await this.release(id, current, header, mine);
        return undefined;
      }
      // Planned with our reservation still in the header: its seqs are invisible to the truncation count.
      const plan = await this.plan(id, current, { ...change, append: [] }, staged, operation);
      plan.result.header.count += appends.length;
      plan.result.seqs = appends.map((_, i) => reservation.from + i);
      const final: KvHeader = { ...plan.header, count: plan.result.header.count };
      const hiddenRanges = withoutRange(final.hiddenRanges ?? [], [reservation.from, reservation.to]);
      if (hiddenRanges.length) final.hiddenRanges = hiddenRanges;
      else delete final.hiddenRanges;
      const reservations = (final.reservations ?? []).filter((r) => r.from !== mine.from || r.to !== mine.to);
      if (reservations.length) final.reservations = reservations;
      else delete final.reservations;
      const mutations = [headerMutation(current.key, final), ...plan.mutations];
      if (mutations.length + 2 > ATOMIC_BUDGET.mutations || plan.bytes > ATOMIC_BUDGET.bytes) {
        throw new SessionStoreError("failed", operation, {
          detail: `the commit rewrites too many records at once (${change.put?.length ?? 0} puts)`,
        });
      }
      let atomic = this.kv.atomic().check(current);
      atomic = applyMutations(atomic, mutations).delete(leaseKey);
      const done = await atomic.commit();
      if (done.ok) {
        await this.afterCommit(id, final, plan.cleanup);
        return plan.result;
      }
      await pause(attempt);
    }
    throw new SessionStoreError("failed", operation, {
      detail: `the session kept changing (${MAX_ATTEMPTS} attempts)`,
    });
  }

  /** Gives a reservation up: its range becomes hidden (deleted by the next clean-up). */
  private async release(
    id: string,
    current: HeaderEntry,
    header: KvHeader,
    mine: Reservation,
  ): Promise<void> {
    const released: KvHeader = {
      ...header,
      reservations: header.reservations!.filter((r) => r.from !== mine.from),
      hiddenRanges: withRange(header.hiddenRanges ?? [], [mine.from, mine.to]),
    };
    await this.kv
      .atomic()
      .check(current)
      .set(current.key, encodeHeader(released))
      .delete(this.keys.lease(id, header.epoch, mine.from))
      .commit();
    await this.collect(id);
  }

  // -------------------------------------------------------------------------------------------------
  // Garbage collection

  /** After a commit: delete replaced chunks, and collect hidden or abandoned ranges if there are any. */
  private async afterCommit(id: string, header: KvHeader, cleanup: ChunkedRecord[]): Promise<void> {
    try {
      for (const old of cleanup) await this.deleteChunks(id, header.epoch, old);
      if (header.hiddenRanges?.length || header.reservations?.some((r) => r.until < Date.now())) {
        await this.collect(id);
      }
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
    let current = await this.readHeader(id, undefined);
    if (!current.header) return;
    const now = Date.now();
    const expired = (current.header.reservations ?? []).filter((r) => r.until < now);
    if (expired.length) {
      let hiddenRanges = current.header.hiddenRanges ?? [];
      for (const r of expired) hiddenRanges = withRange(hiddenRanges, [r.from, r.to]);
      const header: KvHeader = {
        ...current.header,
        hiddenRanges,
        reservations: current.header.reservations!.filter((r) => !expired.includes(r)),
      };
      if (!header.reservations?.length) delete header.reservations;
      let atomic = this.kv.atomic().check(current).set(current.key, encodeHeader(header));
      for (const r of expired) atomic = atomic.delete(this.keys.lease(id, header.epoch, r.from));
      if (!(await atomic.commit()).ok) return;
      current = await this.readHeader(id, undefined);
      if (!current.header) return;
    }
    const header = current.header;
    const ranges = header.hiddenRanges ?? [];
    if (!ranges.length) return;
    const batch = new AtomicBatch(this.kv, { key: current.key, versionstamp: current.versionstamp });
    for (const [from, to] of ranges) {
      for await (const entry of this.kv.list<RecordValue>({
        start: this.keys.record(id, header.epoch, from),
        end: this.keys.record(id, header.epoch, to),
      })) {
        await batch.add({ key: entry.key, bytes: 64 });
        if (!(entry.value instanceof Uint8Array)) {
          for (let i = 0; i < entry.value.parts; i++)
            await batch.add({ key: this.keys.chunk(id, header.epoch, entry.value.tag, i), bytes: 64 });
        }
      }
    }
    if (!(await batch.flush())) return;
    const clean = { ...header };
    delete clean.hiddenRanges;
    await this.kv.atomic().check(current).set(current.key, encodeHeader(clean)).commit();
  }

  private async deleteChunks(id: string, epoch: string, record: ChunkedRecord): Promise<void> {
    const batch = new AtomicBatch(this.kv);
    for (let i = 0; i < record.parts; i++)
      await batch.add({ key: this.keys.chunk(id, epoch, record.tag, i), bytes: 64 });
    await batch.flush();
  }

  private async deleteAll(prefix: KvKey): Promise<void> {
    const batch = new AtomicBatch(this.kv);
    for await (const entry of this.kv.list({ prefix })) await batch.add({ key: entry.key, bytes: 64 });
    await batch.flush();
  }
}

/** Creates a {@link SessionStore} on Deno KV: `createDenoKvStore(await Deno.openKv())`. */
export function createDenoKvStore(kv: KvLike, options?: DenoKvStoreOptions): DenoKvSessionStore {
  return new DenoKvSessionStore(kv, options);
}

/** The header, as stored, as a mutation. */
function headerMutation(key: KvKey, header: KvHeader): Mutation {
  const value = encodeHeader(header);
  return { key, value, bytes: objectBytes(value) };
}

/** "database is locked": a second connection to a local SQLite file holds it (retryable). Shared with other KV writers. */
export function isBusy(error: unknown): boolean {
  return /database is locked|busy/i.test(String((error as Error)?.message ?? error));
}

/** A random pause before attempt `attempt + 1` of a KV write (up to 200 ms). Shared with other KV writers. */
export function pause(attempt: number): Promise<void> {
  return new Promise((resolve) =>
    setTimeout(resolve, Math.min(200, 2 ** Math.min(attempt, 7)) * Math.random()),
  );
}
