import type { ChatMessage } from "../types/chat.js";
import type { ResponseInput, ResponseObject } from "../types/responses.js";

/**
 * How a session reports changes to its history, so a store (`@oaikit/sessions`) can persist each
 * change as it happens instead of rewriting the whole history. All callbacks are synchronous and must
 * not throw; a store batches and writes asynchronously on its own.
 */
export interface ChatSessionObserver {
  /** A message was appended at `index` (a user, tool or function message, or a finished assistant reply). */
  onAppend?(message: ChatMessage, index: number): void;
  /**
   * A streamed assistant reply grew. `message` is the partial reply so far, which will take position
   * `index` when it completes (then `onAppend` fires with the final message at the same index).
   */
  onPartial?(message: ChatMessage, index: number): void;
  /** A streamed reply ended without completing (error, abort, truncation); `message` is what arrived. */
  onIncomplete?(message: ChatMessage, index: number, reason: "error" | "aborted" | "truncated"): void;
  /** The history was cut back to `length` messages (edit, regenerate, delete). */
  onTruncate?(length: number): void;
  /**
   * One of the callbacks above threw. The session's own state is already consistent; this hears of
   * it (a store reports it as its `lastError`). Without it, the error goes to `console.error`: never
   * an uncaught exception that would end a Node, Deno or Worker process.
   */
  onError?(error: unknown): void;
}

/** One turn of a Responses conversation, as kept for display and persistence. */
export type ResponsesTurn =
  | { kind: "input"; input: ResponseInput }
  | { kind: "response"; response: ResponseObject }
  | { kind: "partial"; text: string; reason?: "error" | "aborted" | "truncated" };

/** The Responses counterpart of {@link ChatSessionObserver}. */
export interface ResponsesSessionObserver {
  /** A turn was appended at `index` (the input sent, or the finished response). */
  onAppend?(turn: ResponsesTurn, index: number, currentResponseId: string | undefined): void;
  /** A streamed response grew; `text` is the output text so far, for the turn at `index`. */
  onPartial?(text: string, index: number): void;
  /** A streamed response ended without completing; `text` is what arrived. */
  onIncomplete?(text: string, index: number, reason: "error" | "aborted" | "truncated"): void;
  /** The turn list was cut back to `length` turns. */
  onTruncate?(length: number): void;
  /** One of the callbacks above threw (see {@link ChatSessionObserver.onError}). */
  onError?(error: unknown): void;
}
