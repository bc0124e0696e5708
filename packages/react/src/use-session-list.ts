/**
 * `useSessionList(store?)`: the stored sessions, newest first, kept up to date by every commit and
 * delete of the store, from this page or another tab (`watchSessions`). One list per store, shared by
 * the components that show it; a new array only when a row changed.
 */
import {
  defaultStore,
  listSessions,
  type SessionStore,
  type SessionSummary,
  watchSessions,
} from "@oaikit/sessions";
import { useSyncExternalStore } from "react";

interface SessionList {
  rows: readonly SessionSummary[];
  listeners: Set<() => void>;
  stop?: () => void;
  loading?: Promise<void>;
  again?: boolean;
}

const NONE: readonly SessionSummary[] = Object.freeze([]);
const lists = new WeakMap<SessionStore, SessionList>();

const sameRow = (a: SessionSummary, b: SessionSummary | undefined) =>
  b !== undefined &&
  a.id === b.id &&
  a.revision === b.revision &&
  a.title === b.title &&
  a.updatedAt === b.updatedAt;

/** Reads the list again (one read at a time; a change meanwhile reads once more afterwards). */
function reload(store: SessionStore, list: SessionList): void {
  if (list.loading) {
    list.again = true;
    return;
  }
  list.loading = listSessions({ store })
    .then((rows) => {
      if (rows.length === list.rows.length && rows.every((row, i) => sameRow(row, list.rows[i]))) return;
      list.rows = Object.freeze(rows.map((row) => Object.freeze(row)));
      for (const listener of [...list.listeners]) listener();
    })
    .catch((error: unknown) => console.error("oaikit: useSessionList could not list the sessions:", error))
    .finally(() => {
      list.loading = undefined;
      if (list.again) {
        list.again = false;
        reload(store, list);
      }
    });
}

function listOf(store: SessionStore): SessionList {
  let list = lists.get(store);
  if (!list) {
    list = { rows: NONE, listeners: new Set() };
    lists.set(store, list);
  }
  return list;
}

/**
 * The sessions of `store` (default: `defaultStore()`), newest first: `{ id, kind, title, createdAt,
 * updatedAt, messageCount, revision }` per row. Empty until the first read; then each commit or delete,
 * from this page or another tab, reads the list again, and the component renders only when a row changed.
 *
 * ```tsx
 * const sessions = useSessionList();
 * return sessions.map((s) => <button key={s.id} onClick={() => setId(s.id)}>{s.title || "New chat"}</button>);
 * ```
 */
export function useSessionList(store?: SessionStore): readonly SessionSummary[] {
  const list = listOf(store ?? defaultStore());
  const target = store ?? defaultStore();
  return useSyncExternalStore(
    (listener) => {
      list.listeners.add(listener);
      if (list.listeners.size === 1) {
        list.stop = watchSessions(target, () => reload(target, list));
        reload(target, list);
      }
      return () => {
        list.listeners.delete(listener);
        if (list.listeners.size === 0) list.stop?.();
      };
    },
    () => list.rows,
    () => NONE,
  );
}
