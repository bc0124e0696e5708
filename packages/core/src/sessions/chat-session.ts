/**
 * `ChatSession`: lua-openai's Chat Completions conversation (lua-openai `ChatSession`), with the
 * DESIGN.md fixes: `developer` role and any content parts accepted, replies without `usage` accepted,
 * any 2xx is success, errors are thrown as `ChatSessionError` with lua-openai's texts. Beyond lua-openai:
 * an async-iterator form (`sendStream`), `truncate`/`regenerate`/`setMessages`/`stop` for chat UIs, a
 * live view for them (`subscribe`/`getSnapshot`, see `live.ts`), and an observer that a store
 * (`@oaikit/sessions`) uses to persist every change as it happens.
 */

import { createChatCompletion, streamChatCompletion } from "../api/chat.js";
import { APIError, ChatSessionError } from "../errors/errors.js";
import { type ContentChunk, toContentChunk } from "../stream/content-chunk.js";
import type {
  AssistantMessage,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatFunctionCall,
  ChatMessage,
  ChatTool,
  ChatToolCall,
} from "../types/chat.js";
import type { SessionClient, SessionRequestOptions } from "./client-contract.js";
import { LiveView, type SessionSnapshot, statusOf } from "./live.js";
import { contentText } from "./message-text.js";
import type { ChatSessionObserver } from "./observer.js";
import { holdOf, watchHold } from "./run-hold.js";
import { SessionStream } from "./session-stream.js";
import {
  apiErrorOf,
  assignDefined,
  chatStatusMessage,
  checkInterval,
  checkOptions,
  checkTruncate,
  incompleteReason,
  isStop,
  LOCAL_KEYS,
  notify,
  requestOptionsFor,
  sendOptions,
} from "./shared.js";
import {
  assertChatMessage,
  assertFunctionDeclaration,
  type FunctionDeclaration,
  parseChatReply,
} from "./validate.js";

/** Called for every streamed chunk: `chunk.content` / `String(chunk)` is the text; `raw` the chunk as sent. */
export type ChatChunkCallback = (chunk: ContentChunk, raw: ChatCompletionChunk) => void;

/** What `send()` and `generateResponse()` return: the reply text, or the assistant message of a tool/function call. */
export type ChatReply = string | AssistantMessage;

/** A `ChatSession`'s snapshot: its messages, and the assistant message being streamed as `pending`. */
export type ChatSnapshot = SessionSnapshot<ChatMessage, AssistantMessage>;

/** Options of `new ChatSession(client, opts)`. */
export interface ChatSessionOptions {
  /** Model; default: the client's `defaultModel`. */
  model?: string;
  /** Sampling temperature; default: the server's. */
  temperature?: number;
  /** Tools offered to the model (also `session.tools`, mutable between sends). */
  tools?: ChatTool[];
  /** `tool_choice` for every request. */
  tool_choice?: ChatCompletionCreateParams["tool_choice"];
  /** `parallel_tool_calls` for every request. */
  parallel_tool_calls?: boolean;
  /** `response_format` for every request (structured output). */
  response_format?: ChatCompletionCreateParams["response_format"];
  /** Legacy function declarations (also `session.functions`). */
  functions?: FunctionDeclaration[];
  /** Legacy `function_call` for every request. */
  function_call?: ChatCompletionCreateParams["function_call"];
  /** Any other API parameters sent with every request (`max_completion_tokens`, `seed`, ...). */
  params?: ChatCompletionCreateParams;
  /** The initial history, or a restored one. Validated; does not fire `observer.onAppend`. */
  messages?: ChatMessage[];
  /** Reports every change of the history (used by `@oaikit/sessions` to persist it). */
  observer?: ChatSessionObserver;
  /** Per-call options for every request (headers, timeouts, retries). */
  requestOptions?: SessionRequestOptions;
  /**
   * Minimum gap between two notifications of `subscribe`'s listeners while a reply streams, in ms.
   * Default: one animation frame (`requestAnimationFrame` where there is one, else 16 ms).
   */
  notifyIntervalMs?: number;
}

