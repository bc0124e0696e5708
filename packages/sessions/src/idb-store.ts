import { createStore, type UseStore } from "idb-keyval";
import { SessionStoreError, toStoreError } from "./errors.js";
import { migrateV0, V0_PREFIX } from "./migrate.js";
import { foldable, foldRanges, mergeRecords, type SessionPage } from "./pages.js";
import { checkVersion, planCommit, planReplace, toRecord } from "./plan.js";
import {
  type CommitResult,
  type RecordBody,
  SCHEMA_VERSION,
  type SessionChange,
  type SessionHeader,
  type SessionRecord,
  type StoredSession,
} from "./schema.js";
import type { SessionStore } from "./store.js";

/** Options of {@link createIndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** IndexedDB database name (default `oaikit-sessions`): this package's own database, not idb-keyval's. */
  dbName?: string;
  /** Object store name inside it (default `sessions`). */
  storeName?: string;
}

// Storage layout (one idb-keyval object store, array keys, which IndexedDB orders element by element):
//   ["h", id]        the session header (small; rewritten on every commit)
//   ["m", id, seq]   one record per message, seq an integer allocated in the commit transaction
//   ["p", id, from]  a page: older records folded together, PAGE_SIZE at a time (see pages.ts)
//   "session:<id>"   the v0 layout (whole history under one key), migrated on open
const headerKey = (id: string): IDBValidKey => ["h", id];
const recordKey = (id: string, seq: number): IDBValidKey => ["m", id, seq];
// An array sorts after every number, so [..., []] bounds every seq from above.
const recordRange = (id: string, from: number, to?: number) =>
  to === undefined
    ? IDBKeyRange.bound(["m", id, from], ["m", id, []])
    : IDBKeyRange.bound(["m", id, from], ["m", id, to], false, true);
const pageKey = (id: string, from: number): IDBValidKey => ["p", id, from];
const pageRange = (id: string, from: number) => IDBKeyRange.bound(["p", id, from], ["p", id, []]);
const headerRange = () => IDBKeyRange.bound(["h"], ["h", []]);
const v0Key = (id: string) => `${V0_PREFIX}${id}`;

/** Runs `fn` with the transaction's store, resolving when the transaction has committed. */
type TxBody<T> = (store: IDBObjectStore, done: (value: T) => void, fail: (error: unknown) => void) => void;

/**
 * The IndexedDB {@link SessionStore}, through idb-keyval's `createStore`. Each commit is one readwrite
 * transaction (read header, count, write records and header), so concurrent tabs serialise on IndexedDB's
 * own locking. A closed connection (the browser closed it, or another tab upgraded or deleted the
 * database) is reopened transparently and the aborted transaction retried once.
 */
export class IndexedDbSessionStore implements SessionStore {
  readonly channelName: string;
  private readonly dbName: string;
  private readonly storeName: string;
  private use: UseStore;
  private connected = false;
  private readonly watched = new WeakSet<IDBDatabase>();
  private v0Scanned = false;

  constructor(options: IndexedDbStoreOptions = {}) {
    this.dbName = options.dbName ?? "oaikit-sessions";
    this.storeName = options.storeName ?? "sessions";
    this.channelName = `oaikit-sessions:${this.dbName}/${this.storeName}`;
    this.use = createStore(this.dbName, this.storeName);
  }

  async load(id: string): Promise<StoredSession | undefined> {
    const op = `load "${id}"`;
    const read = await this.tx<{
      header?: SessionHeader;
      pages: SessionPage[];
      loose: SessionRecord[];
      v0?: unknown;
    }>("readonly", op, (s, done) => {
      // Three batch reads in one transaction: the header, every page, every loose record.
      const h = s.get(headerKey(id));
      const p = s.getAll(pageRange(id, 0));
      const r = s.getAll(recordRange(id, 0));
      const l = s.get(v0Key(id));
      l.onsuccess = () => done({ header: h.result, pages: p.result, loose: r.result, v0: l.result });
    });
    if (!read.header) {
      if (read.v0 === undefined) return undefined;
      await this.migrate(id);
      return this.load(id);
    }
    checkVersion(read.header.v, op);
    for (const page of read.pages) checkVersion(page.v, op);
    for (const record of read.loose) checkVersion(record.v, op);
    const { folded: _folded, ...header } = read.header as SessionHeader & { folded?: number };
    return { header, records: mergeRecords(read.pages, read.loose, _folded ?? 0) };
  }

