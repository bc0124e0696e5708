/**
 * The sync server: the protocol's HTTP handler (docs/sync.md, "Endpoints") over any `SessionStore`, one
 * store per authorised user. For every request: CORS, authorisation (a refused request gets the same 401
 * whatever was wrong), the session id rule, then the route. A push is read within `MAX_PUSH_BYTES`, checked
 * (check-push.ts), matched against the pushes the session remembers (receipts.ts: a resend is
 * `duplicate`), decided by the conflict rule (merge.ts), and committed at the revision it was decided on:
 * through the store's own compare-and-set where it has one (`RevisionCheckedStore`: Deno KV, Durable
 * Objects), else in a per-session queue of this process; a commit that lost a race is decided again. Every
 * commit and delete is announced to the user's other devices (events.ts). A store failure is a 500 that
 * names its code, never the request's content.
 */
import { SessionStoreError } from "../errors.js";
import type { CommitResult, SessionChange, StoredSession } from "../schema.js";
import { sessionIdProblem } from "../session-id.js";
import type { RevisionCheckedStore, SessionStore } from "../store.js";
import {
  type ChangeNotice,
  type ConflictResponse,
  type ErrorResponse,
  type ListResponse,
  MAX_PUSH_BYTES,
  type PushRequest,
  type PushResponse,
  SYNC_PROTOCOL,
} from "../sync-protocol/protocol.js";
import { checkPush, checkPushItems } from "./check-push.js";
import { type ChangeFeed, createChangeHub, EventStreams } from "./events.js";
import { decidePush } from "./merge.js";
import {
  appliedBefore,
  createdAfter,
  isInternalId,
  keepTombstone,
  outwardHeader,
  outwardSession,
  seqsNow,
  tombstoneFor,
} from "./receipts.js";

