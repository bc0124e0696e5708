export type { SessionChangeEvent } from "./broadcast.js";
export { subscribe as watchSessions } from "./broadcast.js";
export { defaultStore } from "./default-store.js";
export type { DurableControls, DurableOptions, DurableSnapshotFields, MessageState } from "./durable.js";
export { titleFrom } from "./durable.js";
export { SessionStoreError, type SessionStoreErrorCode } from "./errors.js";
export { createIndexedDbStore, IndexedDbSessionStore, type IndexedDbStoreOptions } from "./idb-store.js";
export type { ImportOptions, SessionSummary, StoreOption } from "./manage.js";
export { deleteSession, exportSessions, importSessions, listSessions, renameSession } from "./manage.js";
export { createMemoryStore, MemorySessionStore } from "./memory-store.js";
export { migrateV0, type SessionV0, V0_PREFIX } from "./migrate.js";
export {
  type DurableChatSession,
  type DurableChatSnapshot,
  type OpenChatSessionOptions,
  openChatSession,
} from "./open-chat.js";
export {
  type DurableResponsesChatSession,
  type DurableResponsesSnapshot,
  type OpenResponsesChatSessionOptions,
  openResponsesChatSession,
} from "./open-responses.js";
export { planCommit, planReplace, toRecord } from "./plan.js";
export type {
  CommitResult,
  IncompleteReason,
  RecordBody,
  RecordItem,
  RecordStatus,
  SessionChange,
  SessionHeader,
  SessionKind,
  SessionRecord,
  StoredSession,
} from "./schema.js";
export { SCHEMA_VERSION } from "./schema.js";
export type { SessionStore } from "./store.js";
export { type SessionsExport, validateExport } from "./validate-export.js";