  commit(id: string, change: SessionChange): Promise<CommitResult> {
    return this.tx<CommitResult>("readwrite", `commit "${id}"`, (s, done, fail) => {
      const cut = change.truncateFrom;
      // Phase 1: the header, how many loose records the truncation removes, which put targets exist.
      const header = s.get(headerKey(id));
      const truncated = cut === undefined ? undefined : s.count(recordRange(id, cut));
      const puts = (change.put ?? []).map((p) => ({ ...p, exists: s.count(recordKey(id, p.seq)) }));
      const phase1 = puts.at(-1)?.exists ?? truncated ?? header;
      // Requests of one transaction run in order: when the last one succeeds, all earlier ones have.
      phase1.onsuccess = () =>
        guard(fail, () => {
          const existing = header.result as (SessionHeader & { folded?: number }) | undefined;
          const folded = existing?.folded ?? 0;
          // Phase 2 (rare): the pages, when the truncation or a put reaches into them; the loose runs to fold.
          const needPages = (cut !== undefined && cut < folded) || puts.some((p) => p.seq < folded);
          const pages = needPages ? s.getAll(pageRange(id, 0)) : undefined;
          // Fold against the head after this commit: a big append (an import) goes straight into pages.
          const before = existing?.nextSeq ?? 0;
          const folds =
            cut === undefined
              ? foldRanges(folded, before + (change.append?.length ?? 0)).map((r) => ({
                  ...r,
                  req: r.from < before ? s.getAll(recordRange(id, r.from, r.to)) : undefined,
                }))
              : [];
          const write = () =>
            guard(fail, () => {
              const now = Date.now();
              let removed = truncated?.result ?? 0;
              let created = 0;
              let nextFolded = cut === undefined ? folded : Math.min(folded, cut);
              const pageList = (pages?.result ?? []) as SessionPage[];
              const changedPages = new Set<SessionPage>();
              if (cut !== undefined) {
                for (const page of pageList) {
                  const kept = page.records.filter((r) => r.seq < cut);
                  removed += page.records.length - kept.length;
                  if (kept.length !== page.records.length) {
                    page.records = kept;
                    changedPages.add(page);
                  }
                }
              }
              const loosePuts: typeof puts = [];
              for (const p of puts) {
                const page = pageList.find((pg) => pg.records.some((r) => r.seq === p.seq));
                if (page && (cut === undefined || p.seq < cut)) {
                  page.records = page.records.map((r) => (r.seq === p.seq ? toRecord(p.seq, p.body) : r));
                  changedPages.add(page);
                } else {
                  loosePuts.push(p);
                  if ((cut !== undefined && p.seq >= cut) || p.seq < folded || p.exists.result === 0)
                    created++;
                }
              }
              const result = planCommit(id, existing, change, { removed, created }, now);
              if (cut !== undefined) s.delete(recordRange(id, cut));
              for (const page of changedPages) {
                if (page.records.length > 0) s.put(page, pageKey(id, page.from));
                else s.delete(pageKey(id, page.from));
              }
              for (const p of loosePuts) s.put(toRecord(p.seq, p.body), recordKey(id, p.seq));
              const appended = (change.append ?? []).map((body, i) => toRecord(result.seqs[i]!, body));
              for (const fold of folds) {
                const records = [
                  ...((fold.req?.result ?? []) as SessionRecord[]),
                  ...appended.filter((r) => r.seq >= fold.from && r.seq < fold.to),
                ];
                if (!foldable(records, now)) break;
                if (records.length > 0) {
                  s.put(
                    { v: SCHEMA_VERSION, from: fold.from, to: fold.to, records } satisfies SessionPage,
                    pageKey(id, fold.from),
                  );
                  if (fold.req) s.delete(recordRange(id, fold.from, fold.to));
                }
                nextFolded = fold.to;
              }
              for (const record of appended) {
                if (record.seq >= nextFolded) s.put(record, recordKey(id, record.seq));
              }
              // `folded` is this store's own bookkeeping: stored in the header, never returned.
              const { folded: _old, ...clean } = result.header as SessionHeader & { folded?: number };
              s.put({ ...clean, folded: nextFolded }, headerKey(id));
              done({ header: clean, seqs: result.seqs });
            });
          const phase2 = folds.findLast((f) => f.req)?.req ?? pages;
          if (phase2) phase2.onsuccess = write;
          else write();
        });
    });
  }

  replace(id: string, change: SessionChange): Promise<CommitResult> {
    return this.tx<CommitResult>("readwrite", `replace "${id}"`, (s, done, fail) => {
      // One transaction: read the old header, delete every record, page and v0 value of the session, write
      // the new ones. If anything fails the transaction aborts and the old session is untouched.
      const header = s.get(headerKey(id));
      header.onsuccess = () =>
        guard(fail, () => {
          const now = Date.now();
          const { folded: _folded, ...existing } = (header.result ?? {}) as SessionHeader & {
            folded?: number;
          };
          const result = planReplace(id, header.result ? existing : undefined, change, now);
          s.delete(recordRange(id, 0));
          s.delete(pageRange(id, 0));
          s.delete(v0Key(id));
          // The new records start at the old head: every full page behind the new head goes straight into
          // a page record, as a commit of that many appends would (see pages.ts).
          const start = header.result ? existing.nextSeq : 0;
          const records = (change.append ?? []).map((body, i) => toRecord(result.seqs[i]!, body));
          let folded = start;
          for (const range of foldRanges(start, result.header.nextSeq)) {
            const page = records.filter((r) => r.seq >= range.from && r.seq < range.to);
            if (!foldable(page, now)) break;
            if (page.length > 0) {
              s.put(
                { v: SCHEMA_VERSION, from: range.from, to: range.to, records: page } satisfies SessionPage,
                pageKey(id, range.from),
              );
            }
            folded = range.to;
          }
          for (const record of records) if (record.seq >= folded) s.put(record, recordKey(id, record.seq));
          s.put({ ...result.header, folded }, headerKey(id));
          done(result);
        });
    });
  }

