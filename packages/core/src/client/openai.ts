/**
 * `OpenAI`: lua-openai's client in TypeScript, for code that wants one object. It is the lean
 * `Client` (configuration, transport, `call`) plus every lua-openai method as a one-line delegate to
 * the API-area functions (`@oaikit/core/chat`, `/responses`, ...). It carries every area: a page that
 * streams chat only should use `createClient` with `streamChatCompletion` from `@oaikit/core/chat`.
 */
import * as chatApi from "../api/chat.js";
import * as completionsApi from "../api/completions.js";
import { embedding } from "../api/embeddings.js";
import * as filesApi from "../api/files.js";
import { imageGeneration } from "../api/images.js";
import { models } from "../api/models.js";
import { moderation } from "../api/moderations.js";
import * as responsesApi from "../api/responses.js";
import type { ChatCompletionStream } from "../stream/chat-stream.js";
import type { CompletionStream } from "../stream/completion-stream.js";
import type { ChatDeltaCallback } from "../stream/content-chunk.js";
import type { ResponseStream } from "../stream/response-stream.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatMessage,
} from "../types/chat.js";
import type {
  Completion,
  CompletionCreateParams,
  Deleted,
  EmbeddingCreateParams,
  EmbeddingList,
  FileObject,
  ImageGenerateParams,
  ImagesResponse,
  List,
  Model,
  ModerationResult,
} from "../types/endpoints.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";
import { Client } from "./client.js";
import type { RequestOptions } from "./config.js";
import type { ApiResult } from "./result.js";
import type { FileInput } from "./upload.js";

/**
 * The OpenAI client (and, through `baseURL`, any OpenAI-compatible server), with every method.
 *
 * ```ts
 * const client = new OpenAI(apiKey);
 * const result = await client.createChatCompletion([{ role: "user", content: "Hi" }]);
 * if (result.ok) console.log(result.data.choices[0]?.message.content);
 * ```
 */
export class OpenAI extends Client {
  // ---------------------------------------------------------------- Responses API

  /** `POST /responses`; see `createResponse` in `@oaikit/core/responses`. */
  createResponse(
    input: ResponseInput,
    params?: ResponseCreateParams,
    onEvent?: (event: ResponseStreamEvent) => void,
    options?: RequestOptions,
  ): Promise<ApiResult<ResponseObject>> {
    return responsesApi.createResponse(this, input, params, onEvent, options);
  }

  /** `POST /responses` as a `ResponseStream`; see `streamResponse` in `@oaikit/core/responses`. */
  streamResponse(
    input: ResponseInput,
    params?: ResponseCreateParams,
    options?: RequestOptions,
  ): ResponseStream {
    return responsesApi.streamResponse(this, input, params, options);
  }

  /**
   * Continues a background response's stream from a cursor (`GET /responses/{id}?stream=true`); see
   * `resumeResponse` in `@oaikit/core/responses`.
   */
  resumeResponse(responseId: string, options?: responsesApi.ResumeResponseOptions): ResponseStream {
    return responsesApi.resumeResponse(this, responseId, options);
  }

  /** `GET /responses/{id}`: a stored response. */
  response(responseId: string, options?: RequestOptions): Promise<ApiResult<ResponseObject>> {
    return responsesApi.response(this, responseId, options);
  }

  /** `DELETE /responses/{id}`. */
  deleteResponse(responseId: string, options?: RequestOptions): Promise<ApiResult<Deleted>> {
    return responsesApi.deleteResponse(this, responseId, options);
  }

  /** `POST /responses/{id}/cancel` (no body): cancels a background response. */
  cancelResponse(responseId: string, options?: RequestOptions): Promise<ApiResult<ResponseObject>> {
    return responsesApi.cancelResponse(this, responseId, options);
  }

  // ---------------------------------------------------------------- Chat Completions

  /** `POST /chat/completions`; see `createChatCompletion` in `@oaikit/core/chat`. */
  createChatCompletion(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    onChunk?: (chunk: ChatCompletionChunk) => void,
    options?: RequestOptions,
  ): Promise<ApiResult<ChatCompletion>> {
    return chatApi.createChatCompletion(this, messages, params, onChunk, options);
  }

  /** `POST /chat/completions` as a `ChatCompletionStream`; see `streamChatCompletion` in `@oaikit/core/chat`. */
  streamChatCompletion(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    options?: RequestOptions,
  ): ChatCompletionStream {
    return chatApi.streamChatCompletion(this, messages, params, options);
  }

  /**
   * lua-openai's legacy alias of `createChatCompletion` with filtered deltas; see `chat` in `@oaikit/core/chat`.
   *
   * @deprecated Use `createChatCompletion` (raw chunks) or `streamChatCompletion`.
   */
  chat(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    onChunk?: ChatDeltaCallback,
    options?: RequestOptions,
  ): Promise<ApiResult<ChatCompletion>> {
    return chatApi.chat(this, messages, params, onChunk, options);
  }

  // ---------------------------------------------------------------- Other endpoints

  /** `POST /completions` (legacy); see `@oaikit/core/completions`. */
  completion(
    prompt: string | string[],
    params?: CompletionCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResult<Completion>> {
    return completionsApi.completion(this, prompt, params, options);
  }

  /** `POST /completions` with `stream: true`, as a `CompletionStream`. */
  streamCompletion(
    prompt: string | string[],
    params?: CompletionCreateParams,
    options?: RequestOptions,
  ): CompletionStream {
    return completionsApi.streamCompletion(this, prompt, params, options);
  }

  /** `POST /embeddings`. Only `input` and what `params` sets are sent (pass `model`). */
  embedding(
    input: EmbeddingCreateParams["input"],
    params?: EmbeddingCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResult<EmbeddingList>> {
    return embedding(this, input, params, options);
  }

  /** `POST /moderations`. Only `input` and what `params` sets are sent. */
  moderation(
    input: string | string[] | Record<string, unknown>[],
    params?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<ApiResult<ModerationResult>> {
    return moderation(this, input, params, options);
  }

  /** `GET /models`. */
  models(options?: RequestOptions): Promise<ApiResult<List<Model>>> {
    return models(this, options);
  }

  /** `GET /files`. */
  files(options?: RequestOptions): Promise<ApiResult<List<FileObject>>> {
    return filesApi.files(this, options);
  }

  /** `GET /files/{id}`: a file's metadata. */
  file(fileId: string, options?: RequestOptions): Promise<ApiResult<FileObject>> {
    return filesApi.file(this, fileId, options);
  }

  /** `DELETE /files/{id}`. */
  deleteFile(fileId: string, options?: RequestOptions): Promise<ApiResult<Deleted>> {
    return filesApi.deleteFile(this, fileId, options);
  }

  /** `GET /files/{id}/content`: `data` is a `Blob` on success. */
  fileContent(fileId: string, options?: RequestOptions): Promise<ApiResult<Blob>> {
    return filesApi.fileContent(this, fileId, options);
  }

  /** `POST /files` (multipart upload); see `uploadFile` in `@oaikit/core/files`. */
  uploadFile(file: FileInput, purpose: string, options?: RequestOptions): Promise<ApiResult<FileObject>> {
    return filesApi.uploadFile(this, file, purpose, options);
  }

  /** `POST /images/generations`: `params` are sent verbatim (undefined keys left out). */
  imageGeneration(params: ImageGenerateParams, options?: RequestOptions): Promise<ApiResult<ImagesResponse>> {
    return imageGeneration(this, params, options);
  }
}
