/**
 * `ChatCompletionStream`: a streamed Chat Completions response (`stream: true`).
 *
 * ```ts
 * const stream = client.streamChatCompletion([{ role: "user", content: "Hi" }]);
 * for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? "");
 * const completion = await stream.final(); // a chat.completion: content, tool_calls, usage, ...
 * ```
 */
import { normalizeStreamError } from "../errors/error-body.js";
import type { ApiErrorBody } from "../errors/errors.js";
import type { AssistantMessage, ChatCompletion, ChatCompletionChunk } from "../types/index.js";
import { ChatCompletionAccumulator } from "./chat-accumulator.js";
import { EventStream, STEP_CONTINUE, STEP_ERROR, type StreamProtocol } from "./event-stream.js";
import type { StreamOptions, StreamSource } from "./types.js";

/**
 * The rules of a `choices[]` stream (Chat Completions and legacy Completions): `[DONE]` or a
 * finish_reason on every choice ends it; `error` chunks fail it. Subclasses say what the aggregate
 * looks like. Internal (not exported from the package).
 */
export abstract class ChoicesProtocol<Raw, Final> implements StreamProtocol<Raw, Final> {
  // Both APIs concatenate per choice index (`delta.content` / `text`); only the output shape differs.
  readonly accumulator = new ChatCompletionAccumulator();
  readonly emitsDone = true;
  #error: unknown;

  accept(chunk: Raw, event: string | undefined): number {
    if (event === "error") {
      // Groq: `event: error` + `data: {"error": {...}}`; never a chunk to aggregate.
      this.#error = chunk;
      return STEP_ERROR;
    }
    this.accumulator.add(chunk as ChatCompletionChunk);
    // OpenRouter: a top-level `error` inside an otherwise normal chunk (its choices/usage still count).
    const error = chunk !== null && typeof chunk === "object" ? (chunk as { error?: unknown }).error : null;
    if (error != null) {
      this.#error = { error };
      return STEP_ERROR;
    }
    return STEP_CONTINUE;
  }

  takeError(httpStatus: number): ApiErrorBody {
    return normalizeStreamError(this.#error, httpStatus);
  }

  completeAtEof(): boolean {
    return this.accumulator.allChoicesFinished();
  }

  truncationDetail(): string {
    return this.accumulator.isEmpty
      ? "no chunk arrived"
      : "no [DONE] and not every choice had a finish_reason";
  }

  abstract snapshot(): Final;

  text(): string {
    return this.accumulator.text(0);
  }
}

/** Chat Completions: the aggregate is the accumulator's `chat.completion`. */
class ChatProtocol extends ChoicesProtocol<ChatCompletionChunk, ChatCompletion> {
  snapshot(): ChatCompletion {
    return this.accumulator.snapshot();
  }
}

/**
 * A streamed Chat Completions response. Async-iterable over the raw `chat.completion.chunk` objects,
 * with the aggregate (`final()`), the text (`text()`), `abort()`, the response head (`response`) and
 * an SSE re-stream (`toReadableStream()`). Nothing is sent before first use.
 *
 * Outcomes: `final()` resolves only for a complete stream (`[DONE]`, or a finish_reason on every
 * choice at EOF). Otherwise it rejects with `APIError` (HTTP error status), `StreamError` (an error
 * chunk or `event: error`, or a data event that is not JSON), `StreamTruncatedError` (the body ended
 * early), `TimeoutError` (`firstByteTimeout` / `idleTimeout`), `RequestAbortedError` or
 * `ConnectionError`; each carries what had arrived as `partial` (also `currentSnapshot()`).
 */
export class ChatCompletionStream extends EventStream<ChatCompletionChunk, ChatCompletion> {
  readonly #protocol: ChatProtocol;

  /** Built by `streamChatCompletion(client, ...)`; `source` opens the request. */
  constructor(source: StreamSource, options?: StreamOptions<ChatCompletionChunk>) {
    const protocol = new ChatProtocol();
    super(source, options, protocol);
    this.#protocol = protocol;
  }

  /**
   * The assistant message of choice `index` as it grows (`{ role, content?, tool_calls?,
   * function_call? }`), updated in place as chunks arrive: O(1) to read at every chunk, for progress
   * UIs and the sessions. Copy it, or use `currentSnapshot()` / `final()`, to keep it.
   */
  liveMessage(index = 0): AssistantMessage | undefined {
    return this.#protocol.accumulator.liveMessage(index);
  }
}
