/**
 * The remote store: the browser's client of the sync protocol (docs/sync.md, "Endpoints"). One method per
 * request: `listRemote` (`GET /sessions`, with the store's identity), `load` (`GET /sessions/:id`), `push`
 * (`POST /sessions/:id/push`: the answer, or the 409 conflict as a value), `deleteAt` (a delete at a
 * revision), and `watch` (`GET /events`: change notices as server-sent events, decoded by core's SSE
 * decoder, reconnecting after a cut; `onUnsupported` when the server has no event stream). It holds no
 * state of its own: the synced store decides what to send and files the answers (push.ts, pull.ts).
 *
 * It is also a plain `SessionStore` (`load`, `list`, `commit` as a forced push, `delete`), for a page or a
 * tool that works on the server's copy directly, without a local one. The bearer token goes only to the
 * handler's origin; failures are `RemoteStoreError`s that carry the HTTP status (0: the server could not be
 * reached, which the synced store reports as `offline`).
 */
import { SseDecoder } from "@oaikit/core/stream";
import { SessionStoreError, type SessionStoreErrorCode } from "../errors.js";
import type { CommitResult, SessionChange, SessionHeader, StoredSession } from "../schema.js";
import type { SessionStore } from "../store.js";
import type {
  ChangeNotice,
  ConflictResponse,
  DeleteResponse,
  ListResponse,
  PushRequest,
  PushResponse,
  SessionResponse,
} from "../sync-protocol/protocol.js";

/** Options of {@link createRemoteStore}. */
export interface RemoteStoreOptions {
  /** The sync handler's base URL, e.g. `https://app.example/sync` (the paths `/sessions`, `/events` follow it). */
  url: string;
  /** The bearer token (or a function returning it, called per request). Sent only to `url`'s origin. */
  token?: string | (() => string | Promise<string>);
  /** The transport (default: the global `fetch`). */
  fetch?: typeof fetch;
  /** Time limit of one request in ms (default 30000). */
  timeoutMs?: number;
}

/** A failed request to the sync handler: `status` is the HTTP status (0: no answer, the network failed). */
export class RemoteStoreError extends SessionStoreError {
  override name = "RemoteStoreError";
  readonly status: number;
  constructor(
    code: SessionStoreErrorCode,
    operation: string,
    status: number,
    detail: string,
    cause?: unknown,
  ) {
    super(code, operation, { detail, cause });
    this.status = status;
  }
}

/** What {@link RemoteStore.watch} reports. */
export interface WatchHandlers {
  /** A change notice from the handler. */
  onNotice(notice: ChangeNotice): void;
  /** The stream (re)connected: anything may have changed while it was down. */
  onOpen?(): void;
  /** The handler has no event stream (or it failed for good): poll instead. */
  onUnsupported?(): void;
}

/**
 * The sync handler as a {@link SessionStore} (every call is a request), plus the protocol calls
 * `createSyncedStore` uses. As a plain store, `commit` applies its change unconditionally (`force`), like
 * a local store: use it directly only when this page is the only writer, else wrap it with
 * `createSyncedStore`, which keeps an IndexedDB copy and merges by the protocol's rule.
 */
export interface RemoteStore extends SessionStore {
  readonly url: string;
  /** `GET /sessions` as sent: the headers and the store's identity. */
  listRemote(): Promise<ListResponse>;
  /** Sends a push; a 409 resolves to the conflict (the server kept its version), other failures reject. */
  push(id: string, push: PushRequest): Promise<PushResponse | ConflictResponse>;
  /** Deletes a session if it is still at `revision` (a 409 resolves to the conflict, with the session kept). */
  deleteAt(id: string, revision: number, createdAt: number): Promise<DeleteResponse>;
  /** Follows the handler's change notices (server-sent events) until the returned function is called. */
  watch(handlers: WatchHandlers): () => void;
}

