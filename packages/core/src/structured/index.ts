/**
 * `@oaikit/core/structured`: structured outputs for Chat Completions and the Responses API. The
 * request carries a JSON-schema response format built from a Standard Schema (zod, valibot, arktype)
 * or a plain JSON Schema; the answer is validated and returned typed. This subpath imports the
 * optional peer dependency `@streamparser/json` (the partial-JSON parser of the streamed forms):
 * install it with @oaikit/core to use it. Nothing else in @oaikit/core imports it.
 *
 * ```ts
 * import { parseResponse } from "@oaikit/core/structured";
 * const { parsed } = await parseResponse(client, "Weather in Paris?", { schema: Weather, name: "weather" });
 * ```
 */
export type {
  InvalidAnswerReason,
  SchemaIssue,
} from "../errors/errors.js";
export { InvalidAnswerError, RefusalError } from "../errors/errors.js";
export type {
  InferSchema,
  JsonSchema,
  SchemaInput,
  StandardProps,
  StandardResult,
  StandardSchemaLike,
} from "../schema/standard.js";
export { jsonSchema, strictSchema } from "../schema/standard.js";
export type { StructuredOptions } from "./answer.js";
export type {
  ParseChatCompletionOptions,
  ParsedChatCompletion,
  ParsedChatCompletionStream,
  ParsedResponse,
  ParsedResponseStream,
  ParseResponseOptions,
} from "./parse.js";
export {
  parseChatCompletion,
  parseResponse,
  streamParsedChatCompletion,
  streamParsedResponse,
} from "./parse.js";
export type { DeepPartial } from "./parsed-stream.js";
export { ParsedStream } from "./parsed-stream.js";
