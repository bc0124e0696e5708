import { SessionStoreError } from "../errors.js";
import type { CommitResult, RecordBody, SessionChange, StoredSession } from "../schema.js";
import type { SessionStore } from "../store.js";
import { decidePush } from "./merge.js";
import {
  type ChangeNotice,
  type ConflictResponse,
  type ErrorResponse,
  type ListResponse,
  MAX_ID_LENGTH,
  MAX_PUSH_BYTES,
  type PushBase,
  type PushRequest,
  type PushResponse,
  SYNC_PROTOCOL,
} from "./protocol.js";

/**
 * A store that can commit only if a session is still at a given revision: the compare-and-set the handler
 * needs when several processes serve the same user (Deno Deploy isolates). The Deno KV and Durable Object
 * stores have it; for any other store the handler serialises pushes per session inside its own process.
 */
export interface RevisionCheckedStore extends SessionStore {
  /** Commits `change` if session `id` is at `revision` (0: does not exist); resolves undefined otherwise. */
  commitAt(id: string, revision: number, change: SessionChange): Promise<CommitResult | undefined>;
  /** A random id, created with the stored data and kept with it (see `ListResponse.store`). */
  storeId?(): Promise<string>;
}

/** Where change notices go between requests of the same user (the `GET /events` streams). */
export interface ChangeFeed {
  publish(user: string, notice: ChangeNotice): void | Promise<void>;
  /** Calls `listener` for every notice of `user` published after this call; returns an unsubscribe function. */
  subscribe(user: string, listener: (notice: ChangeNotice) => void): () => void;
}

/** Options of {@link createSyncHandler}. */
export interface SyncHandlerOptions {
  /**
   * Maps a request to the id of the user it acts for, or undefined/null to refuse it (401). Every session
   * read or written by the request is in that user's store, and nowhere else.
   */
  authorize(request: Request): string | null | undefined | Promise<string | null | undefined>;
  /** The store of one user's sessions. */
  store(user: string): SessionStore;
  /** Change notices between requests (default: {@link createChangeHub}, one process). */
  feed?: ChangeFeed;
  /** Path prefix the protocol's paths follow, e.g. `/sync` (default: none). */
  basePath?: string;
  /** `Access-Control-Allow-Origin` (default `*`: credentials travel in the Authorization header, not cookies). */
  allowOrigin?: string;
  /** Keep-alive comment interval on `GET /events`, ms (default 15000). */
  heartbeatMs?: number;
}

/** A change feed inside one process (one Durable Object, one Node server). */
export function createChangeHub(): ChangeFeed {
  const listeners = new Map<string, Set<(notice: ChangeNotice) => void>>();
  return {
    publish(user, notice) {
      for (const listener of [...(listeners.get(user) ?? [])]) {
        try {
          listener(notice);
        } catch {
          // A broken stream must not stop the others.
        }
      }
    },
    subscribe(user, listener) {
      const set = listeners.get(user) ?? new Set();
      listeners.set(user, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(user);
      };
    },
  };
}

/**
 * An authorizer for the example and the tests: `Authorization: Bearer <token>` mapped through a fixed
 * table of tokens to user ids. Every token is compared in full, so timing says nothing about a near miss.
 */
