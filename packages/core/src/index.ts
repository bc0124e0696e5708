/** The version of `@oaikit/core` (the same as its package.json). */
export const VERSION = "0.1.0";
export type { Preset, PresetName } from "./client/compat.js";
export { fromPreset, Gemini, OpenRouter, presets } from "./client/compat.js";
export type { ClientConfig, HeaderMap, RequestOptions } from "./client/config.js";
export { createClient, OpenAI } from "./client/openai.js";
export type { ApiFailure, ApiResult, ApiSuccess } from "./client/result.js";
export { unwrap } from "./client/result.js";
export type { FileInput } from "./client/upload.js";
export {
  isQuotaError,
  isRetryableError,
  isRetryableStatus,
  normalizeErrorBody,
  normalizeStreamError,
} from "./errors/error-body.js";
export * from "./errors/errors.js";
export type { BodyValue, FileOptions, FormValue } from "./http/body.js";
export type { SseEvent } from "./http/events.js";
export type { FileDetails, RequestDetails } from "./http/request.js";
export { HttpRequest, HttpStream, request } from "./http/request.js";
export { HttpBody, HttpResponse } from "./http/response.js";
export type {
  ChatChunkCallback,
  ChatReply,
  ChatSendOptions,
  ChatSessionOptions,
} from "./sessions/chat-session.js";
export { ChatSession } from "./sessions/chat-session.js";
export type {
  ChatSessionClient,
  ResponsesSessionClient,
  SessionRequestOptions,
} from "./sessions/client-contract.js";
export { ContentChunk } from "./sessions/content-chunk.js";
export type { ChatSessionObserver, ResponsesSessionObserver, ResponsesTurn } from "./sessions/observer.js";
export type { GeneratedImage, ResponseHelpers, ResponseWithHelpers } from "./sessions/response-helpers.js";
export { getImages, getOutputText, withResponseHelpers } from "./sessions/response-helpers.js";
export type {
  ResponsesChatSessionOptions,
  ResponsesChunkCallback,
  ResponsesSendOptions,
  StreamedSendOptions,
  UnstreamedSendOptions,
} from "./sessions/responses-session.js";
export { ResponsesChatSession } from "./sessions/responses-session.js";
export type { SessionStreamRun } from "./sessions/session-stream.js";
export { SessionStream } from "./sessions/session-stream.js";
export type { FunctionDeclaration } from "./sessions/validate.js";
export { ChatCompletionAccumulator } from "./stream/chat-accumulator.js";
export type { ChatDeltaCallback } from "./stream/chat-delta.js";
export { ChatDeltaChunk } from "./stream/chat-delta.js";
export { ChatCompletionStream } from "./stream/chat-stream.js";
export type { CompletionChunk } from "./stream/completion-stream.js";
export { CompletionStream } from "./stream/completion-stream.js";
export { EventStream } from "./stream/event-stream.js";
export { ResponseStream } from "./stream/response-stream.js";
export {
  ResponsesAccumulator,
  responseFunctionCalls,
  responseOutputText,
  responseReasoningText,
  TERMINAL_RESPONSE_EVENTS,
} from "./stream/responses-accumulator.js";
export type { SseDecoderOptions, SseSink } from "./stream/sse.js";
export { isDoneData, SseDecoder } from "./stream/sse.js";
export type { StreamFilter, StreamFilterCallback } from "./stream/stream-filter.js";
export { createStreamFilter } from "./stream/stream-filter.js";
export type {
  StreamDiagnostics,
  StreamEndReason,
  StreamOptions,
  StreamResponseInfo,
  StreamSource,
} from "./stream/types.js";
export type { SizeLimit, Timeout } from "./transport/limits.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_ERROR_BODY_BYTES,
  DEFAULT_MAX_EVENT_SIZE,
  MAX_TIMEOUT_MS,
} from "./transport/limits.js";
export type { Hooks, RetryOptions, SendInit, TransportOptions } from "./transport/send.js";
export { send } from "./transport/send.js";
export type * from "./types/index.js";
