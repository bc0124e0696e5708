// @oaikit/sessions/sync-server: the sync protocol's server (docs/sync.md) over any SessionStore, as a
// fetch handler `(request) => Promise<Response>`. Runtime-neutral: Workers, Deno, Node, Bun.

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
export { decidePush, mergeByTime, type PushDecision, rewriteChange } from "./merge.js";
export * from "./protocol.js";