/** Per-request options: API parameters that override the session's, plus the keys below (never sent). */
export interface ChatSendOptions extends ChatCompletionCreateParams {
  /** Streams the reply and calls this per chunk (lua-openai's name). */
  stream_callback?: ChatChunkCallback;
  /** Same as `stream_callback`. */
  onChunk?: ChatChunkCallback;
  /** Aborts the request; a streamed partial reply is kept and reported as incomplete. */
  signal?: AbortSignal;
  /** Per-call options for this request (headers, timeouts, retries). */
  requestOptions?: SessionRequestOptions;
}

/** The assistant message kept in the history: only what the next request needs. */
function historyMessage(reply: Record<string, unknown>): AssistantMessage {
  const message: AssistantMessage = { role: "assistant" };
  // Kept exactly, `null` included (lua-openai test "with functions": content null must be preserved).
  if ("content" in reply) message.content = reply.content as AssistantMessage["content"];
  if (reply.function_call) message.function_call = reply.function_call as ChatFunctionCall;
  if (Array.isArray(reply.tool_calls) && reply.tool_calls.length > 0) {
    message.tool_calls = reply.tool_calls as ChatToolCall[];
  }
  // A refusal is the reply's text when content is null; keep it rather than lose it.
  if (typeof reply.refusal === "string") message.refusal = reply.refusal;
  return message;
}

/** `send()`'s return value: the message for a tool or function call, else the text. */
function replyValue(message: AssistantMessage): ChatReply {
  if (message.function_call || (message.tool_calls && message.tool_calls.length > 0)) return message;
  return contentText(message.content);
}

/** lua-openai's `Bad status` error for an error status, with the body as `raw` and the `APIError` as `cause`. */
function statusError(status: number, raw: unknown, cause: APIError): ChatSessionError {
  return new ChatSessionError(chatStatusMessage(status, raw), { status, raw, cause });
}

/**
 * The history message of a streamed reply: `content` only when there is text; the tool calls and the
 * legacy function call of the stream's aggregate (every choice, in index order: a session has one
 * reply). The text is lua-openai's: every one-choice chunk's content in arrival order, whatever its
 * choice index (a ported lua-openai case streams indexes 0, 1, 2 as one reply).
 */
function streamedMessage(text: string, completion: ChatCompletion | undefined): AssistantMessage {
  const reply: AssistantMessage = { role: "assistant" };
  if (text !== "") reply.content = text;
  for (const choice of completion?.choices ?? []) {
    const message = choice.message;
    if (message.tool_calls && message.tool_calls.length > 0) {
      reply.tool_calls = [...(reply.tool_calls ?? []), ...message.tool_calls];
    }
    if (message.function_call) reply.function_call ??= message.function_call;
  }
  return reply;
}

/** An immutable copy of the reply being streamed (its live tool calls are grown in place). */
function pendingCopy(partial: AssistantMessage): AssistantMessage {
  const copy = { ...partial };
  if (copy.tool_calls)
    copy.tool_calls = copy.tool_calls.map((call) => ({ ...call, function: { ...call.function } }));
  if (copy.function_call) copy.function_call = { ...copy.function_call };
  return Object.freeze(copy);
}

/**
 * A Chat Completions conversation kept in memory: every `send` appends your message, sends the whole
 * history, and appends the reply.
 *
 * ```ts
 * const chat = new ChatSession(client, { messages: [{ role: "system", content: "Be brief." }] });
 * console.log(await chat.send("Name three colours"));
 * await chat.send("And one more", (chunk) => process.stdout.write(String(chunk)));
 * ```
 */
export class ChatSession<Snapshot extends ChatSnapshot = ChatSnapshot> {
  /** The client requests go through. */
  readonly client: SessionClient;
  /** The session options (a copy of what was given; change `model` etc. here between sends). */
  readonly options: Omit<
    ChatSessionOptions,
    "messages" | "functions" | "tools" | "observer" | "notifyIntervalMs"
  >;
  /** The history, oldest first. Use `appendMessage`/`truncate` to change it so the observer hears of it. */
  readonly messages: ChatMessage[] = [];
  /** Legacy function declarations sent with every request (mutable between sends). */
  functions: FunctionDeclaration[] | undefined;
  /** Tools sent with every request (mutable between sends). */
  tools: ChatTool[] | undefined;
  /** The observer given at construction. */
  readonly observer: ChatSessionObserver | undefined;
  /** The last `chat.completion` (usage, ids, ...; for a stream, the aggregate), or undefined. */
  lastCompletion: ChatCompletion | undefined;

