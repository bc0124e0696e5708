// @oaikit/sessions/sync-server: the sync protocol's server (docs/sync.md) over any SessionStore, as a
// fetch handler `(request) => Promise<Response>`. Runtime-neutral: Workers, Deno, Node, Bun.

// The browser's mirror step, exported here since the first version; it goes when this entry's surface shrinks.
export { rewriteChange } from "../sync/rewrite-change.js";
export * from "../sync-protocol/protocol.js";
export { canonicalJson, recordHash } from "../sync-protocol/record-hash.js";
export {
  bearerAuthorizer,
  bearerToken,
  type ChangeFeed,
  checkPush,
  createChangeHub,
  createSyncHandler,
  type RevisionCheckedStore,
  type SyncHandlerOptions,
} from "./handler.js";
export { decidePush, mergeByTime, type PushDecision } from "./merge.js";
