/**
 * `@oaikit/core/chat`: Chat Completions as functions of a client. A page that imports
 * `streamChatCompletion` pays for chat streaming only.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { streamChatCompletion } from "@oaikit/core/chat";
 * const stream = streamChatCompletion(createClient(apiKey), [{ role: "user", content: "Hi" }]);
 * for await (const chunk of stream) show(chunk.choices[0]?.delta.content ?? "");
 * console.log((await stream.final()).usage);
 * ```
 */
import type { Client } from "../client/client.js";
import { collect } from "../client/collect.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkCallback, checkMessages, modelPayload } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteCallQuery, RouteData } from "../client/routes.js";
import { ChatCompletionStream } from "../stream/chat-stream.js";
import { type ChatDeltaCallback, toContentChunk } from "../stream/content-chunk.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatMessage,
} from "../types/chat.js";

const ROUTE = "POST /chat/completions";

/**
 * Streams ask for usage (`final().usage` is what people read after a stream) unless the client says
 * its server refuses the option (`streamUsage: false`) or the call set `stream_options` itself.
 */
function askForUsage(client: Client, payload: Record<string, unknown>): void {
  if (client.streamUsage && payload.stream_options === undefined)
    payload.stream_options = { include_usage: true };
}

/**
 * `POST /chat/completions`. `params` are sent as given (undefined keys left out), over
 * `{ model: client.defaultModel, messages }`. With `{ stream: true }`, `onChunk` gets every raw chunk
 * and the result's `data` is the aggregated `chat.completion`; use `streamChatCompletion` for an iterator.
 */
export function createChatCompletion(
  client: Client,
  messages: ChatMessage[],
  params?: ChatCompletionCreateParams,
  onChunk?: (chunk: ChatCompletionChunk) => void,
  options?: RequestOptions,
): Promise<ApiResult<ChatCompletion>> {
  checkMessages(messages);
  checkCallback(onChunk, "onChunk");
  const payload = modelPayload(client, { messages }, params);
  if (!payload.stream) return client.call<ChatCompletion>(ROUTE, callInit(options, { body: payload }));
  askForUsage(client, payload);
  const opening = client.openStream(ROUTE, { body: payload }, options);
  return collect(new ChatCompletionStream(opening.source, { ...opening.options, onChunk }), opening);
}

/**
 * `POST /chat/completions` with `stream: true`, as a `ChatCompletionStream`: iterate its raw chunks,
 * or await `final()` (the aggregated `chat.completion`) or `text()`.
 */
export function streamChatCompletion(
  client: Client,
  messages: ChatMessage[],
  params?: ChatCompletionCreateParams,
  options?: RequestOptions,
): ChatCompletionStream {
  checkMessages(messages);
  const payload = modelPayload(client, { messages }, params);
  payload.stream = true;
  askForUsage(client, payload);
  const opening = client.openStream(ROUTE, { body: payload }, options);
  return new ChatCompletionStream(opening.source, opening.options);
}

/**
 * lua-openai's legacy alias of `createChatCompletion`. When streaming, `onChunk(delta, raw)` fires
 * only for `chat.completion.chunk` objects with exactly one choice; `delta` is
 * `{ content?, index, tool_calls? }` and `String(delta)` is its text.
 *
 * @deprecated Use `createChatCompletion` (raw chunks) or `streamChatCompletion`.
 */
export function chat(
  client: Client,
  messages: ChatMessage[],
  params?: ChatCompletionCreateParams,
  onChunk?: ChatDeltaCallback,
  options?: RequestOptions,
): Promise<ApiResult<ChatCompletion>> {
  checkCallback(onChunk, "onChunk");
  const filtered =
    onChunk &&
    ((raw: ChatCompletionChunk) => {
      const delta = toContentChunk(raw, "chat");
      if (delta) onChunk(delta, raw);
    });
  return createChatCompletion(client, messages, params, filtered, options);
}

// ---------------------------------------------------------------- stored chat completions

/** A stored chat completion (created with `store: true`), as `GET /chat/completions/{id}` answers it. */
export type StoredChatCompletion = RouteData<"GET /chat/completions/{completion_id}">;

/** `GET /chat/completions/{id}`: a stored chat completion (one created with `store: true`). */
export function chatCompletion(
  client: Client,
  completionId: string,
  options?: RequestOptions,
): Promise<ApiResult<StoredChatCompletion>> {
  return client.call(
    "GET /chat/completions/{completion_id}",
    callInit(options, { path: { completion_id: completionId } }),
  );
}

/**
 * `GET /chat/completions`: a page of stored chat completions (`query`: `model`, `after`, `limit`,
 * `order`). Every page: `paginate(client, "GET /chat/completions")` from `@oaikit/core/paginate`.
 */
export function chatCompletions(
  client: Client,
  query?: RouteCallQuery<"GET /chat/completions">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /chat/completions">>> {
  return client.call("GET /chat/completions", callInit(options, { query }));
}

/** `GET /chat/completions/{id}/messages`: a page of a stored chat completion's messages. */
export function chatCompletionMessages(
  client: Client,
  completionId: string,
  query?: RouteCallQuery<"GET /chat/completions/{completion_id}/messages">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /chat/completions/{completion_id}/messages">>> {
  return client.call(
    "GET /chat/completions/{completion_id}/messages",
    callInit(options, { path: { completion_id: completionId }, query }),
  );
}

/** `DELETE /chat/completions/{id}`: deletes a stored chat completion. */
export function deleteChatCompletion(
  client: Client,
  completionId: string,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"DELETE /chat/completions/{completion_id}">>> {
  return client.call(
    "DELETE /chat/completions/{completion_id}",
    callInit(options, { path: { completion_id: completionId } }),
  );
}
