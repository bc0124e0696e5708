import { assertChatMessage, assertResponsesTurn } from "@oaikit/core";
import type { SessionKind } from "./schema.js";

/**
 * Throws core's TypeError when `item` is not a message (`chat`) or turn (`responses`) that a session of
 * `kind` can be opened with: the same validators the session constructors run, so a record that passes
 * here is one `openChatSession` / `openResponsesChatSession` can open, and the two can never disagree.
 */
export function checkStoredItem(kind: SessionKind, item: unknown): void {
  if (kind === "chat") assertChatMessage(item, "message");
  else assertResponsesTurn(item, "turn");
}
