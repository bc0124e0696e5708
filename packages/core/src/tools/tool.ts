/**
 * Tools: a name, a schema for the arguments and an `execute` function. Declared once, sent in either
 * API's form, and run with their arguments checked against the schema first.
 */
import { InvalidAnswerError, type SchemaIssue, ToolExecutionError } from "../errors/errors.js";
import {
  type InferSchema,
  type ResolvedSchema,
  resolveSchema,
  type SchemaInput,
} from "../schema/standard.js";
import type { ChatTool } from "../types/chat.js";
import { describeValue } from "../utils/checks.js";

/** What `execute` gets besides the arguments. */
export interface ToolContext {
  /** The id of the call (`tool_call_id` / `call_id`). */
  toolCallId: string;
  /** The run's signal: pass it on to abort your own work when the run is aborted. */
  signal: AbortSignal | undefined;
  /** The index of the step (model call) that asked for this call, from 0. */
  step: number;
}

/** A tool the model may call. Use `tool({...})` to get the argument types from the schema. */
export interface Tool<S extends SchemaInput = SchemaInput, Result = unknown> {
  /** The function name the model calls (letters, digits, `_` and `-`, up to 64). */
  name: string;
  /** What the tool does and when to use it, for the model. */
  description?: string;
  /** The arguments' schema: a Standard Schema with JSON Schema support (zod, arktype, valibot) or a JSON Schema. */
  parameters: S;
  /** Strict mode for the arguments (default true; see `StructuredOptions.strict`). */
  strict?: boolean;
  /**
   * Runs the call with its checked arguments. The result goes back to the model (a string as it is,
   * anything else as JSON); a thrown error too, as `{"error": message}`, unless `onToolError: "throw"`.
   */
  execute(args: InferSchema<S>, context: ToolContext): Result | Promise<Result>;
}

/** Declares a tool with its argument types inferred from `parameters` (returns it unchanged). */
export function tool<S extends SchemaInput, Result>(definition: Tool<S, Result>): Tool<S, Result> {
  return definition;
}

/** A call the model asked for, as both APIs give it. */
export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them (JSON text). */
  arguments: string;
}

/** What a call gave back. */
export interface ToolResult {
  toolCallId: string;
  name: string;
  /** The text sent back to the model. */
  output: string;
  /** What `execute` returned (absent when it failed). */
  result?: unknown;
  /** Why the call failed: the error `execute` threw, or an `InvalidAnswerError` for bad arguments. */
  error?: unknown;
}

/** A tool read once: its checked schema and its declaration in each API's form. */
export interface PreparedTool {
  tool: Tool;
  schema: ResolvedSchema;
  chat: ChatTool;
  responses: { type: "function"; [key: string]: unknown };
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Checks the tools and converts their schemas (once per run). */
export function prepareTools(tools: unknown, where: string): Map<string, PreparedTool> {
  if (!Array.isArray(tools) || tools.length === 0) {
    throw new TypeError(
      `${where}: tools must be a non-empty array of tools, e.g. [tool({ name, parameters, execute })] (got ${describeValue(tools)}).`,
    );
  }
  const prepared = new Map<string, PreparedTool>();
  tools.forEach((item: Tool, i) => {
    const at = `${where}: tools[${i}]`;
    if (typeof item !== "object" || item === null)
      throw new TypeError(`${at} must be a tool object (got ${describeValue(item)}).`);
    if (typeof item.name !== "string" || !NAME.test(item.name)) {
      throw new TypeError(`${at}.name must be 1 to 64 letters, digits, "_" or "-".`);
    }
    if (prepared.has(item.name)) throw new TypeError(`${at}: two tools are named "${item.name}".`);
    if (typeof item.execute !== "function")
      throw new TypeError(`${at}.execute must be a function (args, context) => result.`);
    const strict = item.strict ?? true;
    const schema = resolveSchema(item.parameters, strict, `${at}.parameters`);
    const declaration = {
      name: item.name,
      ...(item.description === undefined ? {} : { description: item.description }),
      parameters: schema.json,
      strict,
    };
    prepared.set(item.name, {
      tool: item as Tool,
      schema,
      chat: { type: "function", function: declaration },
      responses: { type: "function", ...declaration },
    });
  });
  return prepared;
}

/** How a failed call is handled: its error goes back to the model (default), or ends the run. */
export type ToolErrorMode = "send" | "throw";

/** Runs every call of a step at once; the results keep the calls' order. */
export async function executeCalls(
  calls: ToolCall[],
  tools: Map<string, PreparedTool>,
  context: { signal: AbortSignal | undefined; step: number; onToolError: ToolErrorMode },
): Promise<ToolResult[]> {
  let failure: ToolExecutionError | undefined;
  const results = await Promise.all(
    calls.map(async (call): Promise<ToolResult> => {
      try {
        const result = await executeOne(call, tools, context);
        return { toolCallId: call.id, name: call.name, output: outputText(result), result };
      } catch (error) {
        failure ??= new ToolExecutionError(call.name, call.id, error);
        return {
          toolCallId: call.id,
          name: call.name,
          output: JSON.stringify({ error: forModel(error) }),
          error,
        };
      }
    }),
  );
  // Every call has settled (none is left running) before a failure ends the run.
  if (failure && context.onToolError === "throw") throw failure;
  return results;
}

async function executeOne(
  call: ToolCall,
  tools: Map<string, PreparedTool>,
  context: { signal: AbortSignal | undefined; step: number },
): Promise<unknown> {
  const prepared = tools.get(call.name);
  if (!prepared) throw new UnknownToolError(call.name, [...tools.keys()]);
  let args: unknown;
  try {
    args = JSON.parse(call.arguments === "" ? "{}" : call.arguments);
  } catch {
    throw new InvalidAnswerError("not-json", { text: call.arguments, raw: call });
  }
  const checked = await prepared.schema.validate(args);
  if ("issues" in checked) {
    throw new InvalidAnswerError("schema", { text: call.arguments, raw: call, issues: checked.issues });
  }
  return prepared.tool.execute(checked.value as never, {
    toolCallId: call.id,
    signal: context.signal,
    step: context.step,
  });
}

/** The model asked for a tool that the run does not have (sent back to it, so it can pick another). */
class UnknownToolError extends Error {
  override name = "UnknownToolError";
  constructor(name: string, known: string[]) {
    super(`There is no tool named "${name}". The tools are: ${known.join(", ")}.`);
  }
}

/** What the model reads about a failed call: words it can act on, never a stack. */
function forModel(error: unknown): string {
  if (error instanceof InvalidAnswerError) {
    return error.reason === "schema"
      ? `The arguments do not match the tool's schema: ${issueList(error.issues)}. Call it again with corrected arguments.`
      : "The arguments are not valid JSON. Call the tool again with a JSON object.";
  }
  return error instanceof Error ? error.message : String(error);
}

function issueList(issues: readonly SchemaIssue[]): string {
  return issues
    .map((issue) => `${issue.path?.length ? `${issue.path.map(String).join(".")}: ` : ""}${issue.message}`)
    .join("; ");
}

/** A result as the model reads it: a string as it is, anything else as JSON. */
function outputText(result: unknown): string {
  if (typeof result === "string") return result;
  return JSON.stringify(result) ?? "null";
}
