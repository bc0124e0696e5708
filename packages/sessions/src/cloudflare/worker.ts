import {
  corsHeaders,
  createChangeHub,
  createSyncHandler,
  unauthorizedResponse,
} from "../sync-server/handler.js";
import { createDurableObjectStore, type DurableObjectStorageLike } from "./do-store.js";

/**
 * The header by which the Worker tells the Durable Object whose request it forwards (set by the Worker only,
 * over anything the client sent): the user id, percent-encoded (`encodeURIComponent`).
 */
export const USER_HEADER = "x-oaikit-sessions-user";

/** A Durable Object namespace binding, as far as the handler uses it. */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: never): { fetch(request: Request): Promise<Response> };
}

/** Options of {@link sessionsHandler}. */
export interface SessionsHandlerOptions<Env = Record<string, unknown>> {
  /** Maps a request to a user id, or refuses it (401). See `bearerAuthorizer` for the example's. */
  authorize(request: Request, env: Env): string | null | undefined | Promise<string | null | undefined>;
  /** The binding of the {@link SessionsDurableObject} namespace in `env` (default `SESSIONS`). */
  binding?: string;
  /** Path prefix of the protocol's paths (default none); the Durable Object must use the same (`SESSIONS_BASE_PATH`). */
  basePath?: string;
  /** `Access-Control-Allow-Origin` (default `*`). */
  allowOrigin?: string;
}

/**
 * The Worker side of sync (docs/sync.md): authorises each request, then forwards it to the user's own
 * Durable Object (`idFromName(userId)`), which serves the protocol over its SQLite storage. A request
 * never reaches another user's object, and a refused one never reaches any.
 *
 * ```ts
 * export { SessionsDurableObject } from "@oaikit/sessions/cloudflare";
 * export default { fetch: sessionsHandler({ authorize: bearerAuthorizer({ [token]: "me" }) }) };
 * ```
 */
export function sessionsHandler<Env = Record<string, unknown>>(
  options: SessionsHandlerOptions<Env>,
): (request: Request, env: Env) => Promise<Response> {
  const binding = options.binding ?? "SESSIONS";
  return async (request, env) => {
    if (request.method === "OPTIONS") {
      return new Response(null, { status: 204, headers: corsHeaders(options.allowOrigin) });
    }
    let user: string | null | undefined;
    try {
      user = await options.authorize(request, env);
    } catch {
      user = undefined;
    }
    if (!user || typeof user !== "string") return unauthorizedResponse(options.allowOrigin);
    const namespace = (env as Record<string, unknown>)[binding] as DurableObjectNamespaceLike | undefined;
    if (!namespace || typeof namespace.idFromName !== "function") {
      throw new TypeError(
        `sessionsHandler: env.${binding} must be the SessionsDurableObject namespace binding.`,
      );
    }
    const headers = new Headers(request.headers);
    // Percent-encoded: a user id may hold anything (a newline, non-Latin-1 text) that a header value cannot.
    headers.set(USER_HEADER, encodeURIComponent(user));
    const forwarded = new Request(request, { headers });
    return namespace.get(namespace.idFromName(user) as never).fetch(forwarded);
  };
}

/**
 * One user's sessions: a Durable Object (SQLite-backed: list it under `new_sqlite_classes`) that serves the
 * sync protocol over {@link createDurableObjectStore} and holds the user's change-notice streams. Reached
 * only through {@link sessionsHandler}, which names the user in {@link USER_HEADER}. Set
 * `SESSIONS_BASE_PATH` (a var) when the handler uses a `basePath`.
 */
export class SessionsDurableObject {
  private readonly handle: (request: Request) => Promise<Response>;

  constructor(state: { storage: DurableObjectStorageLike }, env?: Record<string, unknown>) {
    const store = createDurableObjectStore(state.storage);
    const basePath = typeof env?.SESSIONS_BASE_PATH === "string" ? env.SESSIONS_BASE_PATH : undefined;
    const options: Parameters<typeof createSyncHandler>[0] = {
      authorize: (request) => userOf(request.headers.get(USER_HEADER)),
      store: () => store,
      feed: createChangeHub(),
    };
    if (basePath) options.basePath = basePath;
    if (typeof env?.SESSIONS_ALLOW_ORIGIN === "string") options.allowOrigin = env.SESSIONS_ALLOW_ORIGIN;
    this.handle = createSyncHandler(options);
  }

  fetch(request: Request): Promise<Response> {
    return this.handle(request);
  }
}

/** The user id the Worker put in {@link USER_HEADER} (percent-encoded), or undefined. */
function userOf(header: string | null): string | undefined {
  if (!header) return undefined;
  try {
    return decodeURIComponent(header);
  } catch {
    return undefined;
  }
}
