/**
 * Responses API types (`/v1/responses`). Permissive: output items and events of any type pass through,
 * so reasoning items, image_generation_call, web_search_call and future types are never rejected.
 *
 * Kept by hand rather than taken from the generated `Schemas["Response"]` and
 * `["ResponseStreamEvent"]` (`./openapi.ts`): the document's unions are closed (an event or item type
 * it does not list yet is no member), it requires fields that compatible servers (OpenRouter, vLLM)
 * leave out, and a stream's partial aggregate (after a cut) is no valid `Response`.
 * `client.call("POST /responses", ...)` gives the generated ones.
 */

/** One input content part. */
export type ResponseInputContent =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url?: string; file_id?: string; detail?: string }
  | { type: "input_file"; file_id?: string; file_url?: string; file_data?: string; filename?: string }
  | { type: string; [extra: string]: unknown };

/** One item of a Responses input list. */
export type ResponseInputItem =
  | {
      role: "system" | "developer" | "user" | "assistant";
      content: string | ResponseInputContent[];
      type?: "message";
      [extra: string]: unknown;
    }
  | { type: "function_call_output"; call_id: string; output: string; [extra: string]: unknown }
  | { type: string; [extra: string]: unknown };

/** What `createResponse` accepts as input. */
export type ResponseInput = string | ResponseInputItem[];

/** Content of an output message. */
export interface ResponseOutputContent {
  type: "output_text" | "refusal" | (string & {});
  text?: string;
  refusal?: string;
  annotations?: unknown[];
  [extra: string]: unknown;
}

/** One output item (message, function_call, reasoning, image_generation_call, ...). */
export interface ResponseOutputItem {
  type: "message" | "function_call" | "reasoning" | "image_generation_call" | (string & {});
  id?: string;
  status?: string;
  role?: string;
  content?: ResponseOutputContent[];
  name?: string;
  arguments?: string;
  call_id?: string;
  result?: string | null;
  summary?: unknown[];
  [extra: string]: unknown;
}

/** Responses usage. */
export interface ResponseUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens?: number; [extra: string]: unknown };
  output_tokens_details?: { reasoning_tokens?: number; [extra: string]: unknown };
  [extra: string]: unknown;
}

/** A `response` object. */
export interface ResponseObject {
  id: string;
  object?: "response" | (string & {});
  created_at?: number;
  status?: "completed" | "failed" | "in_progress" | "incomplete" | "cancelled" | "queued" | (string & {});
  model?: string;
  output: ResponseOutputItem[];
  usage?: ResponseUsage | null;
  error?: { code?: string | null; message?: string; [extra: string]: unknown } | null;
  incomplete_details?: { reason?: string; [extra: string]: unknown } | null;
  previous_response_id?: string | null;
  [extra: string]: unknown;
}

/** Options of `createResponse`. */
export interface ResponseCreateParams {
  model?: string;
  input?: ResponseInput;
  instructions?: string | null;
  previous_response_id?: string | null;
  stream?: boolean | null;
  tools?: { type: string; [extra: string]: unknown }[];
  tool_choice?: unknown;
  temperature?: number | null;
  max_output_tokens?: number | null;
  text?: { format?: { type: string; [extra: string]: unknown }; [extra: string]: unknown };
  reasoning?: { effort?: string | null; summary?: string | null; [extra: string]: unknown } | null;
  store?: boolean | null;
  [extra: string]: unknown;
}

/** What every streamed Responses event has. */
interface ResponseEventBase {
  sequence_number?: number;
  [extra: string]: unknown;
}

/** The events that carry the whole response: its start, progress and end. */
export interface ResponseLifecycleEvent extends ResponseEventBase {
  type:
    | "response.created"
    | "response.in_progress"
    | "response.queued"
    | "response.completed"
    | "response.incomplete"
    | "response.failed";
  response: ResponseObject;
}

/** An output item starts or ends (`item` is the whole item at that point). */
export interface ResponseOutputItemEvent extends ResponseEventBase {
  type: "response.output_item.added" | "response.output_item.done";
  output_index: number;
  item: ResponseOutputItem;
}

/** A content part of a message item starts or ends. */
export interface ResponseContentPartEvent extends ResponseEventBase {
  type: "response.content_part.added" | "response.content_part.done";
  item_id?: string;
  output_index: number;
  content_index: number;
  part: ResponseOutputContent;
}

