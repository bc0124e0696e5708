// @oaikit/sessions/deno: sessions on Deno KV (docs/sync.md), and the sync handler for Deno.serve.
export { bearerAuthorizer, bearerToken, createSyncHandler } from "../sync-server/handler.js";
export { createDenoSyncHandler, createKvChangeFeed, type DenoSyncHandlerOptions } from "./handler.js";
export {
  createDenoKvStore,
  DENO_KV_LIMITS,
  DenoKvSessionStore,
  type DenoKvStoreOptions,
  KV_CHUNK_BYTES,
} from "./kv-store.js";
export type { KvKey, KvLike } from "./kv-types.js";
export { createDenoKvLimitStore, type DenoKvLimitStoreOptions } from "./limit-store.js";
