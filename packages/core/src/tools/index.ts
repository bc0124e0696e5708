/**
 * `@oaikit/core/tools`: the tool loop for Chat Completions and the Responses API. Declare tools with a
 * schema (a Standard Schema such as zod, valibot or arktype, or a JSON Schema) and an `execute`
 * function; `runTools` sends the calls' results back to the model until it answers.
 *
 * ```ts
 * import { runTools, tool } from "@oaikit/core/tools";
 * const getWeather = tool({ name: "get_weather", parameters: z.object({ city: z.string() }), execute: ({ city }) => lookup(city) });
 * const run = await runTools(client, { input: "Weather in Paris?", tools: [getWeather] });
 * ```
 */
export type { InvalidAnswerReason, SchemaIssue } from "../errors/errors.js";
export { InvalidAnswerError, ToolExecutionError } from "../errors/errors.js";
export type { InferSchema, JsonSchema, SchemaInput, StandardSchemaLike } from "../schema/standard.js";
export { jsonSchema } from "../schema/standard.js";
export type {
  ChatSessionToolRunOptions,
  ChatToolRun,
  ChatToolRunOptions,
  ChatToolStep,
  ResponsesSessionToolRunOptions,
  ResponsesToolRun,
  ResponsesToolRunOptions,
  ResponsesToolStep,
  ToolRunFinish,
  ToolRunOptions,
  ToolStep,
} from "./run.js";
export { runTools, ToolRunStream } from "./run.js";
export type { Tool, ToolCall, ToolContext, ToolErrorMode, ToolResult } from "./tool.js";
export { tool } from "./tool.js";
