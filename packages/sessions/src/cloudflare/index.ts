// @oaikit/sessions/cloudflare: sessions on Durable Objects (docs/sync.md), and the Worker handler that
// serves the sync protocol with one Durable Object per user.
export { bearerAuthorizer, bearerToken, createSyncHandler } from "../sync-server/handler.js";
export {
  createDurableObjectStore,
  DO_PART_BYTES,
  DURABLE_OBJECT_LIMITS,
  DurableObjectSessionStore,
  type DurableObjectStorageLike,
  type SqlCursorLike,
  type SqlStorageLike,
} from "./do-store.js";
export {
  createDurableObjectLimitStore,
  type LimitStorageLike,
  ProxyLimitsDurableObject,
} from "./limit-store.js";
export {
  type DurableObjectNamespaceLike,
  SessionsDurableObject,
  type SessionsHandlerOptions,
  sessionsHandler,
  USER_HEADER,
} from "./worker.js";
