import type { RecordBody, SessionHeader, SessionKind, SessionRecord, StoredSession } from "../schema.js";
import { MAX_SESSION_ID_LENGTH } from "../session-id.js";

/**
 * The oaikit session sync protocol, version 1: the wire types shared by the server handler
 * (`createSyncHandler`, and the Cloudflare and Deno handlers built on it) and the browser client
 * (`createRemoteStore`, `createSyncedStore`). docs/sync.md is the prose version of this file.
 */
export const SYNC_PROTOCOL = 1;

/** How many of the last records the client describes in `base.tail` (see {@link PushBase}). */
export const TAIL_SIZE = 16;

/** One record the client had at its base revision: its seq, its {@link recordHash}, whether it was `partial`. */
export interface TailEntry {
  seq: number;
  hash: string;
  partial?: boolean;
}

/** The remote state a push is based on: the header fields the client last saw, and its last records. */
export interface PushBase {
  revision: number;
  nextSeq: number;
  createdAt: number;
  /** Number of records at that revision. */
  count: number;
  /** The last (up to {@link TAIL_SIZE}) records at that revision, in seq order. */
  tail: TailEntry[];
  title: string;
  currentResponseId?: string;
}

/**
 * A push: changes to one session, in the store's seqs, based on what the client last saw.
 * Applied in the order of a `SessionChange`: truncate, put, append, set.
 */
export interface PushRequest {
  /**
   * The push's own id (any short string, random: the browser client sends 20 characters), the same when the
   * client resends the push after a lost answer. The server remembers the ids of the pushes it applied (the
   * last 128 per session, and those of a deleted session), and answers a resent one `duplicate` without
   * writing anything, even if what it carried was removed since.
   */
  id?: string;
  /** What the client last saw of the session; `null`: the client believes the session is new. */
  base: PushBase | null;
  /** Apply unconditionally, like a local store's commit (`createRemoteStore().commit`); no merge, no conflict. */
  force?: boolean;
  create?: { kind: SessionKind; title?: string; createdAt?: number };
  /** Delete every record with seq >= this. */
  truncateFrom?: number;
  /** Overwrite records; `prev` is the hash of the version the client last saw (see {@link recordHash}). */
  put?: { seq: number; body: RecordBody; prev?: string }[];
  /** New records, in order. */
  append?: RecordBody[];
  set?: { title?: string; currentResponseId?: string | null; updatedAt?: number };
}

/** How a push was taken. */
export type PushOutcome =
  /** Applied as sent: the store was at `base.revision`. The new header is `base.revision + 1`. */
  | "applied"
  /** The store had moved on; the push was mergeable and was merged (see docs/sync.md). */
  | "merged"
  /**
   * The push had already been applied (a retry after a lost answer): nothing was written. With `session:
   * null` (and `header: null`), the session it was applied to was deleted since.
   */
  | "duplicate";

/** The answer to a push (HTTP 200). */
export interface PushResponse {
  result: PushOutcome;
  /** The session's header after the push; `null` only for a `duplicate` whose session was deleted since. */
  header: SessionHeader | null;
  /** The store's seq of each appended record, in request order (-1: a `duplicate` whose record was removed since). */
  seqs: number[];
  /** Records that a merge moved to new seqs: `[oldSeq, newSeq]` pairs. */
  moved?: [number, number][];
  /**
   * For `merged` and `duplicate`: the whole session after the push, so the client can mirror it (`null`: a
   * `duplicate` whose session was deleted since).
   */
  session?: StoredSession | null;
}

/** The answer to a push that conflicts (HTTP 409): the store's session, which the push did not change. */
export interface ConflictResponse {
  result: "conflict";
  /** `null` when the session no longer exists (deleted by another device). */
  session: StoredSession | null;
  reason: string;
}

/** `GET /sessions`. */
export interface ListResponse {
  protocol: number;
  /**
   * The identity of the user's store: it changes only when the store is a different one (another server
   * at the same URL, or one that lost its data). A session a client synced with another store is not
   * deleted when this one lacks it: it is pushed again.
   */
  store: string;
  sessions: SessionHeader[];
}

/** `GET /sessions/:id`. */
export interface SessionResponse {
  session: StoredSession;
}

/** `DELETE /sessions/:id`: deleted, or the session had changed since `revision` (409, the session is kept). */
export type DeleteResponse = { result: "deleted" } | ConflictResponse;

/** A change notice on `GET /events` (`event: change`): session `id` is now at `revision` (0: deleted). */
export interface ChangeNotice {
  id: string;
  revision: number;
}

/** Error bodies: `{ error: { code, message } }`. */
export interface ErrorResponse {
  error: { code: "unauthorized" | "not_found" | "bad_request" | "too_large" | "failed"; message: string };
}

/**
 * A record's identity for sync: a 53-bit hash (hex) of its canonical JSON (sorted keys) over
 * `status`, `reason`, `at` and `item`. Two devices that stored the same record compute the same hash;
 * `at` (the write time in ms) makes two equal texts written at different times different records.
 */
