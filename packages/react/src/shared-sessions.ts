/**
 * The durable sessions `useChat` opens, shared by every component of the page that asks for the same
 * store, id and kind, and closed a moment after the last one lets go. The moment matters: React's
 * StrictMode mounts each component twice (mount, unmount, mount), and a session closed and opened
 * again in between would be two writers for one id; here the second mount finds the first one's.
 */
import type { SessionClient } from "@oaikit/core";
import {
  type DurableChatSession,
  type DurableResponsesChatSession,
  type OpenChatSessionOptions,
  openChatSession,
  openResponsesChatSession,
  type SessionStore,
} from "@oaikit/sessions";

/** A durable session of either kind. */
export type DurableSession = DurableChatSession | DurableResponsesChatSession;

/** One open (or opening) session and how many components use it. */
export interface SharedSession {
  readonly key: string;
  readonly opened: Promise<DurableSession>;
  /** Set once open. */
  session: DurableSession | undefined;
  users: number;
}

const open = new WeakMap<SessionStore, Map<string, SharedSession>>();

/** The session `id` of `kind` in `store`, opened on first use; call {@link release} when done with it. */
export function acquire(
  client: SessionClient,
  store: SessionStore,
  id: string,
  kind: "chat" | "responses",
  options: object | undefined,
): SharedSession {
  const byKey = open.get(store) ?? new Map<string, SharedSession>();
  open.set(store, byKey);
  const key = `${kind} ${id}`;
  let shared = byKey.get(key);
  if (!shared) {
    const opener = kind === "responses" ? openResponsesChatSession : openChatSession;
    const entry: SharedSession = {
      key,
      users: 0,
      session: undefined,
      opened: opener(client, { ...options, id, store } as OpenChatSessionOptions).then((session) => {
        entry.session = session;
        return session;
      }),
    };
    // A failed open is not kept: the next acquire tries again.
    entry.opened.catch(() => {
      if (byKey.get(key) === entry) byKey.delete(key);
    });
    byKey.set(key, entry);
    shared = entry;
  }
  shared.users++;
  return shared;
}

/** Lets go of a session from {@link acquire}; the last user's release closes it on the next task. */
export function release(store: SessionStore, shared: SharedSession): void {
  shared.users--;
  setTimeout(() => {
    const byKey = open.get(store);
    if (shared.users > 0 || byKey?.get(shared.key) !== shared) return;
    byKey.delete(shared.key);
    shared.opened.then((session) => session.close()).catch(() => {});
  }, 0);
}
