// @oaikit/sessions/sync: the browser side of session sync (docs/sync.md). A synced store keeps sessions in
// IndexedDB and syncs them with a sync handler (Cloudflare Worker, Deno, or any server built on
// `@oaikit/sessions/sync-server`).
export {
  baseOf,
  bodyOf,
  type ChangeNotice,
  type ConflictResponse,
  type DeleteResponse,
  type ErrorResponse,
  type ListResponse,
  type PushBase,
  type PushOutcome,
  type PushRequest,
  type PushResponse,
  type SessionResponse,
  SYNC_PROTOCOL,
  TAIL_SIZE,
  type TailEntry,
} from "../sync-protocol/protocol.js";
export { canonicalJson, recordHash } from "../sync-protocol/record-hash.js";
export {
  createRemoteStore,
  type RemoteStore,
  RemoteStoreError,
  type RemoteStoreOptions,
  type WatchHandlers,
} from "./remote-store.js";
export {
  defaultSyncState,
  indexedDbSyncState,
  memorySyncState,
  type SyncStateStorage,
} from "./state-storage.js";
export type { PendingChanges, SessionSyncState } from "./sync-state.js";
export {
  createSyncedStore,
  SYNC_SOURCE,
  type SyncedStore,
  type SyncedStoreOptions,
  type SyncStatus,
} from "./synced-store.js";
