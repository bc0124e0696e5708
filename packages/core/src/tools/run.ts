/**
 * `runTools`: the tool loop for both APIs, on a client or on a session. Each step is one model call;
 * the calls it asks for run at once and their results go back in the next call, until the model
 * answers without a call or `maxSteps` calls were made. On a session, the run holds the session
 * (`sessions/run-hold.ts`: its status stays `streaming` while the tools run, `stop()` ends the run)
 * and returns a `ToolRunStream`: the same `ContentChunk`s as `sendStream`, `final()` (or `await`),
 * `abort()`.
 */
import { createChatCompletion, streamChatCompletion } from "../api/chat.js";
import { createResponse, streamResponse } from "../api/responses.js";
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { unwrap } from "../client/result.js";
import { ToolExecutionError } from "../errors/errors.js";
import type { SchemaInput } from "../schema/standard.js";
import type { ChatSession } from "../sessions/chat-session.js";
import type { ResponsesChatSession } from "../sessions/responses-session.js";
import { holdOf, holdSession } from "../sessions/run-hold.js";
import { SessionStream } from "../sessions/session-stream.js";
import type { ContentChunk } from "../stream/content-chunk.js";
import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatMessage,
} from "../types/chat.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseInputItem,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";
import { describeValue, isRecord } from "../utils/checks.js";
import {
  executeCalls,
  type PreparedTool,
  prepareTools,
  type Tool,
  type ToolCall,
  type ToolErrorMode,
  type ToolResult,
} from "./tool.js";

/** One model call of a run, and the tool calls it asked for. */
export interface ToolStep {
  /** From 0. */
  index: number;
  /** The text of the model's message (often empty when it calls tools). */
  text: string;
  toolCalls: ToolCall[];
  /** In the calls' order. */
  toolResults: ToolResult[];
}

/** A Chat Completions step: with its `chat.completion`. */
export interface ChatToolStep extends ToolStep {
  completion: ChatCompletion;
}

/** A Responses step: with its `response`. */
export interface ResponsesToolStep extends ToolStep {
  response: ResponseObject;
}

/** Why a run stopped: the model answered, or it was still calling tools after `maxSteps` calls. */
export type ToolRunFinish = "answer" | "max-steps";

/** What every run accepts. */
export interface ToolRunOptions<Step> {
  /** The tools the model may call (declare them with `tool({...})`). */
  tools: readonly Tool<SchemaInput, unknown>[];
  /** Most model calls in the run (default 10). The calls of the last step are run, not sent back. */
  maxSteps?: number;
  /** Aborts the run: the request in flight, and `context.signal` of the tools running. */
  signal?: AbortSignal;
  /** Streams every model call (implied by `onChunk`). */
  stream?: boolean;
  /** Called after every step, tool results included; the run waits for it. */
  onStep?: (step: Step) => unknown;
  /** A call that throws (or has bad arguments): `"send"` its error to the model (default) or `"throw"` a `ToolExecutionError`. */
  onToolError?: ToolErrorMode;
  /** Per-call options of every request (headers, timeouts, retries). */
  requestOptions?: RequestOptions;
}

/** `runTools(client, { messages, tools })`: Chat Completions. */
export interface ChatToolRunOptions extends ToolRunOptions<ChatToolStep> {
  messages: ChatMessage[];
  // The other forms' keys, typed away: an overload whose key does not fit fails before TypeScript
  // types the callbacks (else `onChunk`'s chunk keeps the type of the first overload it tried).
  input?: undefined;
  session?: undefined;
  /** API parameters of every call (`model`, `tool_choice`, `parallel_tool_calls`, ...). */
  params?: ChatCompletionCreateParams;
  /** Every raw chunk of every streamed call, with its step index. */
  onChunk?: (chunk: ChatCompletionChunk, step: number) => void;
}

/** `runTools(client, { input, tools })`: the Responses API. */
export interface ResponsesToolRunOptions extends ToolRunOptions<ResponsesToolStep> {
  input: ResponseInput;
  messages?: undefined;
  session?: undefined;
  /** API parameters of every call (`model`, `instructions`, `previous_response_id`, ...). */
  params?: ResponseCreateParams;
  /** Every raw event of every streamed call, with its step index. */
  onChunk?: (event: ResponseStreamEvent, step: number) => void;
}

