/**
 * `useChatSession(session)`: a session's snapshot as React state (through `useSyncExternalStore`, so
 * a render happens only when the session's snapshot changed), with its actions bound once per session.
 */
import type {
  ChatMessage,
  ChatSession,
  ChatSnapshot,
  ResponseInput,
  ResponsesChatSession,
  ResponsesSnapshot,
  ResponsesTurn,
  SessionSnapshot,
  SessionStream,
} from "@oaikit/core";
import { useMemo, useSyncExternalStore } from "react";

/** The actions that go with a snapshot: each one a method of the session, stable while it is. */
export interface ChatActions<Item, Input> {
  /** Sends `input` and streams the reply (the session's `sendStream`; the stream is returned, awaiting it is optional). */
  send(input: Input): SessionStream<unknown>;
  /** Stops the reply being generated (and a tool run): the partial reply is kept. */
  stop(): void;
  /** Drops the last reply and asks again (the session's `regenerateStream`). */
  regenerate(): SessionStream<unknown>;
  /** Replaces the history (the session's `setMessages`: the shared start is kept, the rest rewritten). */
  setMessages(messages: readonly Item[]): void;
}

/** What `useChatSession` returns for a chat session: its snapshot and its actions. */
export type ChatState<S extends SessionSnapshot<unknown, unknown> = ChatSnapshot> = S &
  ChatActions<ChatMessage, string | ChatMessage>;

/** What `useChatSession` returns for a Responses session: its snapshot (turns) and its actions. */
export type ResponsesState<S extends SessionSnapshot<unknown, unknown> = ResponsesSnapshot> = S &
  ChatActions<ResponsesTurn, ResponseInput>;

/** What the hooks need from a session (both core session classes and the durable ones have it). */
export interface LiveSession {
  subscribe(listener: () => void): () => void;
  getSnapshot(): SessionSnapshot<unknown, unknown>;
  sendStream(input: never): SessionStream<unknown>;
  regenerateStream(): SessionStream<unknown>;
  stop(): void;
  setMessages(items: never): void;
}

/** The state while there is no session (a durable one opening): empty, ready, with no title. */
const EMPTY = Object.freeze({
  messages: Object.freeze([]),
  pending: null,
  status: "ready",
  error: undefined,
  states: Object.freeze([]),
  title: "",
}) as SessionSnapshot<never, never>;
const noSubscription = () => () => {};
const empty = () => EMPTY;
const notOpen = (): never => {
  throw new TypeError("The session is not open yet: wait until `session` is set before sending.");
};

/** The actions of `session`, or ones that throw a TypeError while there is none. */
function actionsOf(session: LiveSession | null): ChatActions<never, never> {
  if (!session) return { send: notOpen, stop: () => {}, regenerate: notOpen, setMessages: notOpen };
  return {
    send: (input) => session.sendStream(input),
    stop: () => session.stop(),
    regenerate: () => session.regenerateStream(),
    setMessages: (messages) => session.setMessages(messages as never),
  };
}

/** The hooks' one implementation: the snapshot of `session` (or the empty one) and its actions. */
export function useSessionState(
  session: LiveSession | null,
): SessionSnapshot<unknown, unknown> & ChatActions<never, never> {
  const snapshot = useSyncExternalStore(
    session ? session.subscribe : noSubscription,
    session ? session.getSnapshot : empty,
    session ? session.getSnapshot : empty,
  );
  const actions = useMemo(() => actionsOf(session), [session]);
  return { ...snapshot, ...actions };
}

/**
 * The live state of `session`: its snapshot (`messages`, `pending`, `status`, `error`, and for a
 * durable session each message's `states` and the `title`) and its actions. A render happens only when
 * the session's snapshot changed (at most once per animation frame while a reply streams).
 *
 * ```tsx
 * const { messages, pending, status, send, stop } = useChatSession(chat);
 * ```
 */
export function useChatSession<S extends ChatSnapshot>(session: ChatSession<S>): ChatState<S>;
export function useChatSession<S extends ResponsesSnapshot>(
  session: ResponsesChatSession<S>,
): ResponsesState<S>;
export function useChatSession(
  session: LiveSession,
): SessionSnapshot<unknown, unknown> & ChatActions<never, never> {
  if (!session || typeof session.subscribe !== "function") {
    throw new TypeError("useChatSession(session): session must be a ChatSession or a ResponsesChatSession.");
  }
  return useSessionState(session);
}
