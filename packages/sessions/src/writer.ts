import { publish } from "./broadcast.js";
import { SessionStoreError, toStoreError } from "./errors.js";
import type {
  IncompleteReason,
  RecordBody,
  RecordItem,
  RecordStatus,
  SessionChange,
  SessionHeader,
  SessionKind,
  SessionRecord,
} from "./schema.js";
import { storableCopy } from "./storable.js";
import type { SessionStore } from "./store.js";

/** One message of the local history and what the store knows of it. */
interface Slot {
  /** Set once a commit has allocated it. */
  seq?: number;
  /**
   * What to write. Until `copied`, `body.item` is the caller's object itself (a streamed reply changes on
   * every chunk; copying it then would cost as much as the reply is long, per chunk): it is copied once,
   * when a commit takes it.
   */
  body: RecordBody;
  copied: boolean;
  /** Bumped by every local change; `saved` is the version the store has. */
  version: number;
  saved: number;
  /** Truncated away locally (its record, if any, is deleted by the next commit). */
  removed?: boolean;
  /** Written by this page (not restored from the store). */
  local?: boolean;
  /** Why its item could not be copied for storage; it is not written again until it changes. */
  unstorable?: SessionStoreError;
}

/** Options of {@link SessionWriter}. */
export interface WriterOptions {
  store: SessionStore;
  id: string;
  kind: SessionKind;
  title: string;
  /** A random id of this writer, sent with change events. */
  source: string;
  /** Minimum gap between two writes of a streaming reply (ms). */
  partialIntervalMs: number;
  /**
   * Called for every failed write (the writes stay queued and are retried) and every message that cannot
   * be stored (code `data`). If it throws, the error is dropped: the retry still happens.
   */
  onError?: (error: SessionStoreError) => void;
  /** Called after every successful commit with the new header. */
  onCommit?: (header: SessionHeader) => void;
}

const MAX_RETRY_MS = 30_000;

/**
 * Turns the observer callbacks of one open session into batched, atomic commits: a queue of local changes
 * (new messages, messages that changed, a truncation, header fields), written by one commit at a time.
 * Appends are written on the next tick (a burst of appends is one commit); a streamed reply is written at
 * most every `partialIntervalMs` and at once when it ends. Per chunk it only keeps a reference to the
 * latest partial reply: the copy for the store is made when a commit takes it, so a chunk costs the same
 * at the end of a long reply as at its start.
 *
 * Failures: a failed commit leaves everything queued, is reported through `onError` and retried with
 * backoff; `flush()` rejects with the error. A message that cannot be copied for storage (`data`) is
 * reported the same way and left out of the store (it stays in memory, the others are written); it stays
 * `lastError` until it leaves the history or changes. No store or copy failure is thrown into the event
 * loop (where Node would treat it as an uncaught exception).
 */
export class SessionWriter {
  /** Aligned with the indices of the core session's history. */
  private live: Slot[];
  /** Slots with a change the store does not have, in creation order for the unsequenced ones. */
  private readonly dirty = new Set<Slot>();
  private truncateFrom: number | undefined;
  private headerSet: NonNullable<SessionChange["set"]> = {};
  /** Header fields for whenever the next commit happens (a new session's title): they schedule none. */
  private queuedSet: NonNullable<SessionChange["set"]> = {};
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | undefined;
  private lastCommitAt = 0;
  /** Set by every change except a partial reply growing: those wait for the throttle. */
  private urgent = false;
  private failures = 0;
  private closed = false;
  /** The last failed commit (or observer call), cleared by the next successful commit. */
  private storeError: SessionStoreError | undefined;
  /** Slots whose item could not be copied for storage, oldest failure first. */
  private readonly unstorable = new Set<Slot>();
  /** The stored revision this page's history reflects (its own commits included, other tabs' not). */
  revision: number;

  constructor(
    private readonly options: WriterOptions,
    restored: SessionRecord[],
    revision: number,
  ) {
    this.live = restored.map((r) => ({ seq: r.seq, body: bodyOf(r), copied: true, version: 0, saved: 0 }));
    this.revision = revision;
  }

