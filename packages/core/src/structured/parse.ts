/**
 * Structured outputs for both APIs: the request carries a JSON-schema response format built from the
 * schema, the answer is checked against it and returned typed.
 */
import { createChatCompletion, streamChatCompletion } from "../api/chat.js";
import { createResponse, streamResponse } from "../api/responses.js";
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { unwrap } from "../client/result.js";
import type { InferSchema, SchemaInput } from "../schema/standard.js";
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
import { isRecord } from "../utils/checks.js";
import {
  chatAnswer,
  formatBody,
  parseAnswer,
  responseAnswer,
  type StructuredFormat,
  type StructuredOptions,
  structuredFormat,
} from "./answer.js";
import { ParsedStream } from "./parsed-stream.js";

/** `parseChatCompletion`'s options: the schema and its format options, then any API parameter. */
export type ParseChatCompletionOptions<S extends SchemaInput> = StructuredOptions<S> &
  ChatCompletionCreateParams;

/** `parseResponse`'s options: the schema and its format options, then any API parameter. */
export type ParseResponseOptions<S extends SchemaInput> = StructuredOptions<S> & ResponseCreateParams;

/** A structured Chat Completions answer: the validated value, its raw text and the whole completion. */
export interface ParsedChatCompletion<T> {
  parsed: T;
  text: string;
  completion: ChatCompletion;
}

/** A structured Responses answer: the validated value, its raw text and the whole response. */
export interface ParsedResponse<T> {
  parsed: T;
  text: string;
  response: ResponseObject;
}

/** A streamed structured Chat Completions answer. */
export type ParsedChatCompletionStream<T> = ParsedStream<
  T,
  ChatCompletionChunk,
  ChatCompletion,
  ParsedChatCompletion<T>
>;

/** A streamed structured Responses answer. */
export type ParsedResponseStream<T> = ParsedStream<T, ResponseStreamEvent, ResponseObject, ParsedResponse<T>>;

function chatParams(format: StructuredFormat): ChatCompletionCreateParams {
  return { ...format.params, response_format: { type: "json_schema", json_schema: formatBody(format) } };
}

function responseParams(format: StructuredFormat): ResponseCreateParams {
  // Other `text` settings (`verbosity`, ...) are kept beside the format.
  const text = isRecord(format.params.text) ? format.params.text : {};
  return { ...format.params, text: { ...text, format: { type: "json_schema", ...formatBody(format) } } };
}

async function parsedCompletion<T>(format: StructuredFormat, completion: ChatCompletion) {
  const answer = chatAnswer(completion);
  const parsed = (await parseAnswer(format.schema, answer, completion)) as T;
  return { parsed, text: answer.text, completion };
}

async function parsedResponse<T>(format: StructuredFormat, response: ResponseObject) {
  const answer = responseAnswer(response);
  const parsed = (await parseAnswer(format.schema, answer, response)) as T;
  return { parsed, text: answer.text, response };
}

/**
 * `POST /chat/completions` with a JSON-schema `response_format` built from `schema`; resolves to the
 * validated answer (`parsed`, typed by the schema). Throws `RefusalError` (the model refused),
 * `InvalidAnswerError` (cut off, not JSON, or rejected by the schema; the raw text on `.text`), and
 * `APIError` for an error status.
 *
 * ```ts
 * const { parsed } = await parseChatCompletion(client, messages, { schema: Weather, name: "weather" });
 * ```
 */
export function parseChatCompletion<S extends SchemaInput, T = InferSchema<S>>(
  client: Client,
  messages: ChatMessage[],
  options: ParseChatCompletionOptions<S>,
  requestOptions?: RequestOptions,
): Promise<ParsedChatCompletion<T>> {
  const format = structuredFormat(options, "parseChatCompletion(client, messages, options)");
  // Checked before anything async: bad options throw at the call.
  return createChatCompletion(client, messages, chatParams(format), undefined, requestOptions).then(
    (result) => parsedCompletion<T>(format, unwrap(result)),
  );
}

/**
 * `POST /responses` with a JSON-schema `text.format` built from `schema`; resolves to the validated
 * answer (`parsed`). Same errors as `parseChatCompletion`.
 *
 * ```ts
 * const { parsed } = await parseResponse(client, "Weather in Paris?", { schema: Weather, name: "weather" });
 * ```
 */
export function parseResponse<S extends SchemaInput, T = InferSchema<S>>(
  client: Client,
  input: ResponseInput,
  options: ParseResponseOptions<S>,
  requestOptions?: RequestOptions,
): Promise<ParsedResponse<T>> {
  const format = structuredFormat(options, "parseResponse(client, input, options)");
  return createResponse(client, input, responseParams(format), undefined, requestOptions).then((result) =>
    parsedResponse<T>(format, unwrap(result)),
  );
}

/**
 * `parseChatCompletion`, streamed: iterate it for the partial answer as its JSON arrives, then the
 * validated one; `await stream.final()` for `{ parsed, text, completion }`.
 *
 * ```ts
 * const stream = streamParsedChatCompletion(client, messages, { schema: Weather, name: "weather" });
 * for await (const partial of stream) render(partial);
 * ```
 */
export function streamParsedChatCompletion<S extends SchemaInput, T = InferSchema<S>>(
  client: Client,
  messages: ChatMessage[],
  options: ParseChatCompletionOptions<S>,
  requestOptions?: RequestOptions,
): ParsedChatCompletionStream<T> {
  const format = structuredFormat(options, "streamParsedChatCompletion(client, messages, options)");
  const raw = streamChatCompletion(client, messages, chatParams(format), requestOptions);
  return new ParsedStream(raw, chatDelta, (completion) => parsedCompletion<T>(format, completion));
}

/**
 * `parseResponse`, streamed: iterate it for the partial answer as its JSON arrives, then the
 * validated one; `await stream.final()` for `{ parsed, text, response }`.
 */
export function streamParsedResponse<S extends SchemaInput, T = InferSchema<S>>(
  client: Client,
  input: ResponseInput,
  options: ParseResponseOptions<S>,
  requestOptions?: RequestOptions,
): ParsedResponseStream<T> {
  const format = structuredFormat(options, "streamParsedResponse(client, input, options)");
  const raw = streamResponse(client, input, responseParams(format), requestOptions);
  return new ParsedStream(raw, responseDelta, (response) => parsedResponse<T>(format, response));
}

/** The text of choice 0 in a chunk (the answer; a refusal streams in `delta.refusal`, not here). */
function chatDelta(chunk: ChatCompletionChunk): string | undefined {
  const choices = chunk?.choices;
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) {
    const content = choice?.index === 0 ? choice.delta?.content : undefined;
    if (typeof content === "string") return content;
  }
  return undefined;
}

/** The text of an output text delta event. */
function responseDelta(event: ResponseStreamEvent): string | undefined {
  return event?.type === "response.output_text.delta" && typeof event.delta === "string"
    ? event.delta
    : undefined;
}
