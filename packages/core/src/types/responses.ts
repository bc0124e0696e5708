/**
 * Responses API types (`/v1/responses`). Permissive: output items and events of any type pass through,
 * so reasoning items, image_generation_call, web_search_call and future types are never rejected.
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

/** One streamed Responses event (`response.output_text.delta`, `response.completed`, `error`, ...). */
export interface ResponseStreamEvent {
  type: string;
  sequence_number?: number;
  delta?: string;
  response?: ResponseObject;
  item?: ResponseOutputItem;
  output_index?: number;
  item_id?: string;
  [extra: string]: unknown;
}