export function recordHash(body: RecordBody | SessionRecord): string {
  const text = canonicalJson({
    status: body.status,
    reason: body.reason ?? null,
    at: body.at,
    item: body.item,
  });
  return `${cyrb53(text).toString(16)}:${text.length.toString(16)}`;
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order: the text of
 * `JSON.stringify` on a copy with sorted keys (undefined members and functions left out, `null` for them in
 * arrays). Written without recursion: a stored record nested thousands of levels deep (accepted before the
 * depth rule) is hashed like any other instead of overflowing the stack on every later push.
 */
export function canonicalJson(value: unknown): string {
  // The usual record nests a few levels: the recursive copy is several times faster. Past
  // FAST_DEPTH levels it stops, and the iterative writer below does the whole value instead.
  const copy = sortedCopy(value, 0);
  if (copy !== tooDeep) return JSON.stringify(copy);
  return canonicalJsonIterative(value);
}

const FAST_DEPTH = 256;
const tooDeep = Symbol("too deep");

/** A copy of `value` with object keys inserted in sorted order, or {@link tooDeep}. */
function sortedCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > FAST_DEPTH) return tooDeep;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i], depth + 1);
      if (item === tooDeep) return tooDeep;
      out[i] = item;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    const copy = sortedCopy(member, depth + 1);
    if (copy === tooDeep) return tooDeep;
    out[key] = copy; // as JSON.stringify of this copy writes it: integer-like keys first, "__proto__" never
  }
  return out;
}

/** {@link canonicalJson} without recursion, for values nested deeper than {@link FAST_DEPTH}. */
function canonicalJsonIterative(value: unknown): string {
  const out: string[] = [];
  // A stack of work: a value to write, or a literal piece of text (separators, closing brackets).
  const stack: ({ value: unknown; inArray: boolean } | string)[] = [{ value, inArray: false }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next === "string") {
      out.push(next);
      continue;
    }
    const v = next.value;
    if (v === null || typeof v !== "object") {
      const text = typeof v === "function" || typeof v === "symbol" ? undefined : JSON.stringify(v);
      out.push(text ?? (next.inArray ? "null" : ""));
      continue;
    }
    const pieces: ({ value: unknown; inArray: boolean } | string)[] = [];
    if (Array.isArray(v)) {
      pieces.push("[");
      for (let i = 0; i < v.length; i++) {
        if (i > 0) pieces.push(",");
        pieces.push({ value: v[i], inArray: true }); // a hole, like undefined: null
      }
      pieces.push("]");
    } else {
      pieces.push("{");
      let first = true;
      for (const key of sortedKeys(v)) {
        const member = (v as Record<string, unknown>)[key];
        if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
        if (key === "__proto__") continue; // the copy assigned it as its prototype: never written
        pieces.push(`${first ? "" : ","}${JSON.stringify(key)}:`, { value: member, inArray: false });
        first = false;
      }
      pieces.push("}");
    }
    for (let i = pieces.length - 1; i >= 0; i--) stack.push(pieces[i]!);
  }
  return out.join("");
}

/**
 * The keys in the order `JSON.stringify` writes an object built by inserting them sorted: integer-like keys
 * (array indexes) first, in numeric order, as JavaScript enumerates them; then the others, sorted.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value).sort();
  const indexes = keys.filter(isIndex);
  if (indexes.length === 0) return keys;
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((key) => !isIndex(key))];
}

function isIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4_294_967_295;
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash, the same in every JavaScript runtime. */
function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The body of a stored record (what a push carries). */
export function bodyOf(record: SessionRecord): RecordBody {
  const body: RecordBody = { status: record.status, at: record.at, item: record.item };
  if (record.reason) body.reason = record.reason;
  return body;
}

/** The base a client sends for a session it mirrors: header fields and the last {@link TAIL_SIZE} records. */
export function baseOf(session: StoredSession): PushBase {
  const { header, records } = session;
  const base: PushBase = {
    revision: header.revision,
    nextSeq: header.nextSeq,
    createdAt: header.createdAt,
    count: records.length,
    tail: records.slice(-TAIL_SIZE).map(tailEntry),
    title: header.title,
  };
  if (header.currentResponseId !== undefined) base.currentResponseId = header.currentResponseId;
  return base;
}

/** A record as a {@link TailEntry}. */
export function tailEntry(record: SessionRecord): TailEntry {
  const entry: TailEntry = { seq: record.seq, hash: recordHash(record) };
  if (record.status === "partial") entry.partial = true;
  return entry;
}

/** The longest session id (the whole rule: `sessionIdProblem` in `session-id.ts`, shared with the local stores). */
export const MAX_ID_LENGTH = MAX_SESSION_ID_LENGTH;

/** Largest push body the handler reads (bytes). */
export const MAX_PUSH_BYTES = 32 * 1024 * 1024;
