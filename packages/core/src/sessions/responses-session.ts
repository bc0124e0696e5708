/**
 * `ResponsesChatSession`: lua-openai's Responses API conversation. State lives on the server, chained by
 * `previous_response_id`; the session keeps the id, the response objects (`responseHistory`) and the
 * `turns` (inputs and responses, for display and persistence), with the same live view as `ChatSession`
 * (`subscribe`/`getSnapshot`, `stop`, `setMessages`). DESIGN.md fixes: any 2xx is success,
 * any output item type is accepted (reasoning, image_generation_call, ...), errors are thrown as
 * `ResponsesSessionError` with lua-openai's texts.
 */

import { createResponse, streamResponse } from "../api/responses.js";
import { APIError, ResponsesSessionError } from "../errors/errors.js";
import { ContentChunk } from "../stream/content-chunk.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";
import type { SessionClient, SessionRequestOptions } from "./client-contract.js";
import { LiveView, type SessionSnapshot, statusOf } from "./live.js";
import type { ResponsesSessionObserver, ResponsesTurn } from "./observer.js";
import { type ResponseWithHelpers, withResponseHelpers } from "./response-helpers.js";
import { holdOf, watchHold } from "./run-hold.js";
import { SessionStream } from "./session-stream.js";
import {
  apiErrorOf,
  assignDefined,
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
import { assertResponseInput, assertResponsesTurn, responseShapeError } from "./validate.js";

/** Called for every text delta: `chunk.content` / `String(chunk)` is the text; `raw` the event as sent. */
export type ResponsesChunkCallback = (chunk: ContentChunk, raw: ResponseStreamEvent) => void;

/** The reply being streamed, as a Responses snapshot's `pending`: its output text so far. */
export type PartialTurn = Extract<ResponsesTurn, { kind: "partial" }>;

/** A `ResponsesChatSession`'s snapshot: `messages` are its turns; `pending` the reply being streamed. */
export type ResponsesSnapshot = SessionSnapshot<ResponsesTurn, PartialTurn>;

/** Options of `new ResponsesChatSession(client, opts)`. */
export interface ResponsesChatSessionOptions {
  /** Model; default: the client's `defaultModel`. */
  model?: string;
  /** Instructions sent with every request. */
  instructions?: string;
  /** Tools offered with every request. */
  tools?: ResponseCreateParams["tools"];
  /** Continue from this response (lua-openai's option). */
  previous_response_id?: string;
  /** Any other API parameters sent with every request (`temperature`, `reasoning`, `store`, ...). */
  params?: ResponseCreateParams;
  /** Restored turns (inputs and responses); response objects get the helpers attached. */
  turns?: ResponsesTurn[];
  /** Restored response objects; default: the responses in `turns`. */
  responseHistory?: ResponseObject[];
  /** Restored current response id; default: the last response in `turns`, else `previous_response_id`. */
  currentResponseId?: string;
  /** Reports every change of the turns (used by `@oaikit/sessions`). */
  observer?: ResponsesSessionObserver;
  /** Per-call options for every request (headers, timeouts, retries). */
  requestOptions?: SessionRequestOptions;
  /** Minimum gap between two notifications of `subscribe`'s listeners while a reply streams (see `ChatSession`). */
  notifyIntervalMs?: number;
}

/** Per-request options: API parameters that override the session's, plus the keys below (never sent). */
export interface ResponsesSendOptions extends ResponseCreateParams {
  /** Streams the response and calls this per text delta (lua-openai's name). */
  stream_callback?: ResponsesChunkCallback;
  /** Same as `stream_callback`. */
  onChunk?: ResponsesChunkCallback;
  /** Aborts the request; a streamed partial text is kept as a `partial` turn. */
  signal?: AbortSignal;
  /** Per-call options for this request. */
  requestOptions?: SessionRequestOptions;
}

/** Send options that stream (a callback, or `stream: true`): the call resolves to the text. */
export type StreamedSendOptions = ResponsesSendOptions &
  ({ stream_callback: ResponsesChunkCallback } | { onChunk: ResponsesChunkCallback } | { stream: true });

/** Send options that do not stream: the call resolves to the response object. */
export type UnstreamedSendOptions = ResponsesSendOptions & {
  stream?: false | null;
  stream_callback?: undefined;
  onChunk?: undefined;
};

/** lua-openai's error for an error status, with the body as `raw` and the `APIError` as `cause`. */
function statusError(status: number, raw: unknown, cause: APIError): ResponsesSessionError {
  return new ResponsesSessionError(`Request failed with status: ${status}`, { status, raw, cause });
}

/** lua-openai's error for a malformed response; `raw` is what was received. */
function parseError(problem: string, raw: unknown, status?: number): ResponsesSessionError {
  return new ResponsesSessionError(`Failed to parse response: ${problem}`, { status, raw });
}

/** `data` when it is a well-formed response object, else a `parseError`. */
function checkShape(data: ResponseObject, status?: number): ResponseObject {
  const problem = responseShapeError(data);
  if (problem) throw parseError(problem, data, status);
  return data;
}

/**
 * A Responses API conversation: each `send` passes the previous response's id, so the server keeps
 * the context.
 *
 * ```ts
 * const session = new ResponsesChatSession(client, { instructions: "Be brief." });
 * const first = await session.send("Hello");
 * console.log(first.getOutputText());
 * const text = await session.send("Again, streamed", (chunk) => process.stdout.write(String(chunk)));
 * ```
 */
export class ResponsesChatSession<Snapshot extends ResponsesSnapshot = ResponsesSnapshot> {
  /** The client requests go through. */
  readonly client: SessionClient;
  /** The session options (a copy; change `model` etc. here between sends). */
  readonly options: Omit<
    ResponsesChatSessionOptions,
    "turns" | "responseHistory" | "currentResponseId" | "observer" | "notifyIntervalMs"
  >;
  /** Every response received, oldest first, with the helpers attached. */
  readonly responseHistory: ResponseWithHelpers[] = [];
  /** The id sent as `previous_response_id` by the next `send`. */
  currentResponseId: string | undefined;
  /** Inputs sent and responses received (and partial replies), in order: for display and persistence. */
  readonly turns: ResponsesTurn[] = [];
  /** The observer given at construction. */
  readonly observer: ResponsesSessionObserver | undefined;

  /** The id the conversation started from (before any response in `turns`). */
  #baseResponseId: string | undefined;
  #busy = false;
  /** The output text of the reply being streamed, once its first delta arrived. */
  #pendingText: string | undefined;
  #error: Error | undefined;
  #stopper: AbortController | undefined;
  #live: LiveView<ResponsesTurn, Snapshot> | undefined;
  readonly #notifyIntervalMs: number | undefined;

  /** Calls `listener` after something changed (see `ChatSession.subscribe`). Returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => this.#view().subscribe(listener);

  /** The session as one immutable object: `messages` (the turns), `pending`, `status`, `error`. */
  readonly getSnapshot = (): Snapshot => this.#view().get();

  /**
   * @param client - the client: `createClient(...)`, `new OpenAI(...)` or a compat subclass.
   * @param opts - model, instructions, tools, and a restored state (`turns`, `responseHistory`, `currentResponseId`).
   */
  constructor(client: SessionClient, opts: ResponsesChatSessionOptions = {}) {
    if (!client || typeof client.openStream !== "function" || typeof client.call !== "function") {
      throw new TypeError(
        "new ResponsesChatSession(client, opts): client must be a client from createClient(apiKey, config) or new OpenAI(apiKey, config).",
      );
    }
    checkOptions(opts, "new ResponsesChatSession(client, opts)");
    const { turns, responseHistory, currentResponseId, observer, notifyIntervalMs, ...rest } = opts ?? {};
    checkInterval(notifyIntervalMs, "new ResponsesChatSession");
    this.#notifyIntervalMs = notifyIntervalMs;
    this.client = client;
    this.options = { ...rest };
    this.observer = observer;
    if (turns !== undefined) {
      if (!Array.isArray(turns))
        throw new TypeError("new ResponsesChatSession: opts.turns must be an array.");
      turns.forEach((turn, i) => {
        assertResponsesTurn(turn, `new ResponsesChatSession: opts.turns[${i}]`);
        if (turn.kind === "response") withResponseHelpers(turn.response);
        this.turns.push(turn);
      });
    }
    const history =
      responseHistory ?? this.turns.flatMap((turn) => (turn.kind === "response" ? [turn.response] : []));
    for (const response of history) this.responseHistory.push(withResponseHelpers(response));
    const lastInTurns = this.#lastResponseId(this.turns.length);
    this.#baseResponseId =
      lastInTurns === undefined
        ? (currentResponseId ?? opts.previous_response_id)
        : opts.previous_response_id;
    this.currentResponseId = currentResponseId ?? lastInTurns ?? opts.previous_response_id;
  }

  /** Whether a response is being generated, or a tool run holds the session. */
  get busy(): boolean {
    return this.#busy || holdOf(this) !== undefined;
  }

  /** Stops the response being generated (and a tool run on this session); see `ChatSession.stop`. */
  stop(): void {
    this.#stopper?.abort();
    holdOf(this)?.controller.abort();
  }

  /**
   * Replaces the turns with `turns` (validated first): the turns both lists start with (the same
   * objects) are kept, the rest cut (`truncate`) and appended again; `responseHistory` and
   * `currentResponseId` follow. Refused while a response is generated.
   */
  setMessages(turns: readonly ResponsesTurn[]): void {
    if (!Array.isArray(turns))
      throw new TypeError("ResponsesChatSession.setMessages: turns must be an array.");
    turns.forEach((turn, i) => {
      assertResponsesTurn(turn, `ResponsesChatSession.setMessages: turns[${i}]`);
    });
    let kept = 0;
    while (kept < turns.length && kept < this.turns.length && turns[kept] === this.turns[kept]) kept++;
    this.truncate(kept);
    for (const turn of turns.slice(kept)) {
      if (turn.kind === "response") {
        const response = withResponseHelpers(turn.response);
        this.currentResponseId = response.id;
        this.responseHistory.push(response);
      }
      this.#appendTurn(turn);
    }
  }

  /**
   * Sends `input` with the current `previous_response_id`. Without a callback: resolves to the
   * response object (with `getOutputText()`, `getImages()`, `toString()`). With a callback (or
   * `{ stream_callback }`): streams, calls it per text delta, and resolves to the **text** (lua-openai's
   * behaviour); the `response.completed` object goes to `responseHistory` and its id is kept.
   */
  send(input: ResponseInput, opts: ResponsesChunkCallback | StreamedSendOptions): Promise<string>;
  send(input: ResponseInput, opts?: UnstreamedSendOptions): Promise<ResponseWithHelpers>;
  send(
    input: ResponseInput,
    opts?: ResponsesSendOptions | ResponsesChunkCallback,
  ): Promise<ResponseWithHelpers | string>;
  send(
    input: ResponseInput,
    opts?: ResponsesSendOptions | ResponsesChunkCallback,
  ): Promise<ResponseWithHelpers | string> {
    // createResponse sends the current previous_response_id (lua-openai's send adds it too).
    return this.createResponse(input, sendOptions<ResponsesSendOptions>(opts, "ResponsesChatSession.send"));
  }

  /**
   * The lower-level call: `opts` are API parameters over the session's (`model`, `instructions`,
   * `tools`, `previous_response_id`). Same results as `send`.
   */
  createResponse(
    input: ResponseInput,
    opts: ResponsesSendOptions | undefined,
    streamCallback: ResponsesChunkCallback,
  ): Promise<string>;
  createResponse(input: ResponseInput, opts: StreamedSendOptions): Promise<string>;
  createResponse(input: ResponseInput, opts?: UnstreamedSendOptions): Promise<ResponseWithHelpers>;
  createResponse(
    input: ResponseInput,
    opts?: ResponsesSendOptions,
    streamCallback?: ResponsesChunkCallback,
  ): Promise<ResponseWithHelpers | string>;
  async createResponse(
    input: ResponseInput,
    opts?: ResponsesSendOptions,
    streamCallback?: ResponsesChunkCallback,
  ): Promise<ResponseWithHelpers | string> {
    const options = sendOptions<ResponsesSendOptions>(opts, "ResponsesChatSession.createResponse");
    if (streamCallback !== undefined && typeof streamCallback !== "function") {
      throw new TypeError("ResponsesChatSession.createResponse: the stream callback must be a function.");
    }
    assertResponseInput(input, "ResponsesChatSession.createResponse");
    this.#claim();
    this.#appendTurn({ kind: "input", input });
    const callback = streamCallback ?? options.stream_callback ?? options.onChunk;
    return this.#run(input, options, callback);
  }

  /**
   * `send()` as an async iterable of text chunks. `await stream.final()` is the response object
   * (`response.completed`, with helpers), `await stream.text()` the text; `stream.abort()` stops it.
   */
  sendStream(input: ResponseInput, opts?: ResponsesSendOptions): SessionStream<ResponseWithHelpers> {
    const options = sendOptions<ResponsesSendOptions>(opts, "ResponsesChatSession.sendStream");
    assertResponseInput(input, "ResponsesChatSession.sendStream");
    this.#claim();
    this.#appendTurn({ kind: "input", input });
    return this.#streamOf(input, options);
  }

  /**
   * Cuts `turns` back to their first `length` entries (fires `observer.onTruncate`); the responses in
   * the removed turns leave `responseHistory`, and `currentResponseId` goes back to the last kept one.
   */
  truncate(length: number): void {
    checkTruncate(
      "ResponsesChatSession.truncate",
      length,
      this.turns.length,
      this.#busy || holdOf(this) !== undefined,
      "response",
    );
    if (length === this.turns.length) return;
    const removed = new Set(
      this.turns.slice(length).flatMap((turn) => (turn.kind === "response" ? [turn.response] : [])),
    );
    this.turns.length = length;
    for (let i = this.responseHistory.length - 1; i >= 0; i--) {
      if (removed.has(this.responseHistory[i]!)) this.responseHistory.splice(i, 1);
    }
    this.currentResponseId = this.#lastResponseId(length) ?? this.#baseResponseId;
    notify(this.observer, this.observer?.onTruncate, length);
    this.#live?.changed(true, true);
  }

  /**
   * Drops the turns after the last input (its response, or a partial one) and sends that input again
   * from the same `previous_response_id`. Same results as `send`.
   */
  async regenerate(
    opts?: ResponsesSendOptions | ResponsesChunkCallback,
  ): Promise<ResponseWithHelpers | string> {
    const options = sendOptions<ResponsesSendOptions>(opts, "ResponsesChatSession.regenerate");
    const input = this.#rewindToLastInput();
    this.#claim();
    const callback = options.stream_callback ?? options.onChunk;
    return this.#run(input, options, callback);
  }

  /** `regenerate()` as a stream (see `sendStream`). */
  regenerateStream(opts?: ResponsesSendOptions): SessionStream<ResponseWithHelpers> {
    const options = sendOptions<ResponsesSendOptions>(opts, "ResponsesChatSession.regenerateStream");
    const input = this.#rewindToLastInput();
    this.#claim();
    return this.#streamOf(input, options);
  }

  // ---------------------------------------------------------------- live view

  /** Extra snapshot fields of a subclass (see `ChatSession`). */
  protected snapshotExtras(_turns: readonly ResponsesTurn[]): object | undefined {
    return undefined;
  }

  /** Called when the first snapshot listener subscribes (`true`) and when the last one leaves. */
  protected snapshotWatched(_active: boolean): void {}

  /** Tells the listeners that a subclass's extra fields changed. */
  protected snapshotChanged(): void {
    this.#live?.changed(false, true);
  }

  #view(): LiveView<ResponsesTurn, Snapshot> {
    if (this.#live) return this.#live;
    this.#live = new LiveView<ResponsesTurn, Snapshot>(
      {
        items: () => this.turns,
        snapshot: (messages) => {
          const busy = this.busy;
          const text = this.#pendingText;
          return Object.freeze({
            messages,
            pending: busy && text !== undefined ? Object.freeze({ kind: "partial" as const, text }) : null,
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

  /** A claimed session's response as a stream (`sendStream`, `regenerateStream`). */
  #streamOf(input: ResponseInput, options: ResponsesSendOptions): SessionStream<ResponseWithHelpers> {
    return new SessionStream(
      async (push, signal) => (await this.#runStream(input, options, undefined, push, signal)).response,
    );
  }

  #rewindToLastInput(): ResponseInput {
    let index = this.turns.length - 1;
    while (index >= 0 && this.turns[index]!.kind !== "input") index--;
    const turn = this.turns[index];
    if (turn?.kind !== "input") {
      throw new TypeError(
        "ResponsesChatSession.regenerate: there is no input to answer again; send one first.",
      );
    }
    this.truncate(index + 1);
    return turn.input;
  }

  #lastResponseId(length: number): string | undefined {
    for (let i = length - 1; i >= 0; i--) {
      const turn = this.turns[i]!;
      if (turn.kind === "response") return turn.response.id;
    }
    return undefined;
  }

  #claim(): void {
    const hold = holdOf(this);
    if (this.#busy || (hold && !hold.inside)) {
      throw new TypeError(
        "ResponsesChatSession: a response is already being generated; await it (or stop it) before sending again.",
      );
    }
    this.#busy = true;
    this.#error = undefined;
    this.#stopper = new AbortController();
    this.#live?.changed(false, true);
  }

  /**
   * The end of a request (once: later calls do nothing): idle again, with `error` unless it was a stop.
   * Called before the response is recorded, so that listeners never see it and a busy status.
   */
  #settle(error?: unknown, signal?: AbortSignal): void {
    if (!this.#busy) return;
    this.#busy = false;
    this.#pendingText = undefined;
    this.#stopper = undefined;
    if (error !== undefined && !isStop(error, signal)) this.#error = error as Error;
    this.#live?.changed(false, true);
  }

  #appendTurn(turn: ResponsesTurn): void {
    this.turns.push(turn);
    notify(this.observer, this.observer?.onAppend, turn, this.turns.length - 1, this.currentResponseId);
    this.#live?.changed(true, true);
  }

  #record(response: ResponseObject): ResponseWithHelpers {
    const withHelpers = withResponseHelpers(response);
    this.#settle();
    this.currentResponseId = response.id;
    this.responseHistory.push(withHelpers);
    this.#appendTurn({ kind: "response", response: withHelpers });
    return withHelpers;
  }

  /** The request parameters: exactly the keys that are set. */
  #params(overrides: ResponsesSendOptions, stream: boolean): ResponseCreateParams {
    const o = this.options;
    const params = assignDefined({}, o.params);
    assignDefined(params, {
      model: o.model,
      previous_response_id: this.currentResponseId,
      instructions: o.instructions,
      tools: o.tools,
    });
    assignDefined(params, overrides, LOCAL_KEYS);
    if (stream) params.stream = params.stream ?? true;
    return params as ResponseCreateParams;
  }

  async #run(
    input: ResponseInput,
    opts: ResponsesSendOptions,
    callback: ResponsesChunkCallback | undefined,
  ): Promise<ResponseWithHelpers | string> {
    if (callback || opts.stream === true) {
      // lua-openai returns the streamed text, not the object (that one is in responseHistory).
      return (await this.#runStream(input, opts, callback)).text;
    }
    let failure: unknown;
    let signal: AbortSignal | undefined;
    try {
      const params = this.#params(opts, false);
      const request = requestOptionsFor(this.options.requestOptions, opts, this.#stopper?.signal);
      signal = request.signal;
      const { requestOptions } = request;
      const result = await createResponse(this.client, input, params, undefined, requestOptions);
      if (!result.ok) {
        throw statusError(
          result.status,
          result.data,
          apiErrorOf(result.error, result.headers, result.requestId),
        );
      }
      return this.#record(checkShape(result.data, result.status));
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.#settle(failure, signal);
    }
  }

  /**
   * Streams one response. Resolves to the `response.completed` object (recorded, id kept). lua-openai
   * silently kept the old id when that event was missing or malformed; here a stream that ends
   * without a usable final response is an error (the client reports truncation, this reports a bad
   * final object), so conversation continuity is never lost without a word.
   */
  async #runStream(
    input: ResponseInput,
    opts: ResponsesSendOptions,
    callback: ResponsesChunkCallback | undefined,
    sink?: (chunk: ContentChunk) => void,
    streamSignal?: AbortSignal,
  ): Promise<{ response: ResponseWithHelpers; text: string }> {
    let text = "";
    let received = false;
    let failure: unknown;
    const { signal, requestOptions } = requestOptionsFor(
      this.options.requestOptions,
      opts,
      streamSignal,
      this.#stopper?.signal,
    );
    try {
      const params = this.#params(opts, true);
      const events = streamResponse(this.client, input, params, requestOptions);
      for await (const raw of events) {
        if (raw.type === "response.output_text.delta" && typeof raw.delta === "string") {
          text += raw.delta;
          received = true;
          notify(this.observer, this.observer?.onPartial, text, this.turns.length);
          this.#pendingText = text;
          this.#live?.changed(false, false);
          const chunk = new ContentChunk({ content: raw.delta });
          callback?.(chunk, raw);
          sink?.(chunk);
        }
      }
      // The stream's aggregate: the terminal event's response as a separate object (helpers are
      // attached to it, never to a yielded event).
      const completed = await events.final();
      return { response: this.#record(checkShape(completed)), text };
    } catch (error) {
      failure = error instanceof APIError ? statusError(error.status, error.error.raw, error) : error;
      if (failure === error && received) {
        const reason = incompleteReason(error, signal);
        this.#settle(error, signal);
        this.turns.push({ kind: "partial", text, reason });
        this.#live?.changed(true, true);
        notify(this.observer, this.observer?.onIncomplete, text, this.turns.length - 1, reason);
      }
      throw failure;
    } finally {
      this.#settle(failure, signal);
    }
  }
}