export function bearerAuthorizer(tokens: Record<string, string>): (request: Request) => string | undefined {
  const table = Object.entries(tokens);
  return (request) => {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    let user: string | undefined;
    for (const [known, id] of table) if (sameText(known, token)) user = id;
    return user;
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(request: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "");
  return match?.[1];
}

function sameText(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/**
 * The sync protocol's server (docs/sync.md), as a fetch handler `(request) => Promise<Response>` over any
 * {@link SessionStore}: the Cloudflare and Deno handlers and the demo server all use it.
 */
export function createSyncHandler(options: SyncHandlerOptions): (request: Request) => Promise<Response> {
  const feed = options.feed ?? createChangeHub();
  const basePath = (options.basePath ?? "").replace(/\/+$/, "");
  const cors = corsHeaders(options.allowOrigin);
  const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", "cache-control": "no-store", ...cors, ...extra },
    });
  const error = (
    status: number,
    code: ErrorResponse["error"]["code"],
    message: string,
    extra?: Record<string, string>,
  ) => json(status, { error: { code, message } } satisfies ErrorResponse, extra);
  const locks = new Map<string, Promise<unknown>>();
  /** Stores without an id of their own (memory, IndexedDB) get one per user for this handler's life. */
  const fallbackIds = new Map<string, string>();
  const storeId = async (user: string, store: SessionStore): Promise<string> => {
    const own = (store as Partial<RevisionCheckedStore>).storeId;
    if (typeof own === "function") return own.call(store);
    const id = fallbackIds.get(user) ?? randomId();
    fallbackIds.set(user, id);
    return id;
  };
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    locks.set(key, tail);
    tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return run;
  };

  return async (request) => {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(basePath)) return error(404, "not_found", "Not a sync path.");
    const path = url.pathname.slice(basePath.length) || "/";
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors });
    let user: string | null | undefined;
    try {
      user = await options.authorize(request);
    } catch {
      user = undefined;
    }
    if (!user) return unauthorizedResponse(options.allowOrigin);
    const store = options.store(user);
    const route = /^\/sessions(?:\/([^/]+)(\/push)?)?\/?$/.exec(path);
    try {
      if (path === "/events" && request.method === "GET") return events(user);
      if (!route) return error(404, "not_found", `No route ${request.method} ${path}.`);
      const [, rawId, push] = route;
      if (rawId === undefined) {
        if (request.method !== "GET") return error(405, "bad_request", "Use GET /sessions.");
        const [sessions, id] = await Promise.all([store.list(), storeId(user, store)]);
        const list: ListResponse = { protocol: SYNC_PROTOCOL, store: id, sessions };
        return json(200, list);
      }
      const id = decodeURIComponent(rawId);
      if (id === "" || id.length > MAX_ID_LENGTH) return error(400, "bad_request", "Bad session id.");
      const key = `${user}\u0000${id}`;
      if (push) {
        if (request.method !== "POST") return error(405, "bad_request", "Use POST /sessions/:id/push.");
        const body = await readJson(request, MAX_PUSH_BYTES);
        if (body === tooLarge) return error(413, "too_large", `A push is at most ${MAX_PUSH_BYTES} bytes.`);
        const problem = checkPush(body);
        if (problem) return error(400, "bad_request", problem);
        return await serial(key, () => applyPush(user!, store, id, body as PushRequest));
      }
      if (request.method === "GET") {
        const session = await store.load(id);
        return session ? json(200, { session }) : error(404, "not_found", "No such session.");
      }
      if (request.method === "DELETE") {
        return await serial(key, () => applyDelete(user!, store, id, url.searchParams));
      }
      return error(405, "bad_request", `${request.method} is not allowed here.`);
    } catch (failure) {
      const code = failure instanceof SessionStoreError ? failure.code : "failed";
      return error(500, "failed", `The session store failed (${code}).`);
    }
  };

  async function applyPush(
    user: string,
    store: SessionStore,
    id: string,
    push: PushRequest,
  ): Promise<Response> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = await store.load(id);
      const decision = decidePush(current, push);
      if (decision.kind === "conflict") {
        return json(409, {
          result: "conflict",
          session: current ?? null,
          reason: decision.reason,
        } satisfies ConflictResponse);
      }
      if (decision.kind === "duplicate") {
        const body: PushResponse = {
          result: "duplicate",
          header: current!.header,
          seqs: decision.seqs,
          session: current!,
        };
        return json(200, body);
      }
      const committed = await commitAt(store, id, decision.revision, decision.change);
      if (!committed) continue; // another process committed in between: decide again
      const seqs = decision.appends.map((a) => ("seq" in a ? a.seq : committed.seqs[a.index]!));
      const body: PushResponse = { result: decision.outcome, header: committed.header, seqs };
      if (decision.moved.length) body.moved = decision.moved.map((m) => [m.seq, committed.seqs[m.index]!]);
      if (decision.outcome !== "applied") {
        const session = await store.load(id);
        if (session) {
          body.session = session;
          body.header = session.header;
        }
      }
      await feed.publish(user, { id, revision: committed.header.revision });
      return json(200, body);
    }
    return error(503, "failed", "The session kept changing; try again.", { "retry-after": "1" });
  }

  async function applyDelete(
    user: string,
    store: SessionStore,
    id: string,
    query: URLSearchParams,
  ): Promise<Response> {
    const current = await store.load(id);
    if (!current) return json(200, { result: "deleted" });
    const revision = query.get("revision");
    const createdAt = query.get("createdAt");
    if (
      revision !== null &&
      (Number(revision) !== current.header.revision ||
        (createdAt !== null && Number(createdAt) !== current.header.createdAt))
    ) {
      // Changes the deleting device has not seen: the session stays (no message is lost to a delete).
      return json(409, {
        result: "conflict",
        session: current,
        reason: "the session changed since that revision",
      } satisfies ConflictResponse);
    }
    await store.delete(id);
    await feed.publish(user, { id, revision: 0 });
    return json(200, { result: "deleted" });
  }

  function events(user: string): Response {
    const encoder = new TextEncoder();
    let cleanup = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (text: string) => {
          try {
            controller.enqueue(encoder.encode(text));
          } catch {
            cleanup();
          }
        };
        send(`retry: 2000\nevent: ready\ndata: {"protocol":${SYNC_PROTOCOL}}\n\n`);
        const unsubscribe = feed.subscribe(user, (notice) =>
          send(`event: change\ndata: ${JSON.stringify(notice)}\n\n`),
        );
        // A client that goes away cancels the stream (or makes the next write fail): both clean up.
        const timer = setInterval(() => send(": keep-alive\n\n"), options.heartbeatMs ?? 15_000);
        cleanup = () => {
          unsubscribe();
          clearInterval(timer);
        };
      },
      cancel() {
        cleanup();
      },
    });
    return new Response(stream, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", ...cors },
    });
  }
}

