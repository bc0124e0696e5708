/**
 * The filtered delta chunk of the deprecated `chat()` (lua-openai's `parse_completion_chunk`):
 * only `chat.completion.chunk` objects with exactly one choice that has a numeric `index` and a
 * `delta` object pass; the callback gets `(delta, rawChunk)`.
 */
import type { ChatCompletionChunk, ChatToolCallDelta } from "../types/chat.js";

/** One filtered delta: `content` only when the delta's content is a string; `String(delta)` is the text. */
export class ChatDeltaChunk {
  /** The text of this delta, when it has text. */
  content?: string;
  /** The choice index. */
  index: number;
  /** The tool-call deltas, when the chunk has an array of them (a `null` is left out). */
  tool_calls?: ChatToolCallDelta[];

  constructor(index: number, content: unknown, toolCalls: unknown) {
    if (typeof content === "string") this.content = content;
    this.index = index;
    if (Array.isArray(toolCalls)) this.tool_calls = toolCalls as ChatToolCallDelta[];
  }

  /** The text of the delta, or `""` (the seed's `__tostring`). */
  toString(): string {
    return this.content ?? "";
  }
}

/** The callback of `chat()` and `ChatSession.send()`. */
export type ChatDeltaCallback = (delta: ChatDeltaChunk, raw: ChatCompletionChunk) => void;

/** Parses a raw chunk into a `ChatDeltaChunk`, or undefined when the seed's filter would drop it. */
export function parseCompletionChunk(chunk: unknown): ChatDeltaChunk | undefined {
  if (typeof chunk !== "object" || chunk === null) return undefined;
  const { object, choices } = chunk as { object?: unknown; choices?: unknown };
  if (object !== "chat.completion.chunk" || !Array.isArray(choices) || choices.length !== 1) return undefined;
  const choice = choices[0] as { index?: unknown; delta?: unknown } | null;
  if (typeof choice !== "object" || choice === null || typeof choice.index !== "number") return undefined;
  const delta = choice.delta;
  if (typeof delta !== "object" || delta === null || Array.isArray(delta)) return undefined;
  const { content, tool_calls } = delta as { content?: unknown; tool_calls?: unknown };
  return new ChatDeltaChunk(choice.index, content, tool_calls);
}
