/**
 * A session store on a SQLite-backed Durable Object (`ctx.storage`): the sync server's store on Cloudflare,
 * one object per user. SQLite gives what Deno KV makes the KV store build by hand: every commit is one
 * `transactionSync` (read the header, plan with `planCommit`, write), atomic and isolated, so there are no
 * reservations, leases or hidden ranges here.
 *
 * Tables (created on first use; their names and columns are the stored format, kept since the first version):
 * - `oaikit_sessions (id, header)`: one row per session, the header as JSON;
 * - `oaikit_records (id, seq, part, data)`: one row per record, its UTF-8 JSON; a record over
 *   {@link DO_PART_BYTES} (half the 2 MB row limit) is split into parts `0..n-1`, joined in order on read;
 * - `oaikit_meta (k, v)`: key-value rows of the store itself (`store`: its identity, `storeId()`).
 * An append inserts its own rows and rewrites the header row: the same cost at message 10 and 10,000.
 */
import { SessionStoreError, toStoreError } from "../errors.js";
import { checkVersion, planCommit, toRecord } from "../plan.js";
import type { CommitResult, SessionChange, SessionHeader, SessionRecord, StoredSession } from "../schema.js";
import type { RevisionCheckedStore } from "../store.js";

/**
 * The part of a SQLite-backed Durable Object's storage (`ctx.storage`) this store uses, as structural
 * types: the package needs no `@cloudflare/workers-types`.
 */
export interface SqlCursorLike<T> extends Iterable<T> {
  toArray(): T[];
  readonly rowsRead?: number;
  readonly rowsWritten?: number;
}
export interface SqlStorageLike {
  exec<T = Record<string, unknown>>(query: string, ...bindings: unknown[]): SqlCursorLike<T>;
}
export interface DurableObjectStorageLike {
  readonly sql: SqlStorageLike;
  transactionSync<T>(fn: () => T): T;
}

/**
 * Durable Object SQLite limits (developers.cloudflare.com/durable-objects/platform/limits, when this was
 * written): a string, BLOB or row is at most 2 MB; a statement at most 100 KB with at most 100 bound
 * parameters; 10 GB per object.
 */
export const DURABLE_OBJECT_LIMITS = {
  rowBytes: 2_000_000,
  statementBytes: 100_000,
  boundParameters: 100,
  objectBytes: 10_000_000_000,
} as const;

/** A record's UTF-8 JSON is stored in rows (parts) of at most this many bytes: half the row limit. */
export const DO_PART_BYTES = 1_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A {@link SessionStore} on a SQLite-backed Durable Object's storage: `createDurableObjectStore(ctx.storage)`.
 *
 * Two tables: `oaikit_sessions (id, header)` and `oaikit_records (id, seq, part, data)`, one row per record
 * (more for a record over 1 MB, split into parts under the 2 MB row limit). Every commit is one
 * `transactionSync` (read the header, plan, write the records and the header), so it is atomic and
 * isolated; an append inserts its own rows and rewrites the header row, whatever the session's length.
 */
export class DurableObjectSessionStore implements RevisionCheckedStore {
  readonly channelName = undefined;
  private readonly sql: SqlStorageLike;