/** Creates a {@link RemoteStore} that talks to a sync handler (`sessionsHandler`, `createDenoSyncHandler`, ...). */
export function createRemoteStore(options: RemoteStoreOptions): RemoteStore {
  if (!options || typeof options.url !== "string") {
    throw new TypeError("createRemoteStore({ url, token }): url must be the sync handler's base URL.");
  }
  const base = options.url.replace(/\/+$/, "");
  const origin = new URL(base).origin;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const transport = () => options.fetch ?? globalThis.fetch;

  const headers = async (extra: Record<string, string> = {}) => {
    const token = typeof options.token === "function" ? await options.token() : options.token;
    const out: Record<string, string> = { ...extra };
    if (token) out.authorization = `Bearer ${token}`;
    return out;
  };
  const sessionUrl = (id: string, suffix = "") => `${base}/sessions/${encodeURIComponent(id)}${suffix}`;

  async function call(
    operation: string,
    url: string,
    init: RequestInit,
    accept: number[] = [],
  ): Promise<{ status: number; body: unknown }> {
    if (new URL(url).origin !== origin) throw new TypeError(`sync: ${url} leaves the handler's origin`);
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await transport()(url, {
        ...init,
        signal,
        headers: await headers(init.headers as Record<string, string>),
      });
    } catch (error) {
      throw new RemoteStoreError("unavailable", operation, 0, "the sync server did not answer", error);
    }
    let body: unknown;
    const text = await response.text().catch(() => "");
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (response.ok || accept.includes(response.status)) return { status: response.status, body };
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? "";
    const code: SessionStoreErrorCode = response.status >= 500 ? "unavailable" : "failed";
    throw new RemoteStoreError(
      code,
      operation,
      response.status,
      `HTTP ${response.status}${message ? `: ${message}` : ""}`,
    );
  }

  const store: RemoteStore = {
    url: base,
    async load(id) {
      const { status, body } = await call(`load "${id}"`, sessionUrl(id), { method: "GET" }, [404]);
      return status === 404 ? undefined : (body as SessionResponse).session;
    },
    async list() {
      return (await store.listRemote()).sessions;
    },
    async listRemote() {
      const { body } = await call("list", `${base}/sessions`, { method: "GET" });
      return body as ListResponse;
    },
    async commit(id: string, change: SessionChange): Promise<CommitResult> {
      const push: PushRequest = { base: null, force: true };
      if (change.create) push.create = change.create;
      if (change.truncateFrom !== undefined) push.truncateFrom = change.truncateFrom;
      if (change.put?.length) push.put = change.put;
      if (change.append?.length) push.append = change.append;
      if (change.set) push.set = change.set;
      const answer = await store.push(id, push);
      if (answer.result === "conflict") {
        throw new RemoteStoreError("failed", `commit "${id}"`, 409, answer.reason);
      }
      if (!answer.header)
        throw new RemoteStoreError("failed", `commit "${id}"`, 200, "the session was deleted");
      return { header: answer.header, seqs: answer.seqs };
    },
    async delete(id) {
      await call(`delete "${id}"`, sessionUrl(id), { method: "DELETE" });
    },
    async push(id, push) {
      const { body } = await call(
        `push "${id}"`,
        sessionUrl(id, "/push"),
        { method: "POST", body: JSON.stringify(push), headers: { "content-type": "application/json" } },
        [409],
      );
      return body as PushResponse | ConflictResponse;
    },
    async deleteAt(id, revision, createdAt) {
      const query = `?revision=${revision}&createdAt=${createdAt}`;
      const { body } = await call(`delete "${id}"`, sessionUrl(id, query), { method: "DELETE" }, [409]);
      return body as DeleteResponse;
    },
    watch(handlers) {
      const stop = new AbortController();
      let delay = 1_000;
      const run = async () => {
        while (!stop.signal.aborted) {
          let opened = false;
          try {
            const response = await transport()(`${base}/events`, {
              headers: await headers({ accept: "text/event-stream" }),
              signal: stop.signal,
            });
            const type = response.headers.get("content-type") ?? "";
            if (!response.ok || !type.startsWith("text/event-stream") || !response.body) {
              await response.body?.cancel().catch(() => {});
              if (
                response.status === 404 ||
                response.status === 405 ||
                (response.ok && !type.startsWith("text/event-stream"))
              ) {
                handlers.onUnsupported?.();
                return;
              }
              throw new Error(`HTTP ${response.status}`);
            }
            const decoder = new SseDecoder({
              onEvent(data, event) {
                if (event === "ready") {
                  opened = true;
                  delay = 1_000;
                  handlers.onOpen?.();
                } else if (event === "change") {
                  try {
                    handlers.onNotice(JSON.parse(data) as ChangeNotice);
                  } catch {
                    // a malformed notice: ignore it
                  }
                }
              },
            });
            const reader = response.body.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              decoder.push(value);
            }
            decoder.end();
          } catch {
            // reconnect below
          }
          if (stop.signal.aborted) return;
          if (!opened) delay = Math.min(delay * 2, 30_000);
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, delay);
            stop.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              resolve(undefined);
            });
          });
        }
      };
      run().catch(() => {});
      return () => stop.abort();
    },
  };
  return store;
}

export type { SessionHeader, StoredSession };
