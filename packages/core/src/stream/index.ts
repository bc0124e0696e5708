/**
 * `@oaikit/core/stream`: the streaming machinery under the client, for code that brings its own
 * request (a proxy, a Worker relaying a stream, tests): the SSE decoder, the pure accumulators, the
 * stream engine with its `StreamSource` seam, the error-body normalisers, and lua-openai's line filter.
 */
export { normalizeErrorBody, normalizeStreamError } from "../errors/error-body.js";
export { ChatCompletionAccumulator } from "./chat-accumulator.js";
export { ChatCompletionStream } from "./chat-stream.js";
export { CompletionStream } from "./completion-stream.js";
export { ContentChunk, toContentChunk } from "./content-chunk.js";
export { EventStream } from "./event-stream.js";
export type { ResponseResumePoint, ResponseStreamOptions } from "./response-stream.js";
export { ResponseStream } from "./response-stream.js";
export {
  ResponsesAccumulator,
  responseFunctionCalls,
  responseOutputText,
  responseReasoningText,
  TERMINAL_RESPONSE_EVENTS,
} from "./responses-accumulator.js";
export type { SseDecoderOptions, SseSink } from "./sse.js";
export { isDoneData, SseDecoder } from "./sse.js";
export type { StreamFilter, StreamFilterCallback } from "./stream-filter.js";
export { createStreamFilter } from "./stream-filter.js";
export type {
  StreamCut,
  StreamDiagnostics,
  StreamEndReason,
  StreamOptions,
  StreamResponseInfo,
  StreamSource,
} from "./types.js";
