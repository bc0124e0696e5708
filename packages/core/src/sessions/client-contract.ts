/**
 * What the sessions need from a client: four methods of `OpenAI`, described structurally so a session
 * works with the OpenAI client, its compat subclasses, or a test double, and so this folder does not
 * import the client.
 */
import type { RequestOptions } from "../client/config.js";
import type { ApiResult } from "../client/result.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatMessage,
} from "../types/chat.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";

/**
 * Per-call options the sessions forward to the client: the client's own `RequestOptions` (signal,
 * headers, timeout, maxRetries, firstByteTimeout, idleTimeout), one definition for both.
 */
export interface SessionRequestOptions extends RequestOptions {}

/** The part of the OpenAI client a `ChatSession` uses. */
export interface ChatSessionClient {
  /** Non-streamed `POST /chat/completions`. */
  createChatCompletion(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    onChunk?: undefined,
    options?: SessionRequestOptions,
  ): Promise<ApiResult<ChatCompletion>>;
  /** Streamed `POST /chat/completions`: an async iterable of raw chunks. */
  streamChatCompletion(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    options?: SessionRequestOptions,
  ): AsyncIterable<ChatCompletionChunk> & {
    /** The aggregated completion, once iterated to the end (the client's `ChatCompletionStream.final`). */
    final?(): Promise<ChatCompletion>;
  };
}

/** The part of the OpenAI client a `ResponsesChatSession` uses. */
export interface ResponsesSessionClient {
  /** Non-streamed `POST /responses`. */
  createResponse(
    input: ResponseInput,
    params?: ResponseCreateParams,
    onEvent?: undefined,
    options?: SessionRequestOptions,
  ): Promise<ApiResult<ResponseObject>>;
  /** Streamed `POST /responses`: an async iterable of raw events. */
  streamResponse(
    input: ResponseInput,
    params?: ResponseCreateParams,
    options?: SessionRequestOptions,
  ): AsyncIterable<ResponseStreamEvent>;
}