  #busy = false;
  /** The reply being streamed (grown in place per chunk), once its first chunk arrived. */
  #pending: AssistantMessage | undefined;
  #error: Error | undefined;
  /** Aborts the reply being generated (`stop()`). */
  #stopper: AbortController | undefined;
  #live: LiveView<ChatMessage, Snapshot> | undefined;
  readonly #notifyIntervalMs: number | undefined;

  /**
   * Calls `listener` after something changed (a send, each streamed chunk, its end, an error, an
   * edit): at most once per animation frame while a reply streams. Returns the unsubscribe function.
   * Made for React's `useSyncExternalStore(session.subscribe, session.getSnapshot)` (both are bound).
   */
  readonly subscribe = (listener: () => void): (() => void) => this.#view().subscribe(listener);

  /**
   * The session as one immutable object (`messages`, `pending`, `status`, `error`): the same object
   * until something changed; unchanged messages keep their identity from one snapshot to the next.
   */
  readonly getSnapshot = (): Snapshot => this.#view().get();

  /**
   * @param client - the client: `createClient(...)`, `new OpenAI(...)` or a compat subclass.
   * @param opts - model and parameters, the initial or restored `messages`, an `observer`.
   */
  constructor(client: SessionClient, opts: ChatSessionOptions = {}) {
    if (!client || typeof client.openStream !== "function" || typeof client.call !== "function") {
      throw new TypeError(
        "new ChatSession(client, opts): client must be a client from createClient(apiKey, config) or new OpenAI(apiKey, config).",
      );
    }
    checkOptions(opts, "new ChatSession(client, opts)");
    const { messages, functions, tools, observer, notifyIntervalMs, ...rest } = opts ?? {};
    checkInterval(notifyIntervalMs, "new ChatSession");
    this.#notifyIntervalMs = notifyIntervalMs;
    this.client = client;
    this.options = { ...rest };
    this.observer = observer;
    if (messages !== undefined) {
      if (!Array.isArray(messages))
        throw new TypeError("new ChatSession: opts.messages must be an array of messages.");
      messages.forEach((m, i) => {
        assertChatMessage(m, `new ChatSession: opts.messages[${i}]`);
      });
      this.messages.push(...messages);
    }
    if (functions !== undefined) {
      if (!Array.isArray(functions)) throw new TypeError("new ChatSession: opts.functions must be an array.");
      functions.forEach((f, i) => {
        assertFunctionDeclaration(f, `new ChatSession: opts.functions[${i}]`);
      });
      this.functions = [...functions];
    }
    if (tools !== undefined) {
      if (!Array.isArray(tools)) throw new TypeError("new ChatSession: opts.tools must be an array.");
      this.tools = [...tools];
    }
  }

  /** Whether a reply is being generated, or a tool run holds the session (a `send` meanwhile is refused). */
  get busy(): boolean {
    return this.#occupied();
  }

  /**
   * Stops the reply being generated (and a tool run on this session): the partial reply is kept,
   * marked incomplete (`aborted`), and the status goes back to `ready`. Does nothing when idle.
   */
  stop(): void {
    this.#stopper?.abort();
    holdOf(this)?.controller.abort();
  }

  /**
   * Replaces the history with `messages` (validated first; a TypeError names a malformed one). The
   * messages both lists start with (the same objects) are kept; the rest is cut and appended again,
   * so the observer and a store hear of exactly what changed. Refused while a reply is generated.
   */
  setMessages(messages: readonly ChatMessage[]): void {
    if (!Array.isArray(messages)) throw new TypeError("ChatSession.setMessages: messages must be an array.");
    messages.forEach((m, i) => {
      assertChatMessage(m, `ChatSession.setMessages: messages[${i}]`);
    });
    let kept = 0;
    while (kept < messages.length && kept < this.messages.length && messages[kept] === this.messages[kept]) {
      kept++;
    }
    this.truncate(kept);
    for (const message of messages.slice(kept)) this.#append(message);
  }

