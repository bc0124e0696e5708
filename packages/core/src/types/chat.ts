/**
 * Chat Completions types. Permissive on purpose: providers add fields (OpenRouter's `provider`,
 * Groq's `x_groq`, Azure's `content_filter_results`, Perplexity's `citations`), and every object keeps
 * them through an index signature instead of rejecting or dropping them.
 *
 * Kept by hand rather than taken from the generated `Schemas["CreateChatCompletionRequest"]`,
 * `["CreateChatCompletionResponse"]` and `["CreateChatCompletionStreamResponse"]` (`./openapi.ts`),
 * because the document describes OpenAI's server only, and these types are what the client reads from
 * every compatible one: it has no reasoning text (`reasoning_content`, `reasoning`), no provider field,
 * a delta `content` that is only a string (Mistral sends parts), required fields that other servers
 * leave out (`created`, `system_fingerprint`, `logprobs`), and no place for a stream's aggregate or its
 * partial (a null `finish_reason`). `client.call("POST /chat/completions", ...)` gives the generated ones.
 */

/** A content part of a user/system/developer message. */
export type ChatContentPart =
  | { type: "text"; text: string; [extra: string]: unknown }
  | {
      type: "image_url";
      image_url: { url: string; detail?: "auto" | "low" | "high" };
      [extra: string]: unknown;
    }
  | { type: "input_audio"; input_audio: { data: string; format: string }; [extra: string]: unknown }
  | {
      type: "file";
      file: { file_id?: string; file_data?: string; filename?: string };
      [extra: string]: unknown;
    }
  | { type: string; [extra: string]: unknown };

/** A function call the model asked for (tool form). */
export interface ChatToolCall {
  id: string;
  type: "function" | (string & {});
  function: { name: string; arguments: string };
  [extra: string]: unknown;
}

/** The legacy `function_call` form. */
export interface ChatFunctionCall {
  name: string;
  arguments: string;
}

/** A system (or `developer`) message: instructions for the model. */
export interface SystemMessage {
  role: "system" | "developer";
  content: string | ChatContentPart[];
  name?: string;
  [extra: string]: unknown;
}
/** A user message: text, or content parts (text, images, audio, files). */
export interface UserMessage {
  role: "user";
  content: string | ChatContentPart[];
  name?: string;
  [extra: string]: unknown;
}
/** An assistant message: the model's reply (text, refusal, reasoning, tool or function calls). */
export interface AssistantMessage {
  role: "assistant";
  content?: string | ChatContentPart[] | null;
  refusal?: string | null;
  /** Reasoning text, when the provider returns it (DeepSeek `reasoning_content`, OpenRouter `reasoning`). */
  reasoning?: string | null;
  tool_calls?: ChatToolCall[] | null;
  function_call?: ChatFunctionCall | null;
  name?: string;
  [extra: string]: unknown;
}
/** A tool result, answering the assistant's tool call `tool_call_id`. */
export interface ToolMessage {
  role: "tool";
  tool_call_id: string;
  content: string | ChatContentPart[] | null;
  name?: string;
  [extra: string]: unknown;
}
/** A legacy function result, answering the assistant's `function_call` `name`. */
export interface FunctionMessage {
  role: "function";
  name: string;
  content: string | null;
  [extra: string]: unknown;
}

/** Any message of a Chat Completions conversation. */
export type ChatMessage = SystemMessage | UserMessage | AssistantMessage | ToolMessage | FunctionMessage;

/** A function tool definition. */
export interface ChatTool {
  type: "function" | (string & {});
  function?: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
  [extra: string]: unknown;
}

/** Token usage; providers add their own detail fields. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; [extra: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; [extra: string]: unknown } | null;
  [extra: string]: unknown;
}

/** Options of `createChatCompletion`; every field of the API, plus anything a provider accepts. */
export interface ChatCompletionCreateParams {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean; [extra: string]: unknown } | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  tools?: ChatTool[];
  tool_choice?: "none" | "auto" | "required" | { type: "function"; function: { name: string } } | null;
  parallel_tool_calls?: boolean | null;
  response_format?: { type: string; [extra: string]: unknown } | null;
  functions?: { name: string; description?: string; parameters?: Record<string, unknown> }[];
  function_call?: "none" | "auto" | { name: string } | null;
  seed?: number | null;
  user?: string;
  reasoning_effort?: string | null;
  [extra: string]: unknown;
}

/** One choice of a non-streamed completion (or of a stream's aggregate). */
export interface ChatCompletionChoice {
  index: number;
  message: AssistantMessage;
  finish_reason: string | null;
  logprobs?: unknown;
  [extra: string]: unknown;
}

/** A `chat.completion` object. */
export interface ChatCompletion {
  id: string;
  object: "chat.completion" | (string & {});
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: CompletionUsage | null;
  system_fingerprint?: string | null;
  [extra: string]: unknown;
}

/** A tool-call delta inside a streamed chunk. */
export interface ChatToolCallDelta {
  index: number;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
  [extra: string]: unknown;
}

/** The delta of one choice in a `chat.completion.chunk`. */
export interface ChatCompletionDelta {
  role?: string | null;
  /**
   * The text of this piece. Typed as a string, which is what servers send; one exception is known
   * (Mistral's magistral models send an array of typed parts such as `thinking`): the aggregate
   * (`final()`) reads both, so prefer it when you talk to such a server.
   */
  content?: string | null;
  refusal?: string | null;
  reasoning?: string | null;
  reasoning_content?: string | null;
  tool_calls?: ChatToolCallDelta[] | null;
  function_call?: { name?: string | null; arguments?: string | null } | null;
  [extra: string]: unknown;
}

/** One streamed `chat.completion.chunk`, exactly as the server sent it. */
export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk" | (string & {});
  created: number;
  model: string;
  choices: {
    index: number;
    delta: ChatCompletionDelta;
    finish_reason?: string | null;
    logprobs?: unknown;
    [extra: string]: unknown;
  }[];
  usage?: CompletionUsage | null;
  /** Some providers (OpenRouter) put an error object inside an otherwise normal chunk. */
  error?: unknown;
  [extra: string]: unknown;
}
