/**
 * `@oaikit/react`: React hooks on the oaikit sessions' snapshot store (`subscribe` / `getSnapshot`).
 * `useChatSession(session)` for any session, `useChat({ client, id })` for a durable one it opens and
 * closes, `useSessionList()` for the stored conversations. React is a peer dependency; nothing else.
 */
export type { UseChatOptions, UseChatResult } from "./use-chat.js";
export { useChat } from "./use-chat.js";
export type { ChatActions, ChatState, ResponsesState } from "./use-chat-session.js";
export { useChatSession } from "./use-chat-session.js";
export { useSessionList } from "./use-session-list.js";