  /** Validates and appends messages (each fires `observer.onAppend`). Throws a TypeError on a malformed one. */
  appendMessage(...messages: ChatMessage[]): void {
    messages.forEach((m, i) => {
      assertChatMessage(m, `ChatSession.appendMessage: message ${i}`);
    });
    for (const message of messages) this.#append(message);
  }

  /** The last message of the history, or undefined. */
  lastMessage(): ChatMessage | undefined {
    return this.messages[this.messages.length - 1];
  }

  /**
   * Appends `message` (a string is a user message) and generates the reply. With a callback (or
   * `{ stream_callback }`), the reply is streamed and the callback gets each chunk. Resolves to the
   * reply text, or to the assistant message when the model called a tool or function.
   * Throws `ChatSessionError` (`Bad status: 400: message (code)`) for an error status.
   */
  async send(message: string | ChatMessage, opts?: ChatSendOptions | ChatChunkCallback): Promise<ChatReply> {
    const options = sendOptions<ChatSendOptions>(opts, "ChatSession.send");
    this.#claimAndAppend(message, "ChatSession.send");
    return this.#run(true, options);
  }

  /**
   * Generates a reply to the history as it is. `appendResponse = false` leaves the history untouched
   * (and the observer silent).
   */
  async generateResponse(
    appendResponse = true,
    opts?: ChatSendOptions | ChatChunkCallback,
  ): Promise<ChatReply> {
    const options = sendOptions<ChatSendOptions>(opts, "ChatSession.generateResponse");
    this.#claim();
    return this.#run(appendResponse !== false, options);
  }

  /**
   * `send()` as an async iterable of chunks: `for await (const chunk of chat.sendStream("Hi"))`, then
   * `await stream.final()` (what `send` returns) or `stream.text()`; `stream.abort()` stops it.
   */
  sendStream(message: string | ChatMessage, opts?: ChatSendOptions): SessionStream<ChatReply> {
    const options = sendOptions<ChatSendOptions>(opts, "ChatSession.sendStream");
    this.#claimAndAppend(message, "ChatSession.sendStream");
    return this.#streamOf(options);
  }

  /** `generateResponse(true)` as a stream (see `sendStream`): e.g. after `truncate` to edit a message. */
  generateStream(opts?: ChatSendOptions): SessionStream<ChatReply> {
    const options = sendOptions<ChatSendOptions>(opts, "ChatSession.generateStream");
    this.#claim();
    return this.#streamOf(options);
  }

