import {
  ChatSession,
  type ChatSessionClient,
  ResponsesChatSession,
  type ResponsesSessionClient,
} from "@oaikit/core";
import type { SessionKind } from "./schema.js";

/**
 * The rules a stored message (chat) or turn (Responses) must meet are the ones the core session
 * constructors apply when a session is opened: this runs exactly those, so a record that passes here is one
 * `openChatSession` / `openResponsesChatSession` can open, and the two can never disagree. (`@oaikit/core`
 * does not export its validators; constructing a session with this client, which is never called, is how
 * they are reached without a second copy of them.)
 */
const unused = () => {
  throw new Error("@oaikit/sessions validates stored records with this client; it never sends a request.");
};
const validationClient = {
  createChatCompletion: unused,
  streamChatCompletion: unused,
  createResponse: unused,
  streamResponse: unused,
} as unknown as ChatSessionClient & ResponsesSessionClient;

/**
 * Throws the core constructor's TypeError when `item` is not a message (`chat`) or turn (`responses`) that
 * a session of `kind` can be opened with.
 */
export function checkStoredItem(kind: SessionKind, item: unknown): void {
  if (kind === "chat") {
    new ChatSession(validationClient, { messages: [item as never] });
    return;
  }
  // The constructor attaches the helper methods to a response object: give it a copy of that one level,
  // so validating leaves the caller's data as it was.
  const turn = item as { kind?: unknown; response?: unknown } | null;
  const response = turn?.kind === "response" ? turn.response : undefined;
  const checked =
    typeof response === "object" && response !== null ? { ...turn, response: { ...response } } : item;
  new ResponsesChatSession(validationClient, { turns: [checked as never] });
}