  putRecords(id: string, records: { seq: number; body: RecordBody }[]): void {
    this.use("readwrite", (s) => {
      for (const { seq, body } of records) s.put(toRecord(seq, body), recordKey(id, seq));
      // Commit now rather than when the (unloading) page returns to its event loop.
      s.transaction.commit?.();
    }).catch(() => {});
  }

  async list(): Promise<SessionHeader[]> {
    if (!this.v0Scanned) {
      const ids = await this.tx<string[]>("readonly", "list", (s, done) => {
        const k = s.getAllKeys(IDBKeyRange.bound(V0_PREFIX, `${V0_PREFIX}\uffff`));
        k.onsuccess = () => done((k.result as string[]).map((key) => key.slice(V0_PREFIX.length)));
      });
      for (const id of ids) await this.migrate(id);
      this.v0Scanned = true;
    }
    const headers = await this.tx<SessionHeader[]>("readonly", "list", (s, done) => {
      const r = s.getAll(headerRange());
      r.onsuccess = () => done(r.result);
    });
    for (const h of headers) checkVersion(h.v, "list");
    return headers.map(({ folded: _folded, ...h }: SessionHeader & { folded?: number }) => h);
  }

  delete(id: string): Promise<void> {
    return this.tx<void>("readwrite", `delete "${id}"`, (s, done) => {
      s.delete(recordRange(id, 0));
      s.delete(pageRange(id, 0));
      s.delete(v0Key(id));
      s.delete(headerKey(id)).onsuccess = () => done();
    });
  }

  /** Moves a v0 session into the v1 layout in one transaction (a no-op if another tab already did). */
  private migrate(id: string): Promise<void> {
    return this.tx<void>("readwrite", `migrate "${id}" from v0`, (s, done, fail) => {
      const header = s.get(headerKey(id));
      const legacy = s.get(v0Key(id));
      legacy.onsuccess = () => {
        try {
          if (!header.result && legacy.result !== undefined) {
            const migrated = migrateV0(id, legacy.result);
            for (const record of migrated.records) s.put(record, recordKey(id, record.seq));
            s.put(migrated.header, headerKey(id));
          }
          s.delete(v0Key(id));
          done();
        } catch (error) {
          fail(error);
        }
      };
    });
  }

  /**
   * One transaction: `body` issues requests and calls `done` with the result; the promise resolves when
   * the transaction has committed (not before: a quota error shows up only at commit). Retries once
   * through a fresh connection when the old one was closed, which is safe because an aborted
   * transaction wrote nothing.
   */
  private async tx<T>(mode: IDBTransactionMode, operation: string, body: TxBody<T>): Promise<T> {
    if (typeof indexedDB === "undefined") throw new SessionStoreError("unavailable", operation);
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        return await this.use(mode, (s) => {
          this.watch(s.transaction.db);
          this.connected = true;
          return new Promise<T>((resolve, reject) => {
            const tx = s.transaction;
            let result: T;
            tx.oncomplete = () => resolve(result);
            tx.onabort = () => reject(failure ?? tx.error ?? closedError());
            try {
              body(
                s,
                (value) => {
                  result = value;
                },
                (error) => {
                  failure = error;
                  tx.abort();
                },
              );
            } catch (error) {
              failure = error;
              tx.abort();
            }
          });
        });
      } catch (error) {
        if (failure === undefined && attempt === 0 && isClosed(error)) {
          this.use = createStore(this.dbName, this.storeName);
          continue;
        }
        if (!this.connected && failure === undefined) {
          throw new SessionStoreError("unavailable", operation, { cause: error });
        }
        throw toStoreError(error, operation);
      }
    }
  }

  /** Closes our connection when another tab needs a version change (upgrade or deleteDatabase). */
  private watch(db: IDBDatabase): void {
    if (this.watched.has(db)) return;
    this.watched.add(db);
    db.addEventListener("versionchange", () => {
      db.close();
      this.use = createStore(this.dbName, this.storeName);
    });
  }
}

/** Runs `fn` inside a request callback; a throw aborts the transaction with that error. */
function guard(fail: (error: unknown) => void, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    fail(error);
  }
}

function closedError(): Error {
  const error = new Error("the IndexedDB transaction was aborted (connection closed)");
  error.name = "InvalidStateError";
  return error;
}

function isClosed(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return error == null || name === "InvalidStateError" || name === "AbortError";
}

/** Creates the IndexedDB {@link SessionStore} (database `oaikit-sessions` unless `dbName` says otherwise). */
export function createIndexedDbStore(options?: IndexedDbStoreOptions): SessionStore {
  return new IndexedDbSessionStore(options);
}