/** `runTools(client, { session, input, tools })` on a `ChatSession`: the run goes into its history. */
export interface ChatSessionToolRunOptions extends ToolRunOptions<ChatToolStep> {
  session: ChatSession;
  messages?: undefined;
  /** The user's message (a string or a message); without it, the session answers its history as it is. */
  input?: string | ChatMessage;
  params?: ChatCompletionCreateParams;
  /** Every chunk with text or tool calls (what the session's `sendStream` yields), with the step index. */
  onChunk?: (chunk: ContentChunk, step: number) => void;
}

/** `runTools(client, { session, input, tools })` on a `ResponsesChatSession`: chained by the session. */
export interface ResponsesSessionToolRunOptions extends ToolRunOptions<ResponsesToolStep> {
  session: ResponsesChatSession;
  messages?: undefined;
  input: ResponseInput;
  params?: ResponseCreateParams;
  /** Every text chunk (what the session's `sendStream` yields), with the step index. */
  onChunk?: (chunk: ContentChunk, step: number) => void;
}

/**
 * A tool run on a session: `for await (const chunk of run)` gives every step's `ContentChunk`s as they
 * stream (the session's `sendStream` chunks); `await run` or `await run.final()` gives the result;
 * `run.abort()` (or the session's `stop()`) ends it: the request in flight is aborted (its partial
 * reply kept), the tools get an aborted `context.signal`, and the run rejects.
 */
