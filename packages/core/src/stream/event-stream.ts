/**
 * The engine behind `ChatCompletionStream`, `ResponseStream` and `CompletionStream`: one HTTP response
 * body → SSE events → parsed JSON → a protocol (accumulator + terminator rules) → raw chunks for the
 * caller, an aggregate, and typed errors.
 *
 * Design, and why:
 * - Pull-based, one read loop: each `reader.read()` is triggered by whoever needs more (the iterator,
 *   `final()`, `toReadableStream()`), and one read is in flight at a time. The bytes of a read go through
 *   the decoder synchronously, so all the events of that read are parsed, aggregated and queued before
 *   the next read. No TransformStream, no background task, natural back-pressure.
 * - Lazy: nothing is sent until first use (iteration, `final()`, `text()`, `toReadableStream()`,
 *   `response`).
 * - Raw chunks are queued only when someone iterates them (or pipes them out): `final()` alone keeps
 *   no per-chunk memory beyond the aggregate.
 * - Timers: one `setTimeout` per timeout period, not per event. Data events only bump a counter and a
 *   timestamp (once per read); when the timer fires it checks the timestamp and re-arms for the
 *   remainder. Comments never touch the timestamp, so keep-alives cannot hold a dead stream open.
 *   The timers measure the server, not the reader: a timer that fires while no read is in flight (the
 *   consumer is busy between two reads) re-arms instead of failing (`#readerPaused`).
 *   Timers are unref'd (`utils/timers.ts`) and cleared on every settle path: a stream whose body is
 *   never read does not keep a Node process alive (an open socket still does, until a timer ends it).
 * - Every path ends: EOF, a terminator, an error event, bad JSON, a timeout, an abort or a cut each
 *   settle the stream exactly once (`#fail` / `#succeed` are idempotent, the first outcome wins).
 * - Resumable sources (`StreamSource.resume`, a Responses background stream): a cut (a connection
 *   error, a body that ends before its terminator, a timeout) is handed to the source, which may open
 *   the next connection; the stream then reads on with a fresh SSE decoder (the half event of the cut
 *   connection is dropped), and the protocol drops events the new connection repeats. The reader sees
 *   one unbroken stream. Without `resume`, a cut fails the stream as before; the only cost on that
 *   path is a property check.
 */
import { normalizeErrorBody, normalizeStreamError } from "../errors/error-body.js";
import {
  APIError,
  type ApiErrorBody,
  ConnectionError,
  OaikitError,
  RequestAbortedError,
  type RequestTarget,
  ResponseTooLargeError,
  StreamError,
  StreamTruncatedError,
  TimeoutError,
} from "../errors/errors.js";
import {
  checkSizeLimit,
  checkTimeout,
  DEFAULT_MAX_ERROR_BODY_BYTES,
  DEFAULT_MAX_EVENT_SIZE,
  type SizeLimit,
  type Timeout,
} from "../transport/limits.js";
import { readText } from "../transport/read-body.js";
import { decodeBody, requestIdOf } from "../transport/response-meta.js";
import { startTimer, type Timer } from "../utils/timers.js";
import { SseDecoder } from "./sse.js";
import type {
  StreamDiagnostics,
  StreamEndReason,
  StreamOptions,
  StreamResponseInfo,
  StreamSource,
} from "./types.js";

/** Result flags of `StreamProtocol.accept`. */
export const STEP_CONTINUE = 0;
/** The event ended the stream (a terminal Responses event). */
export const STEP_TERMINAL = 1;
/** The event reported an error; read it from `takeError()`. */
export const STEP_ERROR = 2;
/** The event was delivered before (a resumed connection repeats it): drop it unseen. */
export const STEP_SKIP = 4;

/**
 * What a concrete stream plugs into the engine: how to aggregate, what ends the stream, what is an
 * error. Internal; the three stream classes are the public face.
 */
