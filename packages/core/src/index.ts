/**
 * `@oaikit/core`: what application code uses. The client (`createClient`, or `OpenAI` with every
 * method), the stream classes, the sessions (with their live snapshots and `messageText`), the errors
 * and the API types. Specialist parts live in subpaths: one per API area (`/chat`, `/responses`,
 * `/files`, `/images`, `/models`, `/embeddings`, `/moderations`, `/completions`, `/audio`,
 * `/vector-stores`, `/batches`, `/conversations`, `/uploads`, `/realtime`), `paginate` (`/paginate`),
 * the request builder (`/http`), the SSE decoder and accumulators (`/stream`) and Node helpers (`/node`).
 */

/** The version of `@oaikit/core` (the same as its package.json). */
export const VERSION = "0.1.0";

export type { CallInit, HttpMethod, Route } from "./client/client.js";
export { Client, createClient } from "./client/client.js";
export type { Preset, PresetName } from "./client/compat.js";
export { fromPreset, Gemini, OpenRouter, presets } from "./client/compat.js";
export type { ClientConfig, HeaderMap, RequestOptions, UrlRequest } from "./client/config.js";
export type { ApiKey } from "./client/credentials.js";
export { OpenAI } from "./client/openai.js";
export type { QueryScalar, QueryValue } from "./client/query.js";
export type { ApiFailure, ApiResult, ApiSuccess } from "./client/result.js";
export { unwrap } from "./client/result.js";
export type {
  components,
  FormFields,
  KnownRoute,
  Multipart,
  Paths,
  ReadAs,
  RouteBody,
  RouteData,
  RouteInit,
  RouteQuery,
  Schemas,
} from "./client/routes.js";
export type { FileInput } from "./client/upload.js";
export type {
  ApiErrorBody,
  RequestTarget,
  SizeLimitKind,
  TimeoutPhase,
  TransportErrorOptions,
} from "./errors/errors.js";
export {
  APIError,
  ChatSessionError,
  ConnectionError,
  CredentialError,
  OaikitError,
  RedirectError,
  RequestAbortedError,
  ResponsesSessionError,
  ResponseTooLargeError,
  StreamError,
  StreamTruncatedError,
  TimeoutError,
} from "./errors/errors.js";
export type {
  ChatChunkCallback,
  ChatReply,
  ChatSendOptions,
  ChatSessionOptions,
  ChatSnapshot,
} from "./sessions/chat-session.js";
export { ChatSession } from "./sessions/chat-session.js";
export type { SessionClient, SessionRequestOptions } from "./sessions/client-contract.js";
export type { SessionSnapshot, SessionStatus } from "./sessions/live.js";
export { messageText } from "./sessions/message-text.js";
export type { ChatSessionObserver, ResponsesSessionObserver, ResponsesTurn } from "./sessions/observer.js";
export type { GeneratedImage, ResponseHelpers, ResponseWithHelpers } from "./sessions/response-helpers.js";
export { getImages, getOutputText, withResponseHelpers } from "./sessions/response-helpers.js";
export type {
  PartialTurn,
  ResponsesChatSessionOptions,
  ResponsesChunkCallback,
  ResponsesSendOptions,
  ResponsesSnapshot,
  StreamedSendOptions,
  UnstreamedSendOptions,
} from "./sessions/responses-session.js";
export { ResponsesChatSession } from "./sessions/responses-session.js";
export type { SessionStreamRun } from "./sessions/session-stream.js";
export { SessionStream } from "./sessions/session-stream.js";
export type { FunctionDeclaration } from "./sessions/validate.js";
export { assertChatMessage, assertResponsesTurn } from "./sessions/validate.js";
export { ChatCompletionStream } from "./stream/chat-stream.js";
export type { CompletionChunk } from "./stream/completion-stream.js";
export { CompletionStream } from "./stream/completion-stream.js";
export type { ChatDeltaCallback } from "./stream/content-chunk.js";
export { ContentChunk } from "./stream/content-chunk.js";
export { ResponseStream } from "./stream/response-stream.js";
export type {
  StreamDiagnostics,
  StreamEndReason,
  StreamOptions,
  StreamResponseInfo,
} from "./stream/types.js";
export type { ApiKeyContext, ApiKeyFunction, AuthHeader } from "./transport/credential.js";
export type { SizeLimit, Timeout } from "./transport/limits.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_ERROR_BODY_BYTES,
  DEFAULT_MAX_EVENT_SIZE,
  MAX_TIMEOUT_MS,
} from "./transport/limits.js";
export type * from "./types/index.js";
