import { createIndexedDbStore } from "./idb-store.js";
import { createMemoryStore } from "./memory-store.js";
import type { SessionStore } from "./store.js";

let shared: SessionStore | undefined;

/**
 * The store used when `openChatSession` gets none: one IndexedDB store (database `oaikit-sessions`) per
 * page where `indexedDB` exists, else one in-memory store per process.
 */
export function defaultStore(): SessionStore {
  shared ??= typeof indexedDB === "undefined" ? createMemoryStore() : createIndexedDbStore();
  return shared;
}