  /**
   * The last write error: a failed commit (the writes are still queued; cleared by the next successful
   * commit), else a message of the history that could not be stored (cleared when it leaves the history).
   */
  get lastError(): SessionStoreError | undefined {
    if (this.storeError) return this.storeError;
    let last: SessionStoreError | undefined;
    for (const slot of this.unstorable) last = slot.unstorable;
    return last;
  }

  /**
   * Reports a failure outside a commit (an observer callback that threw), so it reaches `onError` and
   * `lastError` instead of the console (the core session's last resort).
   */
  fail(error: unknown): void {
    const wrapped =
      error instanceof SessionStoreError
        ? error
        : new SessionStoreError("failed", `record a change of "${this.options.id}"`, { cause: error });
    this.storeError = wrapped;
    this.report(wrapped);
  }

  /** Number of local changes not yet in the store. */
  get pendingWrites(): number {
    return this.dirty.size + (this.truncateFrom !== undefined ? 1 : 0) + Object.keys(this.headerSet).length;
  }

  /** The stored status of the message at `index` of the local history. */
  statusAt(index: number): { status: RecordStatus; reason?: IncompleteReason } | undefined {
    const slot = this.live[index];
    return slot && { status: slot.body.status, ...(slot.body.reason ? { reason: slot.body.reason } : {}) };
  }

  /** Whether the message at `index` is a partial reply this page is streaming (not one restored). */
  isLocalPartial(index: number): boolean {
    const slot = this.live[index];
    return Boolean(slot?.local && slot.body.status === "partial");
  }

  /** What the store knows of the message at `index`: its seq (once committed), time and status. */
  recordAt(index: number): { seq: number | undefined; at: number; status: RecordStatus } | undefined {
    const slot = this.live[index];
    return slot && { seq: slot.seq, at: slot.body.at, status: slot.body.status };
  }

  /** The seq of the reply this page streams (always the last message), once a commit gave it one. */
  localPartialSeq(): number | undefined {
    const slot = this.live[this.live.length - 1];
    return slot && this.isLocalPartial(this.live.length - 1) ? slot.seq : undefined;
  }

  /** A finished message at `index` (new, or the end of a streamed reply). */
  append(index: number, item: RecordItem): void {
    this.write(index, { status: "complete", at: Date.now(), item });
    this.urgent = true;
    this.schedule(0);
  }

  /**
   * A streamed reply grew. Its first chunk is written at once (so the record has a seq, and a page being
   * closed can overwrite it without a read: see `flushOnHide`), later ones at most every `partialIntervalMs`.
   */
  partial(index: number, item: RecordItem): void {
    const isNew = this.live[index] === undefined;
    this.write(index, { status: "partial", at: Date.now(), item });
    if (isNew) this.urgent = true;
    this.schedule(isNew ? 0 : Math.max(0, this.lastCommitAt + this.options.partialIntervalMs - Date.now()));
  }

  /** A streamed reply ended without completing. */
  incomplete(index: number, item: RecordItem, reason: IncompleteReason): void {
    this.write(index, { status: "incomplete", reason, at: Date.now(), item });
    this.urgent = true;
    this.schedule(0);
  }

  /** The history was cut back to `length` messages: their records are deleted by the next commit. */
  truncate(length: number): void {
    for (const slot of this.live.splice(length)) {
      slot.removed = true;
      this.forgetUnstorable(slot);
      if (slot.seq !== undefined) this.truncateFrom = Math.min(this.truncateFrom ?? slot.seq, slot.seq);
      this.dirty.delete(slot);
    }
    this.urgent = true;
    this.schedule(0);
  }

  /** Header fields to write with the next commit. */
  setHeader(set: NonNullable<SessionChange["set"]>): void {
    Object.assign(this.headerSet, set);
    this.urgent = true;
    this.schedule(0);
  }