export { type ChangeFeed, checkPush, createChangeHub, type RevisionCheckedStore };

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
  /** Open `GET /events` streams per user (default 32): one more closes the user's oldest. */
  maxStreamsPerUser?: number;
  /** Change notices queued for an event stream that is not read (default 256): one more closes it. */
  maxQueuedEvents?: number;
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

  const streams = new EventStreams(feed, {
    heartbeatMs: options.heartbeatMs ?? 15_000,
    maxStreamsPerUser: options.maxStreamsPerUser ?? 32,
    maxQueuedEvents: options.maxQueuedEvents ?? 256,
  });
  /**
   * After a commit or delete: tells the user's other devices. Its failure (a busy KV file) must not turn a
   * saved change into an error answer, so it is caught here; a feed retries on its own (createKvChangeFeed).
   */
  const announce = async (user: string, notice: ChangeNotice) => {
    try {
      await feed.publish(user, notice);
    } catch {
      // The change is saved; devices that missed the notice pull it on their next sync.
    }
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
    if (!user || typeof user !== "string") return unauthorizedResponse(options.allowOrigin);
    const store = options.store(user);
    const route = /^\/sessions(?:\/([^/]+)(\/push)?)?\/?$/.exec(path);
    try {
      if (path === "/events" && request.method === "GET") return events(user);
      if (!route) return error(404, "not_found", `No route ${request.method} ${path}.`);
      const [, rawId, push] = route;
      if (rawId === undefined) {
        if (request.method !== "GET") return error(405, "bad_request", "Use GET /sessions.");
        const [sessions, id] = await Promise.all([store.list(), storeId(user, store)]);
        const list: ListResponse = {
          protocol: SYNC_PROTOCOL,
          store: id,
          sessions: sessions.filter((h) => !isInternalId(h.id)).map(outwardHeader),
        };
        return json(200, list);
      }
      const id = sessionIdOf(rawId);
      if (typeof id !== "string") return error(400, "bad_request", id.problem);
      const key = `${user}\u0000${id}`;
      if (push) {
        if (request.method !== "POST") return error(405, "bad_request", "Use POST /sessions/:id/push.");
        const body = await readJson(request, MAX_PUSH_BYTES);
        if (body === tooLarge) return error(413, "too_large", `A push is at most ${MAX_PUSH_BYTES} bytes.`);
        const problem = checkPush(body);
        if (problem) return error(400, "bad_request", problem);
        return await serial(key, () => applyPush(user, store, id, body as PushRequest));
      }
      if (request.method === "GET") {
        const session = await store.load(id);
        return session
          ? json(200, { session: outwardSession(session) })
          : error(404, "not_found", "No such session.");
      }
      if (request.method === "DELETE") {
        const at = deleteCondition(url.searchParams);
        if (typeof at === "string") return error(400, "bad_request", at);
        return await serial(key, () => applyDelete(user, store, id, at));
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
    // A large push is long synchronous work (checks, loads and copies, hashes): between its steps it lets
    // the event loop serve other requests, so that one user's 100k-record push does not stall everyone.
    const large = (push.append?.length ?? 0) + (push.put?.length ?? 0) > LARGE_PUSH;
    const breathe = () => (large ? new Promise((resolve) => setTimeout(resolve, 0)) : undefined);
    for (let attempt = 0; attempt < 8; attempt++) {
      await breathe();
      const current = await store.load(id);
      await breathe();
      // The records, by the rule every store keeps (once: the kind of a session never changes).
      const kind = current?.header.kind ?? push.create?.kind;
      const bad = attempt === 0 && kind ? checkPushItems(push, kind) : undefined;
      if (bad) return error(400, "bad_request", bad);
      const tombstone = await tombstoneFor(store, id, current, push);
      if (push.id !== undefined) {
        const applied = appliedBefore(current, tombstone, push as PushRequest & { id: string });
        if (applied) {
          const session = applied.session;
          const body: PushResponse = {
            result: "duplicate",
            header: session ? outwardHeader(session.header) : null,
            seqs: seqsNow(session, push.append),
            session: session ? outwardSession(session) : null,
          };
          return json(200, body);
        }
      }
      await breathe();
      const decision = decidePush(current, push);
      if (decision.kind === "conflict") {
        return json(409, {
          result: "conflict",
          session: current ? outwardSession(current) : null,
          reason: decision.reason,
        } satisfies ConflictResponse);
      }
      if (decision.kind === "duplicate") {
        const body: PushResponse = {
          result: "duplicate",
          header: outwardHeader(current!.header),
          seqs: decision.seqs,
          session: outwardSession(current!),
        };
        return json(200, body);
      }
      const change = push.id === undefined ? decision.change : { ...decision.change, pushes: [push.id] };
      if (!current && change.create) {
        change.create = { ...change.create, createdAt: createdAfter(tombstone, change.create.createdAt) };
      }
      await breathe();
      const committed = await commitAt(store, id, decision.revision, change);
      if (!committed) continue; // another process committed in between: decide again
      await breathe();
      const seqs = decision.appends.map((a) => ("seq" in a ? a.seq : committed.seqs[a.index]!));
      const body: PushResponse = { result: decision.outcome, header: outwardHeader(committed.header), seqs };
      if (decision.moved.length) body.moved = decision.moved.map((m) => [m.seq, committed.seqs[m.index]!]);
      if (decision.outcome !== "applied") {
        const session = await store.load(id);
        if (session) {
          body.session = outwardSession(session);
          body.header = body.session.header;
        }
      }
      await announce(user, { id, revision: committed.header.revision });
      return json(200, body);
    }
    return error(503, "failed", "The session kept changing; try again.", { "retry-after": "1" });
  }

  async function applyDelete(
    user: string,
    store: SessionStore,
    id: string,
    at: { revision: number; createdAt?: number } | undefined,
  ): Promise<Response> {
    const current = await store.load(id);
    if (!current) return json(200, { result: "deleted" });
    if (
      at &&
      (at.revision !== current.header.revision ||
        (at.createdAt !== undefined && at.createdAt !== current.header.createdAt))
    ) {
      // Changes the deleting device has not seen: the session stays (no message is lost to a delete).
      return json(409, {
        result: "conflict",
        session: outwardSession(current),
        reason: "the session changed since that revision",
      } satisfies ConflictResponse);
    }
    await keepTombstone(store, current);
    await store.delete(id);
    await announce(user, { id, revision: 0 });
    return json(200, { result: "deleted" });
  }

  function events(user: string): Response {
    return new Response(streams.stream(user), {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-store", ...cors },
    });
  }
}

/** The session id of a path segment, or what is wrong with it (bad %-encoding, the session-id rule). */
function sessionIdOf(segment: string): string | { problem: string } {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return { problem: "The session id is not valid %-encoding (encode it with encodeURIComponent)." };
  }
  const problem = sessionIdProblem(id);
  return problem ? { problem: `The session id ${problem}.` } : id;
}

/** A delete's `?revision=R&createdAt=T` (both optional), or what is wrong with them. */
function deleteCondition(
  query: URLSearchParams,
): { revision: number; createdAt?: number } | undefined | string {
  const revision = query.get("revision");
  const createdAt = query.get("createdAt");
  if (revision === null) return undefined;
  if (!/^\d{1,15}$/.test(revision)) return "revision must be a revision number.";
  if (createdAt === null) return { revision: Number(revision) };
  const time = Number(createdAt);
  if (createdAt.trim() === "" || !Number.isFinite(time)) return "createdAt must be a number.";
  return { revision: Number(revision), createdAt: time };
}

/** Records in one push from which the handler yields to the event loop between its steps. */
const LARGE_PUSH = 1_000;

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

export type { StoredSession };