  /**
   * Cuts the history back to its first `length` messages (fires `observer.onTruncate`). For a chat UI:
   * delete (`truncate(i)`), edit (`truncate(i)` then `send(newText)`).
   */
  truncate(length: number): void {
    checkTruncate("ChatSession.truncate", length, this.messages.length, this.#occupied(), "reply");
    if (length === this.messages.length) return;
    this.messages.length = length;
    notify(this.observer, this.observer?.onTruncate, length);
    this.#live?.changed(true, true);
  }

  /**
   * Drops the last assistant reply (if the history ends with one) and generates a new one. Same
   * options and result as `generateResponse`.
   */
  async regenerate(opts?: ChatSendOptions | ChatChunkCallback): Promise<ChatReply> {
    const options = sendOptions<ChatSendOptions>(opts, "ChatSession.regenerate");
    this.#dropLastReply();
    this.#claim();
    return this.#run(true, options);
  }

  /** `regenerate()` as a stream (see `sendStream`). */
  regenerateStream(opts?: ChatSendOptions): SessionStream<ChatReply> {
    const options = sendOptions<ChatSendOptions>(opts, "ChatSession.regenerateStream");
    this.#dropLastReply();
    this.#claim();
    return this.#streamOf(options);
  }

  // ---------------------------------------------------------------- live view

  /** Extra snapshot fields of a subclass (`@oaikit/sessions` adds each message's stored state). */
  protected snapshotExtras(_messages: readonly ChatMessage[]): object | undefined {
    return undefined;
  }

  /** Called when the first snapshot listener subscribes (`true`) and when the last one leaves. */
  protected snapshotWatched(_active: boolean): void {}

  /** Tells the listeners that a subclass's extra fields changed (on the next microtask). */
  protected snapshotChanged(): void {
    this.#live?.changed(false, true);
  }

  #view(): LiveView<ChatMessage, Snapshot> {
    if (this.#live) return this.#live;
    this.#live = new LiveView<ChatMessage, Snapshot>(
      {
        items: () => this.messages,
        snapshot: (messages) => {
          const busy = this.busy;
          return Object.freeze({
            messages,
            pending: busy && this.#pending ? pendingCopy(this.#pending) : null,
            ...statusOf(busy, this.#error),
            ...this.snapshotExtras(messages),
          }) as Snapshot;
        },
        watched: (active) => this.snapshotWatched(active),
      },
      this.#notifyIntervalMs,
    );
    watchHold(this, () => this.#live?.changed(false, true));
    return this.#live;
  }

  // ---------------------------------------------------------------- internals

  /** Generating a reply, or held by a tool run. */
  #occupied(): boolean {
    return this.#busy || holdOf(this) !== undefined;
  }

  /** A claimed session's reply as a stream (the `*Stream` methods). */
  #streamOf(options: ChatSendOptions): SessionStream<ChatReply> {
    return new SessionStream((push, signal) => this.#run(true, options, push, signal));
  }

  #dropLastReply(): void {
    if (this.messages.length === 0) {
      throw new TypeError("ChatSession.regenerate: the history is empty; send a message first.");
    }
    if (this.lastMessage()?.role === "assistant") this.truncate(this.messages.length - 1);
  }