export interface StreamProtocol<Raw, Final> {
  /** Adds one parsed data event; returns STEP_* flags (ERROR and TERMINAL may be combined). */
  accept(raw: Raw, event: string | undefined): number;
  /** The error of the last `accept` that returned STEP_ERROR. */
  takeError(httpStatus: number): ApiErrorBody;
  /** At EOF without `[DONE]`: does what arrived count as complete? */
  completeAtEof(): boolean;
  /** Why the stream is incomplete, for the truncation message. */
  truncationDetail(sawDone: boolean): string;
  /** The aggregate so far. */
  snapshot(): Final;
  /** The text of the aggregate (choice 0, or `output_text`). */
  text(): string;
  /** Whether `toReadableStream()` ends a clean stream with `data: [DONE]` (Chat Completions). */
  readonly emitsDone: boolean;
  /**
   * A resumable stream is about to read a new connection: from now on, `accept` returns STEP_SKIP for
   * events delivered already (those at or before the cursor).
   */
  reconnecting?(): void;
}

/** How long a stream keeps reading after an in-stream error, waiting for its terminator, in ms. */
const ERROR_GRACE_MS = 2_000;
/** Compact the chunk queue once this many consumed entries sit at its head. */
const QUEUE_COMPACT = 1024;
const MAX_IGNORED_LINES = 20;

/** Base class of the stream classes; see `ChatCompletionStream` for the user-facing documentation. */
export class EventStream<Raw, Final> implements AsyncIterable<Raw> {
  readonly #source: StreamSource;
  readonly #options: StreamOptions<Raw>;
  readonly #protocol: StreamProtocol<Raw, Final>;
  readonly #controller = new AbortController();
  #decoder: SseDecoder;
  readonly #maxEventSize: SizeLimit;
  /** The wait for the first data event (`firstByteTimeout`, else `idleTimeout`), or false. */
  readonly #firstByte: Timeout;
  /** The longest gap between data events, or false. */
  readonly #idle: Timeout;
  readonly #maxErrorBodyBytes: SizeLimit;

  #open: Promise<void> | undefined;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #inflight: Promise<void> | undefined;
  #info: StreamResponseInfo | undefined;
  #responsePromise: Promise<StreamResponseInfo> | undefined;
  #responseSettle: { resolve(info: StreamResponseInfo): void; reject(error: unknown): void } | undefined;

  #ended = false;
  #failure: Error | undefined;
  #final: Final | undefined;
  #stop = false;
  #streamError: ApiErrorBody | undefined;

  #queue: Raw[] | undefined;
  #queueHead = 0;
  #textQueue: string[] | undefined;
  #consumers = 0;

  #events = 0;
  #comments = 0;
  #done = false;
  #dropped: string | undefined;
  readonly #ignored: string[] = [];
  #endReason: StreamEndReason | undefined;

  #reconnects = 0;
  /** Between a cut and the next connection's response head (`source.resume` is working). */
  #reconnecting = false;

  #timer: Timer | undefined;
  #graceTimer: Timer | undefined;
  #lastDataAt = 0;
  #removeAbortListener: (() => void) | undefined;

  /** @internal Use the subclasses. */
  constructor(
    source: StreamSource,
    options: StreamOptions<Raw> | undefined,
    protocol: StreamProtocol<Raw, Final>,
  ) {
    if (!source || typeof source.start !== "function" || !source.target) {
      throw new TypeError(
        "A stream needs a source: { target: { method, url }, start(signal) => Promise<Response> }.",
      );
    }
    const opts = options ?? {};
    const idle = checkTimeout(opts.idleTimeout, "`idleTimeout`") ?? false;
    const firstByte = checkTimeout(opts.firstByteTimeout, "`firstByteTimeout`") ?? idle;
    this.#idle = idle;
    this.#firstByte = firstByte;
    this.#maxErrorBodyBytes =
      checkSizeLimit(opts.maxErrorBodyBytes, "`maxErrorBodyBytes`") ?? DEFAULT_MAX_ERROR_BODY_BYTES;
    this.#maxEventSize = checkSizeLimit(opts.maxEventSize, "`maxEventSize`") ?? DEFAULT_MAX_EVENT_SIZE;
    if (opts.onChunk !== undefined && typeof opts.onChunk !== "function") {
      throw new TypeError("`onChunk` must be a function (raw chunk) => void.");
    }
    this.#source = source;
    this.#options = opts;
    this.#protocol = protocol;
    this.#decoder = this.#createDecoder();
  }