  /**
   * Header fields to write with the next commit, whenever something else makes one: a session that
   * has no message yet is not created just for them.
   */
  queueHeader(set: NonNullable<SessionChange["set"]>): void {
    Object.assign(this.queuedSet, set);
  }

  /**
   * Writes every queued change now. Rejects with a `SessionStoreError` if the store fails (the changes stay
   * queued), or with a `data` one if a message it was to write could not be copied (the others are written).
   */
  async flush(): Promise<void> {
    // A drain started by the timer may stop at the throttle: wait for it, then drain everything.
    while (this.running) await this.running.catch(() => {});
    if (this.pendingWrites === 0) return;
    this.urgent = true;
    this.running = this.drain(true).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The timer's flush: a partial reply waits until `partialIntervalMs` after the last commit. */
  private autoFlush(): void {
    if (this.running) return; // the running drain picks the changes up, or reschedules
    this.running = this.drain(false).finally(() => {
      this.running = undefined;
    });
    this.running.catch(() => {});
  }

  /**
   * For `pagehide`: a page being unloaded runs no more tasks, so a commit (which reads the header before it
   * writes) may never finish. Records that already have a seq are written blind through the store's
   * `putRecords` (requests issued synchronously), then a normal flush is attempted for the rest.
   */
  flushOnHide(): void {
    const { store, id } = this.options;
    const ready = [...this.dirty].filter(
      (slot) => slot.seq !== undefined && !slot.removed && this.prepare(slot) === undefined,
    );
    if (ready.length > 0 && store.putRecords) {
      try {
        store.putRecords(
          id,
          ready.map((slot) => ({ seq: slot.seq!, body: slot.body })),
        );
      } catch {
        // Best effort: the normal flush below reports failures.
      }
    }
    this.flush().catch(() => {});
  }

  /**
   * Flushes, then stops writing (later observer calls are ignored). Rejects, and stays open, only while
   * writes are still pending (a message that could not be stored does not keep it open: nothing would
   * ever write it).
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      if (this.pendingWrites > 0) throw error;
    }
    this.closed = true;
    this.clearTimer();
  }

  private write(index: number, body: RecordBody): void {
    if (this.closed) return;
    let slot = this.live[index];
    if (!slot) {
      // `index` is the next position (a gap would mean a missed event: append at the end regardless).
      slot = { body, copied: false, version: 1, saved: 0, local: true };
      this.live.push(slot);
    } else {
      slot.body = body;
      slot.copied = false;
      slot.version++;
      slot.local = true;
      this.forgetUnstorable(slot);
    }
    this.dirty.add(slot);
  }

  /**
   * Replaces the slot's item by the copy the store will keep, once per change. When it cannot be copied,
   * the slot leaves the queue (retrying could never succeed and would hold back every other write) and
   * the error is reported; returns it. A slot that already has a record keeps it as last written (a
   * streamed reply stays stored as partial). A later change to the slot is tried again; the sessions only
   * change their last message (a streamed reply), so a retried slot never lands behind newer records.
   */
  private prepare(slot: Slot): SessionStoreError | undefined {
    if (slot.copied) return undefined;
    try {
      const operation = () => `copy of message ${this.live.indexOf(slot)} in "${this.options.id}"`;
      slot.body = { ...slot.body, item: storableCopy(slot.body.item, operation) };
      slot.copied = true;
      return undefined;
    } catch (raw) {
      const error =
        raw instanceof SessionStoreError
          ? raw
          : new SessionStoreError("data", `copy a message of "${this.options.id}"`, { cause: raw });
      slot.unstorable = error;
      this.unstorable.add(slot);
      this.dirty.delete(slot);
      this.report(error);
      return error;
    }
  }

  private forgetUnstorable(slot: Slot): void {
    if (slot.unstorable === undefined) return;
    slot.unstorable = undefined;
    this.unstorable.delete(slot);
  }

  /** Calls `onError`; an application handler that throws must not stop the retry or crash the page. */
  private report(error: SessionStoreError): void {
    try {
      this.options.onError?.(error);
    } catch {
      // Dropped on purpose: the failure itself is in lastError, and rethrowing would be uncaught.
    }
  }

  private schedule(delay: number): void {
    if (this.closed) return;
    const at = Date.now() + delay;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.autoFlush();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  /** Commits until nothing is pending; a forced drain (`flush()`) also rejects with a `data` failure. */
  private async drain(force: boolean): Promise<void> {
    let unstorable: SessionStoreError | undefined;
    while (this.pendingWrites > 0) {
      const wait = this.lastCommitAt + this.options.partialIntervalMs - Date.now();
      if (!force && !this.urgent && wait > 0) {
        this.schedule(wait);
        return;
      }
      this.urgent = false;
      // The copies are made here, once per commit, not once per chunk.
      for (const slot of [...this.dirty]) if (!slot.removed) unstorable = this.prepare(slot) ?? unstorable;
      if (this.pendingWrites === 0) break;
      try {
        await this.commitOnce();
        this.failures = 0;
        this.storeError = undefined;
      } catch (raw) {
        const error = toStoreError(raw, `commit "${this.options.id}"`);
        this.storeError = error;
        this.failures++;
        this.urgent = true; // the retry must not wait for the throttle too
        this.schedule(Math.min(MAX_RETRY_MS, 250 * 2 ** this.failures));
        this.report(error);
        throw error;
      }
    }
    if (force && unstorable) throw unstorable;
  }

  private async commitOnce(): Promise<void> {
    const { store, id, kind, title } = this.options;
    const sent = [...this.dirty].filter((s) => !s.removed);
    const puts = sent.filter((s) => s.seq !== undefined);
    const appends = sent.filter((s) => s.seq === undefined);
    const versions = sent.map((s) => s.version);
    const truncateFrom = this.truncateFrom;
    const queued = this.queuedSet;
    const set = { ...queued, ...this.headerSet };
    const change: SessionChange = {
      create: { kind, title },
      put: puts.map((s) => ({ seq: s.seq!, body: s.body })),
      append: appends.map((s) => s.body),
      set,
    };
    if (truncateFrom !== undefined) change.truncateFrom = truncateFrom;
    for (const slot of [...this.dirty]) if (slot.removed && slot.seq === undefined) this.dirty.delete(slot);
    this.truncateFrom = undefined;
    this.headerSet = {};
    this.queuedSet = {};
    let result: Awaited<ReturnType<SessionStore["commit"]>>;
    try {
      result = await store.commit(id, change);
    } catch (error) {
      // Put everything back: newer local changes win over what this commit carried.
      if (truncateFrom !== undefined)
        this.truncateFrom = Math.min(truncateFrom, this.truncateFrom ?? truncateFrom);
      this.headerSet = { ...set, ...this.headerSet };
      // The queued fields are in `set`: retried with the rest.
      for (const s of appends) if (s.removed) this.dirty.delete(s);
      throw error;
    }
    this.lastCommitAt = Date.now();
    appends.forEach((slot, i) => {
      slot.seq = result.seqs[i]!;
      // Truncated while the commit was in flight: delete it with the next commit.
      if (slot.removed) {
        this.truncateFrom = Math.min(this.truncateFrom ?? slot.seq, slot.seq);
        this.dirty.delete(slot);
      }
    });
    sent.forEach((slot, i) => {
      slot.saved = versions[i]!;
      if (slot.saved === slot.version) this.dirty.delete(slot);
    });
    // Consecutive: this page's memory is the stored state. A gap means another tab committed in between:
    // keep the old revision, so refresh() sees the difference and reloads.
    if (result.header.revision === this.revision + 1) this.revision = result.header.revision;
    this.options.onCommit?.(result.header);
    publish(store, { id, type: "commit", revision: result.header.revision, source: this.options.source });
  }
}

function bodyOf(record: SessionRecord): RecordBody {
  const body: RecordBody = { status: record.status, at: record.at, item: record.item };
  if (record.reason) body.reason = record.reason;
  return body;
}