  constructor(private readonly storage: DurableObjectStorageLike) {
    if (!storage?.sql || typeof storage.transactionSync !== "function") {
      throw new TypeError(
        "createDurableObjectStore(ctx.storage): a SQLite-backed Durable Object's storage is needed " +
          '(declare the class under "new_sqlite_classes" in the migrations of wrangler.jsonc).',
      );
    }
    this.sql = storage.sql;
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS oaikit_sessions (id TEXT PRIMARY KEY, header TEXT NOT NULL) WITHOUT ROWID",
    );
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS oaikit_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID",
    );
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS oaikit_records (id TEXT NOT NULL, seq INTEGER NOT NULL, part INTEGER NOT NULL, " +
        "data BLOB NOT NULL, PRIMARY KEY (id, seq, part)) WITHOUT ROWID",
    );
  }

  /** A random id created with this object's sessions and kept with them. */
  async storeId(): Promise<string> {
    return this.storage.transactionSync(() => {
      const row = this.sql.exec<{ v: string }>("SELECT v FROM oaikit_meta WHERE k = 'store'").toArray()[0];
      if (row) return row.v;
      const id = crypto.randomUUID();
      this.sql.exec("INSERT INTO oaikit_meta (k, v) VALUES ('store', ?)", id);
      return id;
    });
  }

  async load(id: string): Promise<StoredSession | undefined> {
    const operation = `load "${id}"`;
    try {
      return this.storage.transactionSync(() => {
        const header = this.header(id, operation);
        if (!header) return undefined;
        const rows = this.sql
          .exec<{ seq: number; part: number; data: ArrayBuffer }>(
            "SELECT seq, part, data FROM oaikit_records WHERE id = ? ORDER BY seq, part",
            id,
          )
          .toArray();
        const records: SessionRecord[] = [];
        for (let i = 0; i < rows.length; ) {
          const seq = rows[i]!.seq;
          const parts: ArrayBuffer[] = [];
          while (i < rows.length && rows[i]!.seq === seq) parts.push(rows[i++]!.data);
          const record = JSON.parse(decoder.decode(joinParts(parts))) as SessionRecord;
          checkVersion(record.v, operation);
          records.push(record);
        }
        return { header, records };
      });
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  async list(): Promise<SessionHeader[]> {
    try {
      return this.sql
        .exec<{ header: string }>("SELECT header FROM oaikit_sessions")
        .toArray()
        .map((row) => {
          const header = JSON.parse(row.header) as SessionHeader;
          checkVersion(header.v, "list");
          return header;
        });
    } catch (error) {
      throw toStoreError(error, "list");
    }
  }

  async commit(id: string, change: SessionChange): Promise<CommitResult> {
    return this.write(id, change, undefined) as CommitResult;
  }

  async commitAt(id: string, revision: number, change: SessionChange): Promise<CommitResult | undefined> {
    return this.write(id, change, revision);
  }

  async delete(id: string): Promise<void> {
    try {
      this.storage.transactionSync(() => {
        this.sql.exec("DELETE FROM oaikit_records WHERE id = ?", id);
        this.sql.exec("DELETE FROM oaikit_sessions WHERE id = ?", id);
      });
    } catch (error) {
      throw toStoreError(error, `delete "${id}"`);
    }
  }

  private write(id: string, change: SessionChange, expected: number | undefined): CommitResult | undefined {
    const operation = `commit "${id}"`;
    try {
      return this.storage.transactionSync(() => {
        const existing = this.header(id, operation);
        if (expected !== undefined && (existing?.revision ?? 0) !== expected) return undefined;
        let removed = 0;
        if (change.truncateFrom !== undefined && existing) {
          removed = this.countRecords(id, "seq >= ?", change.truncateFrom);
          this.sql.exec("DELETE FROM oaikit_records WHERE id = ? AND seq >= ?", id, change.truncateFrom);
        }
        let created = 0;
        for (const put of change.put ?? []) {
          if (!existing) {
            throw new SessionStoreError("failed", operation, {
              detail: `put ${put.seq}: the session does not exist`,
            });
          }
          if (this.countRecords(id, "seq = ?", put.seq) === 0) created++;
        }
        const result = planCommit(id, existing, change, { removed, created }, Date.now());
        for (const { seq, body } of change.put ?? []) {
          this.sql.exec("DELETE FROM oaikit_records WHERE id = ? AND seq = ?", id, seq);
          this.insertRecord(id, toRecord(seq, body));
        }
        for (const [i, body] of (change.append ?? []).entries())
          this.insertRecord(id, toRecord(result.seqs[i]!, body));
        this.sql.exec(
          "INSERT INTO oaikit_sessions (id, header) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET header = excluded.header",
          id,
          JSON.stringify(result.header),
        );
        return result;
      });
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }

  private header(id: string, operation: string): SessionHeader | undefined {
    const row = this.sql
      .exec<{ header: string }>("SELECT header FROM oaikit_sessions WHERE id = ?", id)
      .toArray()[0];
    if (!row) return undefined;
    const header = JSON.parse(row.header) as SessionHeader;
    checkVersion(header.v, operation);
    return header;
  }

  /** The records of session `id` whose seq matches `where` (a condition on `seq` with one parameter). */
  private countRecords(id: string, where: string, seq: number): number {
    const row = this.sql
      .exec<{ n: number }>(
        `SELECT COUNT(*) AS n FROM oaikit_records WHERE id = ? AND part = 0 AND ${where}`,
        id,
        seq,
      )
      .toArray()[0];
    return row?.n ?? 0;
  }

  /** Writes a record as rows of at most {@link DO_PART_BYTES} bytes. */
  private insertRecord(id: string, record: SessionRecord): void {
    const bytes = encoder.encode(JSON.stringify(record));
    const parts = Math.max(1, Math.ceil(bytes.byteLength / DO_PART_BYTES));
    for (let part = 0; part < parts; part++) {
      const slice = bytes.slice(part * DO_PART_BYTES, (part + 1) * DO_PART_BYTES);
      this.sql.exec(
        "INSERT INTO oaikit_records (id, seq, part, data) VALUES (?, ?, ?, ?)",
        id,
        record.seq,
        part,
        slice.buffer,
      );
    }
  }
}

/** A record's bytes from its rows' parts, in part order. */
function joinParts(parts: ArrayBuffer[]): Uint8Array {
  if (parts.length === 1) return new Uint8Array(parts[0]!);
  const size = parts.reduce((sum, p) => sum + p.byteLength, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}

/** Creates the Durable Object {@link SessionStore}: `createDurableObjectStore(ctx.storage)`. */
export function createDurableObjectStore(storage: DurableObjectStorageLike): DurableObjectSessionStore {
  return new DurableObjectSessionStore(storage);
}