  #claim(): void {
    const hold = holdOf(this);
    if (this.#busy || (hold && !hold.inside)) {
      throw new TypeError(
        "ChatSession: a reply is already being generated; await it (or stop it) before sending again.",
      );
    }
    this.#busy = true;
    this.#error = undefined;
    this.#stopper = new AbortController();
    this.#live?.changed(false, true);
  }

  /** Claims the session, then appends the caller's message; a malformed one releases the claim. */
  #claimAndAppend(message: string | ChatMessage, where: string): void {
    this.#claim();
    try {
      this.#append(this.#toMessage(message, where));
    } catch (error) {
      this.#busy = false;
      throw error;
    }
  }

  #append(message: ChatMessage): void {
    this.messages.push(message);
    notify(this.observer, this.observer?.onAppend, message, this.messages.length - 1);
    this.#live?.changed(true, true);
  }

  #toMessage(message: string | ChatMessage, where: string): ChatMessage {
    const m: unknown = typeof message === "string" ? { role: "user", content: message } : message;
    assertChatMessage(m, `${where}: message`);
    return m;
  }

  /** The request parameters: exactly the keys that are set (lua-openai test: `{ temperature: 0.75 }`). */
  #params(overrides: ChatSendOptions, stream: boolean): ChatCompletionCreateParams {
    const o = this.options;
    const params = assignDefined({}, o.params);
    assignDefined(params, {
      function_call: o.function_call,
      functions: this.functions,
      tools: this.tools,
      tool_choice: o.tool_choice,
      parallel_tool_calls: o.parallel_tool_calls,
      model: o.model,
      temperature: o.temperature,
      stream: stream ? true : undefined,
      response_format: o.response_format,
    });
    return assignDefined(params, overrides, LOCAL_KEYS) as ChatCompletionCreateParams;
  }

  async #run(
    appendResponse: boolean,
    opts: ChatSendOptions,
    sink?: (chunk: ContentChunk) => void,
    streamSignal?: AbortSignal,
  ): Promise<ChatReply> {
    let signal: AbortSignal | undefined;
    try {
      const callback = opts.stream_callback ?? opts.onChunk;
      const stream = Boolean(callback || sink || opts.stream === true);
      const params = this.#params(opts, stream);
      const request = requestOptionsFor(
        this.options.requestOptions,
        opts,
        streamSignal,
        this.#stopper?.signal,
      );
      signal = request.signal;
      const { requestOptions } = request;
      // A copy: the request must not see the reply that will be appended to the live array.
      const history = [...this.messages];
      if (!stream) return await this.#complete(history, params, requestOptions, appendResponse);
      return await this.#stream(history, params, requestOptions, appendResponse, callback, sink, signal);
    } catch (error) {
      this.#finish(error, signal);
      throw error;
    } finally {
      this.#finish();
    }
  }

  /**
   * The end of a request (once: later calls do nothing): idle again, with `error` unless it was a stop.
   * Called before the reply is appended, so that listeners never see the reply and a busy status.
   */
  #finish(error?: unknown, signal?: AbortSignal): void {
    if (!this.#busy) return;
    this.#busy = false;
    this.#pending = undefined;
    this.#stopper = undefined;
    // A stop is not an error: the status goes back to ready.
    if (error !== undefined && !isStop(error, signal)) this.#error = error as Error;
    this.#live?.changed(false, true);
  }

  async #complete(
    history: ChatMessage[],
    params: ChatCompletionCreateParams,
    requestOptions: SessionRequestOptions,
    appendResponse: boolean,
  ): Promise<ChatReply> {
    const result = await createChatCompletion(this.client, history, params, undefined, requestOptions);
    if (!result.ok) {
      throw statusError(
        result.status,
        result.data,
        apiErrorOf(result.error, result.headers, result.requestId),
      );
    }
    const parsed = parseChatReply(result.data);
    if (!parsed.ok) {
      throw new ChatSessionError(`Failed to parse response from server: ${parsed.reason}`, {
        status: result.status,
        raw: result.data,
      });
    }
    this.lastCompletion = result.data;
    const message = historyMessage(parsed.message);
    this.#finish();
    if (appendResponse) this.#append(message);
    return replyValue(message);
  }

  async #stream(
    history: ChatMessage[],
    params: ChatCompletionCreateParams,
    requestOptions: SessionRequestOptions,
    appendResponse: boolean,
    callback: ChatChunkCallback | undefined,
    sink: ((chunk: ContentChunk) => void) | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ChatReply> {
    const observer = appendResponse ? this.observer : undefined;
    const onPartial = observer?.onPartial;
    let received = false;
    let text = "";
    // The reply as it grows, handed to the observer at every chunk: updated in place, O(1) per chunk
    // however long the reply (the tool calls are the accumulator's live objects, never rebuilt).
    const partial: AssistantMessage = { role: "assistant" };
    const chunks = streamChatCompletion(this.client, history, params, requestOptions);
    try {
      for await (const raw of chunks) {
        const chunk = toContentChunk(raw);
        if (!chunk) continue;
        received = true;
        if (chunk.content !== undefined) {
          text += chunk.content;
          if (text !== "") partial.content = text;
        }
        const live = chunks.liveMessage(chunk.index);
        if (live?.tool_calls) partial.tool_calls = live.tool_calls;
        if (live?.function_call) partial.function_call = live.function_call;
        if (onPartial) notify(observer, onPartial, partial, this.messages.length);
        if (appendResponse) {
          this.#pending = partial;
          this.#live?.changed(false, false);
        }
        callback?.(chunk, raw);
        sink?.(chunk);
      }
      // The aggregate (usage, ids, finish_reason): a separate object from every yielded chunk.
      this.lastCompletion = await chunks.final();
    } catch (error) {
      if (error instanceof APIError) {
        // An error status before the stream started: lua-openai's "Bad status" text, the body as `raw`.
        throw statusError(error.status, error.error.raw, error);
      }
      if (received && appendResponse) {
        // Keep what arrived (never lose a partial reply) and say why it is incomplete.
        const partial = streamedMessage(text, chunks.currentSnapshot());
        this.#finish(error, signal);
        this.messages.push(partial);
        this.#live?.changed(true, true);
        notify(
          observer,
          observer?.onIncomplete,
          partial,
          this.messages.length - 1,
          incompleteReason(error, signal),
        );
      }
      throw error;
    }
    const message = streamedMessage(text, this.lastCompletion);
    this.#finish();
    if (appendResponse) this.#append(message);
    return replyValue(message);
  }
}