export class ToolRunStream<Run> extends SessionStream<Run> implements PromiseLike<Run> {
  // biome-ignore lint/suspicious/noThenProperty: the stream is awaitable on purpose (`await runTools(...)`).
  then<A = Run, B = never>(
    onFulfilled?: ((run: Run) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.final().then(onFulfilled, onRejected);
  }
}

/** The result of a Chat Completions run. */
export interface ChatToolRun {
  finish: ToolRunFinish;
  /** The text of the last message. */
  text: string;
  /** The last `chat.completion`. */
  completion: ChatCompletion;
  /** The whole conversation: the messages given, then the run's (for a session, its history). */
  messages: ChatMessage[];
  steps: ChatToolStep[];
}

/** The result of a Responses run. */
export interface ResponsesToolRun {
  finish: ToolRunFinish;
  /** The output text of the last response. */
  text: string;
  /** The last `response`. */
  response: ResponseObject;
  /**
   * The run as input items: the input given, every output item and every `function_call_output`.
   * Send it (plus a new message) to go on without `previous_response_id`. For a session: the
   * session's own chain continues instead, and this holds only the run's items.
   */
  input: ResponseInputItem[];
  /**
   * When the run stopped at `maxSteps`: the last calls' `function_call_output` items, not sent yet.
   * The server expects them before anything else: put them first in the next input.
   */
  unsent: ResponseInputItem[];
  steps: ResponsesToolStep[];
}

/**
 * Runs the tool loop. The API follows from the options: `messages` for Chat Completions, `input` for
 * the Responses API, `session` for a `ChatSession` or `ResponsesChatSession` (the run is added to its
 * history). Resolves when the model answers without calling a tool, or after `maxSteps` model calls.
 *
 * ```ts
 * const run = await runTools(client, { input: "Weather in Paris?", tools: [getWeather] });
 * console.log(run.text);
 * ```
 *
 * Rejects with `APIError` for an error status, the stream errors when streaming, and
 * `ToolExecutionError` with `onToolError: "throw"`. Bad options throw a `TypeError` at the call.
 */
export function runTools(client: Client, options: ChatToolRunOptions): Promise<ChatToolRun>;
export function runTools(client: Client, options: ResponsesToolRunOptions): Promise<ResponsesToolRun>;
export function runTools(client: Client, options: ChatSessionToolRunOptions): ToolRunStream<ChatToolRun>;
export function runTools(
  client: Client,
  options: ResponsesSessionToolRunOptions,
): ToolRunStream<ResponsesToolRun>;
export function runTools(
  client: Client,
  options:
    | ChatToolRunOptions
    | ResponsesToolRunOptions
    | ChatSessionToolRunOptions
    | ResponsesSessionToolRunOptions,
): Promise<ChatToolRun | ResponsesToolRun> | ToolRunStream<ChatToolRun | ResponsesToolRun> {
  const where = "runTools(client, options)";
  if (!isRecord(options))
    throw new TypeError(`${where}: options must be an object (got ${describeValue(options)}).`);
  const run = checkRun(options, where);
  if ("session" in options && options.session !== undefined) {
    const session = options.session as unknown;
    if (!isRecord(session) || session.client !== client) {
      throw new TypeError(
        `${where}: options.session must be a ChatSession or ResponsesChatSession of this client.`,
      );
    }
    const chat = Array.isArray(session.messages) && typeof session.generateStream === "function";
    if (!chat && !(Array.isArray(session.turns) && Array.isArray(session.responseHistory))) {
      throw new TypeError(`${where}: options.session must be a ChatSession or a ResponsesChatSession.`);
    }
    if (session.busy === true || holdOf(session)) {
      throw new TypeError(`${where}: the session is generating a reply; await it (or stop it) first.`);
    }
    return chat
      ? sessionRun(options as ChatSessionToolRunOptions, run, chatSessionLoop)
      : sessionRun(options as ResponsesSessionToolRunOptions, run, responsesSessionLoop);
  }
  if ("messages" in options) {
    if (!Array.isArray(options.messages)) {
      throw new TypeError(
        `${where}: messages must be an array of chat messages (got ${describeValue(options.messages)}).`,
      );
    }
    return chatLoop(client, options as ChatToolRunOptions, run);
  }
  if ("input" in options) {
    if (typeof options.input !== "string" && !Array.isArray(options.input)) {
      throw new TypeError(
        `${where}: input must be a string or an array of input items (got ${describeValue(options.input)}).`,
      );
    }
    return responsesLoop(client, options as ResponsesToolRunOptions, run);
  }
  throw new TypeError(
    `${where}: pass \`messages\` (Chat Completions), \`input\` (Responses) or a \`session\`.`,
  );
}

/** A run's settings, checked. */
interface Run {
  tools: Map<string, PreparedTool>;
  maxSteps: number;
  stream: boolean;
  signal: AbortSignal | undefined;
  onToolError: ToolErrorMode;
  requestOptions: RequestOptions | undefined;
}

function checkRun(options: ToolRunOptions<never> & { onChunk?: unknown }, where: string): Run {
  const { maxSteps = 10, onToolError = "send", onStep, onChunk, signal } = options;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new TypeError(`${where}: maxSteps must be a whole number >= 1 (got ${describeValue(maxSteps)}).`);
  }
  if (onToolError !== "send" && onToolError !== "throw") {
    throw new TypeError(
      `${where}: onToolError must be "send" or "throw" (got ${describeValue(onToolError)}).`,
    );
  }
  for (const [name, value] of [
    ["onStep", onStep],
    ["onChunk", onChunk],
  ] as const) {
    if (value !== undefined && typeof value !== "function") {
      throw new TypeError(`${where}: ${name} must be a function (got ${describeValue(value)}).`);
    }
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal (got ${describeValue(signal)}).`);
  }
  return {
    tools: prepareTools(options.tools, where),
    maxSteps,
    stream: options.stream === true || onChunk !== undefined,
    signal,
    onToolError,
    requestOptions: signal ? { ...options.requestOptions, signal } : options.requestOptions,
  };
}

/**
 * Runs a step's calls and reports the step. Returns false when the run is over: the model answered,
 * or this was the last step allowed.
 */
async function finishStep<Step extends ToolStep>(
  run: Run,
  step: Step,
  steps: Step[],
  onStep: ((step: Step) => unknown) | undefined,
): Promise<boolean> {
  steps.push(step);
  if (step.toolCalls.length > 0) {
    try {
      step.toolResults = await executeCalls(step.toolCalls, run.tools, {
        signal: run.signal,
        step: step.index,
        onToolError: run.onToolError,
      });
    } catch (error) {
      if (error instanceof ToolExecutionError) error.steps = steps;
      throw error;
    }
  }
  await onStep?.(step);
  return step.toolCalls.length > 0 && step.index + 1 < run.maxSteps;
}

// ------------------------------------------------------------------ Chat Completions

/** Choice 0's message, and its function calls. */
function chatReply(completion: ChatCompletion): {
  message: AssistantMessage;
  calls: ToolCall[];
  text: string;
} {
  const message = completion?.choices?.[0]?.message ?? { role: "assistant" as const, content: null };
  const calls = (Array.isArray(message.tool_calls) ? message.tool_calls : [])
    .filter((call) => call?.type === "function" || call?.type === undefined)
    .map((call) => ({
      id: String(call.id),
      name: String(call.function?.name),
      arguments: String(call.function?.arguments ?? ""),
    }));
  const text = typeof message.content === "string" ? message.content : "";
  return { message, calls, text };
}

/** The assistant message to send back: only what the next request needs. */
function historyMessage(message: AssistantMessage): AssistantMessage {
  const kept: AssistantMessage = { role: "assistant", content: message.content ?? null };
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0)
    kept.tool_calls = message.tool_calls;
  return kept;
}

function toolMessages(results: ToolResult[]): ChatMessage[] {
  return results.map((r) => ({ role: "tool", tool_call_id: r.toolCallId, content: r.output }));
}

function chatTools(run: Run) {
  return [...run.tools.values()].map((t) => t.chat);
}

async function chatLoop(client: Client, options: ChatToolRunOptions, run: Run): Promise<ChatToolRun> {
  const messages = [...options.messages];
  const steps: ChatToolStep[] = [];
  const params = { ...options.params, tools: chatTools(run) };
  for (let index = 0; ; index++) {
    let completion: ChatCompletion;
    if (run.stream) {
      const stream = streamChatCompletion(client, messages, params, run.requestOptions);
      for await (const chunk of stream) options.onChunk?.(chunk, index);
      completion = await stream.final();
    } else {
      completion = unwrap(
        await createChatCompletion(client, messages, params, undefined, run.requestOptions),
      );
    }
    const { message, calls, text } = chatReply(completion);
    messages.push(historyMessage(message));
    const step: ChatToolStep = { index, text, toolCalls: calls, toolResults: [], completion };
    const more = await finishStep(run, step, steps, options.onStep);
    messages.push(...toolMessages(step.toolResults));
    if (!more) return { finish: calls.length ? "max-steps" : "answer", text, completion, messages, steps };
  }
}

/** What a session loop gets: the run (its signal is the hold's), the hold, and where chunks go. */
interface SessionRun extends Run {
  signal: AbortSignal;
  /** Starts a model call on the session: the hold lets the run's own claim through. */
  call<T>(start: () => T): T;
  push(chunk: ContentChunk, step: number): void;
}

/**
 * Holds the session for the run and returns its stream. The hold is taken at once (the session's
 * status turns `streaming`, a send from elsewhere is refused) and released when the run ends.
 */
function sessionRun<O extends ChatSessionToolRunOptions | ResponsesSessionToolRunOptions, R>(
  options: O,
  run: Run,
  loop: (options: O, run: SessionRun) => Promise<R>,
): ToolRunStream<R> {
  const controller = new AbortController();
  const release = holdSession(options.session, controller);
  const abort = () => controller.abort();
  run.signal?.addEventListener("abort", abort, { once: true });
  if (run.signal?.aborted) abort();
  return new ToolRunStream<R>(async (push, streamSignal) => {
    streamSignal.addEventListener("abort", abort, { once: true });
    if (streamSignal.aborted) abort();
    const hold = holdOf(options.session)!;
    const { signal } = controller;
    try {
      return await loop(options, {
        ...run,
        signal,
        requestOptions: { ...run.requestOptions, signal },
        call: (start) => {
          hold.inside = true;
          try {
            return start();
          } finally {
            hold.inside = false;
          }
        },
        push: (chunk, step) => {
          options.onChunk?.(chunk, step);
          push(chunk);
        },
      });
    } finally {
      release();
      run.signal?.removeEventListener("abort", abort);
    }
  });
}

async function chatSessionLoop(options: ChatSessionToolRunOptions, run: SessionRun): Promise<ChatToolRun> {
  const { session } = options;
  const steps: ChatToolStep[] = [];
  const sendOptions = () => ({
    ...options.params,
    tools: chatTools(run),
    signal: run.signal,
    requestOptions: run.requestOptions,
  });
  const modelCall = async (index: number, input: string | ChatMessage | undefined) => {
    if (!run.stream) {
      await run.call(() =>
        input !== undefined
          ? session.send(input, sendOptions())
          : session.generateResponse(true, sendOptions()),
      );
      return;
    }
    const stream = run.call(() =>
      input !== undefined ? session.sendStream(input, sendOptions()) : session.generateStream(sendOptions()),
    );
    for await (const chunk of stream) run.push(chunk, index);
    await stream.final();
  };
  await modelCall(0, options.input);
  for (let index = 0; ; ) {
    const completion = session.lastCompletion as ChatCompletion;
    const last = session.lastMessage() as AssistantMessage;
    const { calls, text } = chatReply({
      ...completion,
      choices: [{ index: 0, message: last, finish_reason: null }],
    });
    const step: ChatToolStep = { index, text, toolCalls: calls, toolResults: [], completion };
    const more = await finishStep(run, step, steps, options.onStep);
    if (step.toolResults.length) session.appendMessage(...toolMessages(step.toolResults));
    if (!more) {
      const finish = calls.length ? "max-steps" : "answer";
      return { finish, text, completion, messages: [...session.messages], steps };
    }
    index++;
    await modelCall(index, undefined);
  }
}

// ------------------------------------------------------------------ Responses API

function responseReply(response: ResponseObject): { calls: ToolCall[]; text: string } {
  const output = Array.isArray(response?.output) ? response.output : [];
  const calls = output
    .filter((item) => item?.type === "function_call")
    .map((item) => ({
      id: String(item.call_id),
      name: String(item.name),
      arguments: String(item.arguments ?? ""),
    }));
  let text = "";
  for (const item of output) {
    if (item?.type !== "message" || !Array.isArray(item.content)) continue;
    for (const part of item.content)
      if (part?.type === "output_text" && typeof part.text === "string") text += part.text;
  }
  return { calls, text };
}

function outputItems(results: ToolResult[]): ResponseInputItem[] {
  return results.map((r) => ({ type: "function_call_output", call_id: r.toolCallId, output: r.output }));
}

function responsesRun(
  calls: ToolCall[],
  text: string,
  response: ResponseObject,
  input: ResponseInputItem[],
  results: ResponseInputItem[],
  steps: ResponsesToolStep[],
): ResponsesToolRun {
  const finish = calls.length ? "max-steps" : "answer";
  return { finish, text, response, input, unsent: finish === "max-steps" ? results : [], steps };
}

function responsesTools(run: Run) {
  return [...run.tools.values()].map((t) => t.responses);
}

async function responsesLoop(
  client: Client,
  options: ResponsesToolRunOptions,
  run: Run,
): Promise<ResponsesToolRun> {
  const { input } = options;
  // The whole run is sent each time (OpenAI's documented loop), so it works with `store: false` too.
  const items: ResponseInputItem[] =
    typeof input === "string" ? [{ role: "user", content: input }] : [...input];
  const steps: ResponsesToolStep[] = [];
  const params = { ...options.params, tools: responsesTools(run) };
  for (let index = 0; ; index++) {
    let response: ResponseObject;
    if (run.stream) {
      const stream = streamResponse(client, items, params, run.requestOptions);
      for await (const event of stream) options.onChunk?.(event, index);
      response = await stream.final();
    } else {
      response = unwrap(await createResponse(client, items, params, undefined, run.requestOptions));
    }
    const { calls, text } = responseReply(response);
    items.push(...((response.output ?? []) as ResponseInputItem[]));
    const step: ResponsesToolStep = { index, text, toolCalls: calls, toolResults: [], response };
    const more = await finishStep(run, step, steps, options.onStep);
    const results = outputItems(step.toolResults);
    items.push(...results);
    if (!more) return responsesRun(calls, text, response, items, results, steps);
  }
}

async function responsesSessionLoop(
  options: ResponsesSessionToolRunOptions,
  run: SessionRun,
): Promise<ResponsesToolRun> {
  const { session } = options;
  const steps: ResponsesToolStep[] = [];
  const items: ResponseInputItem[] = [];
  const send = async (input: ResponseInput, index: number) => {
    const sendOptions = {
      ...options.params,
      tools: responsesTools(run),
      signal: run.signal,
      requestOptions: run.requestOptions,
    };
    if (run.stream) {
      const stream = run.call(() => session.sendStream(input, sendOptions));
      for await (const chunk of stream) run.push(chunk, index);
      return (await stream.final()) as ResponseObject;
    }
    return (await run.call(() => session.send(input, sendOptions as UnstreamedOptions))) as ResponseObject;
  };
  let response = await send(options.input, 0);
  for (let index = 0; ; ) {
    const { calls, text } = responseReply(response);
    items.push(...((response.output ?? []) as ResponseInputItem[]));
    const step: ResponsesToolStep = { index, text, toolCalls: calls, toolResults: [], response };
    const more = await finishStep(run, step, steps, options.onStep);
    const results = outputItems(step.toolResults);
    items.push(...results);
    if (!more) return responsesRun(calls, text, response, items, results, steps);
    index++;
    response = await send(results, index);
  }
}

/** The session's unstreamed send options (its overload that resolves to the response object). */
type UnstreamedOptions = Parameters<ResponsesChatSession["send"]>[1] & { stream?: false };
