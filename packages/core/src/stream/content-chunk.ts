/**
 * The filtered delta chunks that session callbacks and the deprecated `chat()` receive (lua-openai's, `{content, index}` with
 * a `__tostring`), and the conversion from a raw `chat.completion.chunk`.
 */
import type { ChatCompletionChunk, ChatToolCallDelta } from "../types/chat.js";
import { isRecord } from "../utils/checks.js";

/**
 * One piece of a streamed reply, as session callbacks and `sendStream` iterators receive it.
 * `String(chunk)` (and template literals) give the text, `""` when the chunk carries none.
 */
export class ContentChunk {
  /** The text of this piece, when it carries text. */
  content?: string;
  /** The choice index (Chat Completions only). */
  index?: number;
  /** Tool-call deltas of this piece (Chat Completions only), exactly as the server sent them. */
  tool_calls?: ChatToolCallDelta[];
  /** Reasoning text of this piece (`reasoning_content` or `reasoning`), when the provider streams it. */
  reasoning?: string;

  /** @param fields The fields to set; undefined ones are left out, so deep equality stays clean. */
  constructor(fields: {
    content?: string;
    index?: number;
    tool_calls?: ChatToolCallDelta[];
    reasoning?: string;
  }) {
    if (fields.content !== undefined) this.content = fields.content;
    if (fields.index !== undefined) this.index = fields.index;
    if (fields.tool_calls !== undefined) this.tool_calls = fields.tool_calls;
    if (fields.reasoning !== undefined) this.reasoning = fields.reasoning;
  }

  /** The text of this piece, or `""` (lua-openai's `__tostring`). */
  toString(): string {
    return this.content ?? "";
  }
}

/**
 * Converts a raw `chat.completion.chunk` into lua-openai's filtered chunk (`parse_completion_chunk`):
 * `{ content?, index, tool_calls? }`, or `undefined` when the chunk is not a one-choice delta.
 *
 * Two modes, one rule set:
 * - `"session"` (the sessions' callbacks and `sendStream`): a chunk without an `object` field is
 *   accepted (servers that omit it, lua-openai PR #10), and a delta that carries nothing (the final
 *   `finish_reason` chunk, role-only chunks) gives `undefined`; reasoning deltas are passed on.
 * - `"chat"` (the deprecated `chat()` callback, lua-openai's exact filter): `object` must be
 *   `chat.completion.chunk`, and an empty delta still gives a chunk (`String(chunk)` is `""`).
 * In both, a `tool_calls: null` delta is treated as absent (lua-openai crashed on it).
 */
export function toContentChunk(raw: unknown, mode: "session" | "chat" = "session"): ContentChunk | undefined {
  if (!isRecord(raw)) return undefined;
  if (
    mode === "chat"
      ? raw.object !== "chat.completion.chunk"
      : raw.object !== undefined && raw.object !== "chat.completion.chunk"
  ) {
    return undefined;
  }
  const choices = raw.choices;
  // lua-openai's `types.shape { ... }` on an array means exactly one element.
  if (!Array.isArray(choices) || choices.length !== 1) return undefined;
  const choice: unknown = choices[0];
  if (!isRecord(choice) || typeof choice.index !== "number" || !isRecord(choice.delta)) return undefined;
  const delta = choice.delta;
  const content = typeof delta.content === "string" ? delta.content : undefined;
  const toolCalls = Array.isArray(delta.tool_calls) ? (delta.tool_calls as ChatToolCallDelta[]) : undefined;
  const reasoning =
    typeof delta.reasoning_content === "string"
      ? delta.reasoning_content
      : typeof delta.reasoning === "string"
        ? delta.reasoning
        : undefined;
  if (mode === "chat") return new ContentChunk({ content, index: choice.index, tool_calls: toolCalls });
  const functionCall = isRecord(delta.function_call);
  if (content === undefined && toolCalls === undefined && reasoning === undefined && !functionCall) {
    return undefined;
  }
  return new ContentChunk({ content, index: choice.index, tool_calls: toolCalls, reasoning });
}

/** The callback of the deprecated `chat()`: the filtered delta and the raw chunk. */
export type ChatDeltaCallback = (delta: ContentChunk, raw: ChatCompletionChunk) => void;