  /** One SSE decoder per connection: a cut connection's half event never joins the next one's bytes. */
  #createDecoder(): SseDecoder {
    return new SseDecoder(
      {
        onEvent: (data, event) => this.#onData(data, event),
        onComment: (comment) => {
          this.#comments++;
          if (this.#textQueue) this.#textQueue.push(`: ${comment}\n\n`);
        },
        onTrailingDone: () => {
          this.#done = true;
        },
        onDroppedTrailing: (data) => {
          this.#dropped = data;
        },
        onIgnoredLine: (line) => {
          if (this.#ignored.length < MAX_IGNORED_LINES) this.#ignored.push(line);
        },
      },
      { target: this.#source.target, maxEventSize: this.#maxEventSize },
    );
  }

  /** Method and URL of the request. */
  get target(): RequestTarget {
    return this.#source.target;
  }

  /**
   * The response head (status, headers, `x-request-id`), once it arrived. Accessing it starts the
   * request. Resolves for any HTTP status (an error status still rejects iteration and `final()` with
   * `APIError`); rejects only when no response arrived (connection, timeout, abort).
   */
  get response(): Promise<StreamResponseInfo> {
    if (!this.#responsePromise) {
      this.#responsePromise = new Promise<StreamResponseInfo>((resolve, reject) => {
        this.#responseSettle = { resolve, reject };
      });
      if (this.#info) this.#responseSettle?.resolve(this.#info);
      else if (this.#failure && this.#ended) this.#responseSettle?.reject(this.#failure);
      else this.#ensureOpen();
    }
    return this.#responsePromise;
  }

  /** The response head if it has arrived, else undefined (does not start the request). */
  get responseInfo(): StreamResponseInfo | undefined {
    return this.#info;
  }

  /** Framing diagnostics (events, comments, `[DONE]`, dropped trailing data, why it ended). */
  get diagnostics(): StreamDiagnostics {
    return {
      events: this.#events,
      comments: this.#comments,
      done: this.#done,
      droppedTrailingData: this.#dropped,
      ignoredLines: this.#ignored.slice(),
      endReason: this.#endReason,
      reconnects: this.#reconnects,
    };
  }

  /** Whether the stream has settled (completed or failed). */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * The aggregate so far, at any time: mid-stream, or after a failure (timeout, abort, cut) to keep
   * the partial output. A fresh object per call.
   */
  currentSnapshot(): Final {
    return this.#final ?? this.#protocol.snapshot();
  }

  /**
   * Reads the stream to its end and resolves with the aggregate. Rejects with the stream's typed
   * error (each carrying the partial aggregate). Can be combined with iteration: start the `for await`
   * first (or in the same tick), then await `final()`.
   */
  async final(): Promise<Final> {
    while (!this.#ended) await this.#advance();
    if (this.#failure) throw this.#failure;
    this.#final ??= this.#protocol.snapshot();
    return this.#final;
  }

  /** Reads the stream to its end and resolves with the text of the aggregate. */
  async text(): Promise<string> {
    await this.final();
    return this.#protocol.text();
  }

  /**
   * Aborts the stream: the request is cancelled and iteration / `final()` reject with
   * `RequestAbortedError` (its `partial` holds what had arrived). A Responses background stream also
   * cancels the response on the server (`POST /responses/{id}/cancel`). No effect once the stream ended.
   */
  abort(reason?: unknown): void {
    if (this.#ended) return;
    this.detach(reason);
    this.#source.cancel?.(reason);
  }

  /**
   * Ends the stream here like `abort()`, closing the connection, but asks nothing of the server: a
   * Responses background response goes on and can be resumed elsewhere (`resumeResponse` with
   * `responseId`, `cursor` and `currentSnapshot()`). Other streams: the same as `abort()`.
   */
  detach(reason?: unknown): void {
    if (this.#ended) return;
    this.#fail(new RequestAbortedError(this.#source.target, { cause: reason }), "aborted");
  }

  /** Yields every raw chunk (Chat Completions) or event (Responses) as it arrives, unfiltered. */
  [Symbol.asyncIterator](): AsyncIterator<Raw> {
    this.#attach("iterate it");
    const queue: Raw[] = [];
    this.#queue = queue;
    let thrown = false;
    const take = (): IteratorResult<Raw> => {
      const value = queue[this.#queueHead++] as Raw;
      if (this.#queueHead >= QUEUE_COMPACT) {
        queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      return { value, done: false };
    };
    const wait = async (): Promise<IteratorResult<Raw>> => {
      for (;;) {
        if (this.#queueHead < queue.length) return take();
        if (this.#ended) {
          if (this.#failure && !thrown) {
            thrown = true;
            throw this.#failure;
          }
          return { value: undefined, done: true };
        }
        await this.#advance();
      }
    };
    // Fast path: a queued chunk is handed out as an already-resolved promise (no async-function frame).
    const next = (): Promise<IteratorResult<Raw>> =>
      this.#queueHead < queue.length ? Promise.resolve(take()) : wait();
    return {
      next,
      return: async (): Promise<IteratorResult<Raw>> => {
        // `break` out of for-await: stop the request, keep the aggregate as it is.
        if (!this.#ended) this.abort();
        thrown = true;
        return { value: undefined, done: true };
      },
    };
  }

  /**
   * The stream as SSE bytes (`text/event-stream`), ready to return from a Worker or a server route:
   * `new Response(stream.toReadableStream(), { headers: { "content-type": "text/event-stream" } })`.
   * Each event keeps its original data text (no re-serialisation); keep-alive comments are forwarded;
   * a clean Chat Completions stream ends with `data: [DONE]`. An in-stream error is forwarded as it
   * came (the reader sees the same error event); a truncation, timeout or cut errors the byte stream,
   * so the far end sees a broken stream, never a clean end. Check `await stream.response` first if you
   * need the HTTP status before answering.
   */
  toReadableStream(): ReadableStream<Uint8Array> {
    this.#attach("call toReadableStream()");
    const texts: string[] = [];
    this.#textQueue = texts;
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (texts.length === 0 && !this.#ended) await this.#advance();
        if (texts.length > 0) {
          controller.enqueue(encoder.encode(texts.join("")));
          texts.length = 0;
          return;
        }
        if (this.#failure && !(this.#failure instanceof StreamError && this.#streamError)) {
          controller.error(this.#failure);
          return;
        }
        controller.close();
      },
      cancel: (reason) => {
        this.abort(reason);
      },
    });
  }

  #attach(what: string): void {
    if (this.#consumers > 0) {
      throw new TypeError(
        `This stream is already being consumed; you can ${what} only once. Use final() or currentSnapshot() for the aggregate.`,
      );
    }
    if (this.#events > 0) {
      throw new TypeError(
        `This stream already read events before you tried to ${what}; start the for-await loop before (or together with) final().`,
      );
    }
    this.#consumers++;
  }

  /** Starts the request once. */
  #ensureOpen(): Promise<void> {
    this.#open ??= this.#openResponse();
    return this.#open;
  }

  /**
   * One step of the read loop, shared by every consumer; never rejects. The in-flight step is stored
   * without a `.finally()` wrapper: that would add promise hops to every read on the hot path.
   */
  #advance(): Promise<void> {
    if (this.#inflight) return this.#inflight;
    const step = this.#step();
    // A step that finished synchronously has already cleared #stepping; don't keep its promise.
    if (this.#stepping) this.#inflight = step;
    return step;
  }

  #stepping = false;

  async #step(): Promise<void> {
    this.#stepping = true;
    try {
      if (this.#ended) return;
      if (!this.#reader) await this.#ensureOpen();
      const reader = this.#reader;
      if (this.#ended || !reader) return;
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        if (!this.#ended && this.#reader === reader) this.#cut(this.#transportError(error), "connection");
        return;
      }
      // Ended, or cut meanwhile (a timeout): this connection's bytes no longer count.
      if (this.#ended || this.#reader !== reader) return;
      if (result.done) {
        this.#atEof();
        return;
      }
      const before = this.#events;
      try {
        this.#decoder.push(result.value);
      } catch (error) {
        // An event above maxEventSize, or an onChunk callback's exception: the stream ends with it.
        if (!this.#ended)
          this.#fail(error as Error, error instanceof ResponseTooLargeError ? "too-large" : "aborted");
        return;
      }
      if (this.#events !== before) this.#gotData(before === 0);
      if (this.#stop && !this.#ended) this.#settleAfterStop();
    } finally {
      this.#stepping = false;
      this.#inflight = undefined;
    }
  }

  async #openResponse(): Promise<void> {
    const signal = this.#options.signal;
    if (signal) {
      if (signal.aborted) {
        this.#fail(new RequestAbortedError(this.#source.target, { cause: signal.reason }), "aborted");
        return;
      }
      const onAbort = () => this.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#removeAbortListener = () => signal.removeEventListener("abort", onAbort);
    }
    const firstByte = this.#firstByte;
    if (firstByte !== false) this.#timer = startTimer(this.#onTimer, firstByte);

    let response: Response;
    try {
      response = await this.#source.start(this.#controller.signal);
    } catch (error) {
      if (!this.#ended) this.#fail(this.#transportError(error), "connection");
      return;
    }
    const info: StreamResponseInfo = {
      status: response.status,
      headers: response.headers,
      requestId: requestIdOf(response.headers),
      url: response.url,
    };
    this.#info = info;
    this.#responseSettle?.resolve(info);
    await this.#read(response);
  }

  /**
   * A cut: the connection failed, its body ended before the terminator, or a timeout fired. A source
   * that can resume gets the cut and opens the next connection (`#reconnect`); otherwise the stream
   * fails with it.
   */
  #cut(error: Error, reason: StreamEndReason): void {
    const resume = this.#source.resume;
    // No connection to replace (the first response head never came), or an error event already
    // decided the outcome: the cut is final.
    if (!resume || this.#ended || this.#streamError || !this.#reader) {
      this.#fail(error, reason);
      return;
    }
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.cancel().catch(() => {});
    this.#decoder = this.#createDecoder();
    this.#reconnecting = true;
    this.#protocol.reconnecting?.();
    // The next step waits for this instead of the first connection.
    this.#open = this.#reconnect(resume.bind(this.#source), error, reason);
  }

  async #reconnect(resume: NonNullable<StreamSource["resume"]>, error: Error, reason: StreamEndReason) {
    let response: Response;
    try {
      response = await resume({ error, signal: this.#controller.signal });
    } catch (failure) {
      if (!this.#ended) {
        const given = failure === error ? error : this.#transportError(failure);
        this.#fail(given, given === error ? reason : endReasonOf(given));
      }
      return;
    } finally {
      this.#reconnecting = false;
    }
    this.#reconnects++;
    // A fresh idle period for the new connection (its wait was the source's to bound).
    this.#lastDataAt = Date.now();
    if (this.#timer === undefined && !this.#ended) this.#armTimer();
    await this.#read(response);
  }

  #armTimer(): void {
    const period = this.#events === 0 ? this.#firstByte : this.#idle;
    if (period !== false) this.#timer = startTimer(this.#onTimer, period);
  }

  /** Takes a connection's response: an error status becomes `APIError`, a body becomes the reader. */
  async #read(response: Response): Promise<void> {
    if (this.#ended) {
      response.body?.cancel().catch(() => {});
      return;
    }
    // Status first: an error body (JSON or an HTML page) is never parsed as SSE.
    if (!response.ok) {
      let text = "";
      try {
        text = await readText(response, {
          target: this.#source.target,
          maxBytes: this.#maxErrorBodyBytes,
          kind: "error-body",
          option: "maxErrorBodyBytes",
        });
      } catch (error) {
        if (error instanceof ResponseTooLargeError) {
          if (!this.#ended) this.#fail(error, "too-large");
          return;
        }
        // The body could not be read; the status alone still makes the error.
      }
      if (this.#ended) return;
      const body = decodeBody(text);
      this.#fail(
        new APIError(normalizeErrorBody(response.status, body), {
          headers: response.headers,
          requestId: requestIdOf(response.headers),
        }),
        "http-error",
      );
      return;
    }
    if (!response.body) {
      this.#fail(
        new StreamTruncatedError("the response had no body", this.#protocol.snapshot()),
        "truncated",
      );
      return;
    }
    this.#reader = response.body.getReader();
  }

  /** Handles one dispatched SSE data event (synchronously, from inside `decoder.push`). */
  #onData(data: string, event: string | undefined): void {
    if (this.#stop || this.#ended) return;
    if (data === "[DONE]") {
      this.#done = true;
      this.#stop = true;
      return;
    }
    let raw: Raw;
    try {
      raw = JSON.parse(data) as Raw;
    } catch {
      // Several data lines joined by the SSE rules (a server that never sends the blank line): try
      // them one by one before calling it invalid.
      if (data.includes("\n") && this.#eachLine(data, event)) return;
      if (event === "error") {
        // `event: error` with a plain-text message: still the server's error, not a framing problem.
        this.#events++;
        if (this.#textQueue) this.#textQueue.push(encodeEvent(data, event));
        this.#recordError(normalizeStreamError(data, this.#info?.status ?? 200));
        return;
      }
      this.#invalidJson(data);
      return;
    }
    this.#deliver(raw, data, event);
  }

  #eachLine(data: string, event: string | undefined): boolean {
    const lines = data.split("\n");
    const parsed: Raw[] = [];
    for (const line of lines) {
      if (line === "" || line === "[DONE]") continue;
      try {
        parsed.push(JSON.parse(line) as Raw);
      } catch {
        return false;
      }
    }
    for (let i = 0; i < parsed.length && !this.#stop && !this.#ended; i++) {
      this.#deliver(parsed[i] as Raw, JSON.stringify(parsed[i]), event);
    }
    if (lines.includes("[DONE]")) {
      this.#done = true;
      this.#stop = true;
    }
    return true;
  }

  #deliver(raw: Raw, data: string, event: string | undefined): void {
    this.#events++;
    let step: number;
    try {
      step = this.#protocol.accept(raw, event);
    } catch (error) {
      // The accumulators throw a StreamError (with the partial) for data they cannot use: an absurd
      // index, an item whose content is not a list. It ends the stream at once; the event is not yielded.
      if (!(error instanceof StreamError)) throw error;
      this.#fail(error, "invalid-data");
      return;
    }
    // A repeat after a reconnect: the server is alive (it counts for the idle clock), the reader never sees it.
    if (step & STEP_SKIP) return;
    this.#options.onChunk?.(raw);
    if (this.#queue) this.#queue.push(raw);
    if (this.#textQueue) this.#textQueue.push(encodeEvent(data, event));
    if (step & STEP_ERROR) this.#recordError(this.#protocol.takeError(this.#info?.status ?? 200));
    if (step & STEP_TERMINAL) this.#stop = true;
  }

  /**
   * An in-stream error. Only the first counts (Responses sends `error` then `response.failed` for one
   * failure: raised once). Reading goes on briefly: the terminator (or `response.failed`) usually
   * follows and completes the partial; the `StreamError` is raised at the end, or after
   * ERROR_GRACE_MS if the server goes quiet.
   */
  #recordError(error: ApiErrorBody): void {
    if (this.#streamError) return;
    this.#streamError = error;
    this.#graceTimer = startTimer(() => {
      if (!this.#ended) this.#settleAfterStop();
    }, ERROR_GRACE_MS);
  }

  #invalidJson(data: string): void {
    const preview = data.length > 120 ? `${data.slice(0, 120)}…` : data;
    const error: ApiErrorBody = {
      message: `The server sent a data event that is not valid JSON: ${preview}`,
      type: "invalid_stream_event",
      code: "invalid_json",
      param: null,
      status: this.#info?.status ?? 200,
      raw: data,
    };
    this.#fail(new StreamError(error, this.#protocol.snapshot()), "invalid-json");
  }

  /** A read brought data events: start the idle clock (first data) or move it. */
  #gotData(first: boolean): void {
    const idle = this.#idle;
    if (first) {
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = idle !== false ? startTimer(this.#onTimer, idle) : undefined;
    }
    // One clock read per read (not per event), and none at all without an idle timeout.
    if (idle !== false) this.#lastDataAt = Date.now();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#ended) return;
    const target = this.#source.target;
    if (this.#reconnecting || this.#readerPaused()) {
      // The reader, not the server, is the slow one: nothing is being waited for. The next read
      // returns at once if the server sent meanwhile (and moves the clock), or waits and is judged then.
      // A reconnection is bounded by its source (its request's timeout, its retries).
      this.#armTimer();
      return;
    }
    if (this.#events === 0) {
      const ms = this.#firstByte as number;
      this.#cut(new TimeoutError(target, "first-byte", ms), "timeout");
    } else {
      const idle = this.#idle as number;
      const quiet = Date.now() - this.#lastDataAt;
      if (quiet < idle) {
        this.#timer = startTimer(this.#onTimer, idle - quiet);
        return;
      }
      this.#cut(new TimeoutError(target, "idle", idle), "timeout");
    }
    // A resumed stream keeps its clock.
    if (!this.#ended) this.#armTimer();
  };

  /**
   * Whether the stream's reader has stopped asking: the response head is in, no read is in flight, and
   * someone consumes the stream (a reader that pauses between reads). A pending read means the body's
   * buffer is empty, so the server has sent no data event since the last one read: only then does a
   * timer judge the server. A stream nobody consumes yet (only `response` was awaited) is still ended
   * by its timer, so an abandoned stream does not hold its connection for ever.
   */
  #readerPaused(): boolean {
    return !this.#stepping && this.#reader !== undefined && (this.#consumers > 0 || this.#events > 0);
  }

  /** The body ended. */
  #atEof(): void {
    try {
      this.#decoder.end();
    } catch (error) {
      if (!this.#ended) this.#fail(error as Error, "aborted");
      return;
    }
    if (this.#ended) return;
    if (this.#streamError) {
      this.#fail(new StreamError(this.#streamError, this.#protocol.snapshot()), "error-event");
    } else if (this.#done || this.#protocol.completeAtEof()) {
      this.#succeed();
    } else {
      this.#cut(
        new StreamTruncatedError(this.#protocol.truncationDetail(this.#done), this.#protocol.snapshot()),
        "truncated",
      );
    }
  }

  /** A terminator arrived (or the post-error grace ran out): settle without reading further. */
  #settleAfterStop(): void {
    if (this.#streamError) {
      this.#fail(new StreamError(this.#streamError, this.#protocol.snapshot()), "error-event");
    } else {
      this.#succeed();
    }
  }

  #succeed(): void {
    if (this.#ended) return;
    this.#endReason = "complete";
    if (this.#textQueue && this.#protocol.emitsDone) this.#textQueue.push("data: [DONE]\n\n");
    this.#final = this.#protocol.snapshot();
    this.#finish();
  }

  #fail(error: Error, reason: StreamEndReason): void {
    if (this.#ended) return;
    this.#failure = error;
    this.#endReason = reason;
    if (
      error instanceof TimeoutError ||
      error instanceof ConnectionError ||
      error instanceof RequestAbortedError ||
      error instanceof ResponseTooLargeError
    ) {
      error.partial ??= this.#protocol.snapshot();
    }
    if (!this.#info) this.#responseSettle?.reject(error);
    this.#finish();
    this.#controller.abort(error);
  }

  #finish(): void {
    this.#ended = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#graceTimer !== undefined) clearTimeout(this.#graceTimer);
    this.#timer = undefined;
    this.#graceTimer = undefined;
    this.#removeAbortListener?.();
    // Release the connection; nothing more will be read.
    this.#reader?.cancel().catch(() => {});
  }

  #transportError(error: unknown): Error {
    if (error instanceof OaikitError) return error;
    if (this.#failure) return this.#failure;
    return new ConnectionError(this.#source.target, { cause: error });
  }
}

/** Why a stream ended, for an error a resumable source gave up with. */
function endReasonOf(error: Error): StreamEndReason {
  if (error instanceof RequestAbortedError) return "aborted";
  if (error instanceof TimeoutError) return "timeout";
  if (error instanceof APIError) return "http-error";
  if (error instanceof StreamError) return "error-event";
  if (error instanceof StreamTruncatedError) return "truncated";
  if (error instanceof ResponseTooLargeError) return "too-large";
  return "connection";
}

/** One event as SSE text, with its original data. */
function encodeEvent(data: string, event: string | undefined): string {
  const body = data.includes("\n") ? data.replaceAll("\n", "\ndata: ") : data;
  return event ? `event: ${event}\ndata: ${body}\n\n` : `data: ${body}\n\n`;
}
