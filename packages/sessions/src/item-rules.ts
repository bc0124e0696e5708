import { assertChatMessage, assertResponsesTurn } from "@oaikit/core";
import type { SessionKind } from "./schema.js";
import { storableProblem } from "./storable.js";

/**
 * Throws core's TypeError when `item` is not a message (`chat`) or turn (`responses`) that a session of
 * `kind` can be opened with: the same validators the session constructors run, so a record that passes
 * here is one `openChatSession` / `openResponsesChatSession` can open, and the two can never disagree.
 */
export function checkStoredItem(kind: SessionKind, item: unknown): void {
  if (kind === "chat") assertChatMessage(item, "message");
  else assertResponsesTurn(item, "turn");
}

/**
 * The whole rule for a record's item that arrives as data (an import, a sync push): storable (depth and size,
 * see `storable.ts`) and openable by a session of `kind`. Returns what is wrong, or undefined.
 */
export function storedItemProblem(kind: SessionKind, item: unknown): string | undefined {
  const problem = storableProblem(item);
  if (problem) return problem;
  try {
    checkStoredItem(kind, item);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