/** A piece of text: output text, a refusal, reasoning text, or a function call's arguments. */
export interface ResponseDeltaEvent extends ResponseEventBase {
  type:
    | "response.output_text.delta"
    | "response.refusal.delta"
    | "response.reasoning_text.delta"
    | "response.function_call_arguments.delta"
    | "response.custom_tool_call_input.delta"
    | "response.mcp_call_arguments.delta"
    | "response.audio.transcript.delta"
    | "response.code_interpreter_call_code.delta";
  item_id?: string;
  output_index: number;
  content_index?: number;
  delta: string;
}

/** The end of an output text part: `text` is all of it. */
export interface ResponseTextDoneEvent extends ResponseEventBase {
  type: "response.output_text.done" | "response.reasoning_text.done";
  item_id?: string;
  output_index: number;
  content_index: number;
  text: string;
}

/** The end of a refusal: `refusal` is all of it. */
export interface ResponseRefusalDoneEvent extends ResponseEventBase {
  type: "response.refusal.done";
  item_id?: string;
  output_index: number;
  content_index: number;
  refusal: string;
}

/** The end of a function call's arguments: `arguments` is all of them. */
export interface ResponseFunctionCallArgumentsDoneEvent extends ResponseEventBase {
  type: "response.function_call_arguments.done";
  item_id?: string;
  output_index: number;
  arguments: string;
  name?: string;
}

/** A piece (`delta`) or the whole (`text`) of a reasoning summary part. */
export interface ResponseReasoningSummaryTextEvent extends ResponseEventBase {
  type: "response.reasoning_summary_text.delta" | "response.reasoning_summary_text.done";
  item_id?: string;
  output_index: number;
  summary_index: number;
  delta?: string;
  text?: string;
}

/** An `error` event: the stream reports a failure (the stream classes raise it as a `StreamError`). */
export interface ResponseErrorEvent extends ResponseEventBase {
  type: "error";
  code?: string | null;
  message: string;
  param?: string | null;
}

/** Every other event the API defines (tool progress, audio, annotations, ...), passed through as sent. */
export interface ResponseOtherEvent extends ResponseEventBase {
  type:
    | "response.reasoning_summary_part.added"
    | "response.reasoning_summary_part.done"
    | "response.output_text.annotation.added"
    | "response.audio.delta"
    | "response.audio.done"
    | "response.audio.transcript.done"
    | "response.code_interpreter_call_code.done"
    | "response.code_interpreter_call.completed"
    | "response.code_interpreter_call.in_progress"
    | "response.code_interpreter_call.interpreting"
    | "response.file_search_call.completed"
    | "response.file_search_call.in_progress"
    | "response.file_search_call.searching"
    | "response.web_search_call.completed"
    | "response.web_search_call.in_progress"
    | "response.web_search_call.searching"
    | "response.image_generation_call.completed"
    | "response.image_generation_call.generating"
    | "response.image_generation_call.in_progress"
    | "response.image_generation_call.partial_image"
    | "response.mcp_call_arguments.done"
    | "response.mcp_call.completed"
    | "response.mcp_call.failed"
    | "response.mcp_call.in_progress"
    | "response.mcp_list_tools.completed"
    | "response.mcp_list_tools.failed"
    | "response.mcp_list_tools.in_progress"
    | "response.custom_tool_call_input.done"
    | "response.shell_call_command.added"
    | "response.shell_call_command.delta"
    | "response.shell_call_command.done"
    | "response.shell_call_output_content.delta"
    | "response.shell_call_output_content.done";
  item_id?: string;
  output_index?: number;
}

/**
 * One streamed Responses event, exactly as the server sent it: a union discriminated by `type`, so
 * `if (event.type === "response.output_text.delta") show(event.delta)` is typed (`delta: string`).
 * Events the API defines later still arrive at run time; check `type` before reading their fields.
 */
export type ResponseStreamEvent =
  | ResponseLifecycleEvent
  | ResponseOutputItemEvent
  | ResponseContentPartEvent
  | ResponseDeltaEvent
  | ResponseTextDoneEvent
  | ResponseRefusalDoneEvent
  | ResponseFunctionCallArgumentsDoneEvent
  | ResponseReasoningSummaryTextEvent
  | ResponseErrorEvent
  | ResponseOtherEvent;
