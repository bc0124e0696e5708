/**
 * `useChat({ client, id })`: the durable session `id` opened for the component, its live state and its
 * actions. Opening is shared and closing deferred (`shared-sessions.ts`), so StrictMode's double mount
 * and several components on one id use one session: one writer.
 */
import type { ChatMessage, ResponseInput, ResponsesTurn, SessionClient, SessionSnapshot } from "@oaikit/core";
import {
  type DurableChatSession,
  type DurableChatSnapshot,
  type DurableResponsesChatSession,
  type DurableResponsesSnapshot,
  defaultStore,
  type OpenChatSessionOptions,
  type OpenResponsesChatSessionOptions,
  type SessionStore,
} from "@oaikit/sessions";
import { useEffect, useRef, useState } from "react";
import { acquire, type DurableSession, release } from "./shared-sessions.js";
import { type ChatActions, type LiveSession, useSessionState } from "./use-chat-session.js";

/** Options of {@link useChat}. */
export interface UseChatOptions<Kind extends "chat" | "responses" = "chat" | "responses"> {
  /** The client the session sends with (the one given when the session is first opened is kept). */
  client: SessionClient;
  /** The session id: a new id opens (or creates) that session, and closes the previous one. */
  id: string;
  /** Where the session lives (default: `defaultStore()`: IndexedDB in a browser). */
  store?: SessionStore;
  /** `chat` (Chat Completions, the default) or `responses`. */
  kind?: Kind;
  /** Options for the opener (`model`, `instructions`, `notifyIntervalMs`, ...), used when the session opens. */
  options?: Kind extends "responses"
    ? Omit<OpenResponsesChatSessionOptions, "id" | "store">
    : Omit<OpenChatSessionOptions, "id" | "store">;
}

/** What {@link useChat} returns: the snapshot, the actions, and the session (`null` while it opens). */
export type UseChatResult<Session, Snapshot, Item, Input> = Snapshot &
  ChatActions<Item, Input> & {
    /** The open session, or `null` while it opens (or when opening failed: see `error`). */
    session: Session | null;
  };

/**
 * Opens the durable session `id` (IndexedDB by default) for this component and returns its live state
 * (`messages`, `pending`, `status`, `error`, `states`, `title`), its actions (`send`, `stop`,
 * `regenerate`, `setMessages`) and the `session` itself. Changing `id` switches sessions (the old one is
 * closed once no component uses it); unmounting closes it. Under StrictMode, the double mount opens
 * one session. While it opens, the state is empty and `send` throws; a failed open is in `error`.
 *
 * ```tsx
 * const { messages, pending, status, send, stop } = useChat({ client, id: conversationId });
 * ```
 */
export function useChat(
  options: UseChatOptions<"chat">,
): UseChatResult<DurableChatSession, DurableChatSnapshot, ChatMessage, string | ChatMessage>;
export function useChat(
  options: UseChatOptions<"responses"> & { kind: "responses" },
): UseChatResult<DurableResponsesChatSession, DurableResponsesSnapshot, ResponsesTurn, ResponseInput>;
export function useChat(
  options: UseChatOptions,
): UseChatResult<DurableSession, SessionSnapshot<unknown, unknown>, never, never> {
  const { id, kind = "chat" } = options ?? ({} as UseChatOptions);
  if (typeof id !== "string" || id === "") {
    throw new TypeError("useChat({ client, id }): id must be a non-empty string.");
  }
  if (kind !== "chat" && kind !== "responses") {
    throw new TypeError(`useChat: kind must be "chat" or "responses" (got ${JSON.stringify(kind)}).`);
  }
  const store = options.store ?? defaultStore();
  // The client and the opener's options are read when the session opens, not watched.
  const latest = useRef(options);
  latest.current = options;
  const key = `${kind} ${id}`;
  const [opened, setOpened] = useState<{
    key: string;
    store: SessionStore;
    session?: DurableSession;
    error?: Error;
  }>();
  useEffect(() => {
    const { client, options: openerOptions } = latest.current;
    const shared = acquire(client, store, id, kind, openerOptions);
    let active = true;
    shared.opened.then(
      (session) => active && setOpened({ key, store, session }),
      (error: Error) => active && setOpened({ key, store, error }),
    );
    return () => {
      active = false;
      release(store, shared);
    };
  }, [store, id, kind, key]);
  const current = opened?.key === key && opened.store === store ? opened : undefined;
  const session = current?.session ?? null;
  const state = useSessionState(session as LiveSession | null);
  if (current?.error) return { ...state, status: "error", error: current.error, session: null };
  return { ...state, session };
}