function randomId(): string {
  return (
    globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  );
}

/** The CORS headers of every answer (credentials travel in the Authorization header, never in cookies). */
export function corsHeaders(allowOrigin = "*"): Record<string, string> {
  return {
    "access-control-allow-origin": allowOrigin,
    "access-control-allow-headers": "authorization, content-type",
    "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
    "access-control-max-age": "600",
    vary: "origin",
  };
}

/** The one answer to a request without valid credentials: the same whatever was wrong. */
export function unauthorizedResponse(allowOrigin?: string): Response {
  const body: ErrorResponse = { error: { code: "unauthorized", message: "Missing or invalid credentials." } };
  return new Response(JSON.stringify(body), {
    status: 401,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      "www-authenticate": "Bearer",
      ...corsHeaders(allowOrigin),
    },
  });
}

/** Commits at a revision: through the store's own compare-and-set, or (inside the per-session queue) directly. */
async function commitAt(
  store: SessionStore,
  id: string,
  revision: number,
  change: SessionChange,
): Promise<CommitResult | undefined> {
  const checked = store as Partial<RevisionCheckedStore>;
  if (typeof checked.commitAt === "function") return checked.commitAt(id, revision, change);
  return store.commit(id, change);
}

const tooLarge = Symbol("too large");

async function readJson(request: Request, limit: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limit) return tooLarge;
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge;
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

const STATUSES = new Set(["complete", "partial", "incomplete"]);
const REASONS = new Set(["error", "aborted", "truncated"]);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isSeq = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;

/** Checks a push body's shape; returns what is wrong, or undefined. */
export function checkPush(value: unknown): string | undefined {
  if (!isObject(value)) return "The body must be a JSON object (a push).";
  const p = value as Partial<PushRequest> & Record<string, unknown>;
  if (p.base !== null && !isBase(p.base))
    return "base must be null or { revision, nextSeq, createdAt, count, tail, title }.";
  if (p.force !== undefined && typeof p.force !== "boolean") return "force must be a boolean.";
  if (p.create !== undefined) {
    if (!isObject(p.create) || (p.create.kind !== "chat" && p.create.kind !== "responses")) {
      return 'create.kind must be "chat" or "responses".';
    }
    if (p.create.title !== undefined && typeof p.create.title !== "string")
      return "create.title must be a string.";
    if (p.create.createdAt !== undefined && !Number.isFinite(p.create.createdAt))
      return "create.createdAt must be a number.";
  }
  if (p.truncateFrom !== undefined && !isSeq(p.truncateFrom)) return "truncateFrom must be a seq.";
  if (p.put !== undefined) {
    if (!Array.isArray(p.put)) return "put must be an array.";
    for (const put of p.put) {
      if (!isObject(put) || !isSeq(put.seq)) return "every put needs a seq.";
      const bad = checkBody(put.body);
      if (bad) return `put ${String(put.seq)}: ${bad}`;
      if (put.prev !== undefined && typeof put.prev !== "string") return "put.prev must be a string.";
    }
  }
  if (p.append !== undefined) {
    if (!Array.isArray(p.append)) return "append must be an array.";
    for (const [i, body] of p.append.entries()) {
      const bad = checkBody(body);
      if (bad) return `append[${i}]: ${bad}`;
    }
  }
  if (p.set !== undefined) {
    if (!isObject(p.set)) return "set must be an object.";
    if (p.set.title !== undefined && typeof p.set.title !== "string") return "set.title must be a string.";
    const r = p.set.currentResponseId;
    if (r !== undefined && r !== null && typeof r !== "string")
      return "set.currentResponseId must be a string or null.";
    if (p.set.updatedAt !== undefined && !Number.isFinite(p.set.updatedAt))
      return "set.updatedAt must be a number.";
  }
  return undefined;
}

function isBase(b: unknown): b is PushBase {
  return (
    isObject(b) &&
    isSeq(b.revision) &&
    isSeq(b.nextSeq) &&
    Number.isFinite(b.createdAt) &&
    isSeq(b.count) &&
    typeof b.title === "string" &&
    Array.isArray(b.tail) &&
    b.tail.every((t) => isObject(t) && isSeq(t.seq) && typeof t.hash === "string")
  );
}

function checkBody(body: unknown): string | undefined {
  if (!isObject(body)) return "a record body must be an object.";
  const b = body as Partial<RecordBody>;
  if (!STATUSES.has(b.status as string)) return 'status must be "complete", "partial" or "incomplete".';
  if (b.reason !== undefined && !REASONS.has(b.reason as string))
    return 'reason must be "error", "aborted" or "truncated".';
  if (!Number.isFinite(b.at)) return "at must be a number.";
  if (!isObject(b.item)) return "item must be an object.";
  return undefined;
}

export type { StoredSession };
