/**
 * `ResponseStream`: a streamed Responses API response (`/v1/responses` with `stream: true`).
 *
 * ```ts
 * const stream = client.streamResponse("Say hello");
 * for await (const event of stream) if (event.type === "response.output_text.delta") show(event.delta);
 * const response = await stream.final(); // the response.completed object
 * ```
 *
 * A background response's stream (`background: true`) is resumable: the stream keeps the response id
 * and the last `sequence_number` (`responseId`, `cursor`), and its source reopens the stream after a
 * cut from there (`StreamSource.resume`); the events a new connection repeats are dropped here.
 */
import { normalizeStreamError } from "../errors/error-body.js";
import type { ApiErrorBody } from "../errors/errors.js";
import type { ResponseObject, ResponseStreamEvent } from "../types/index.js";
import {
  EventStream,
  STEP_CONTINUE,
  STEP_ERROR,
  STEP_SKIP,
  STEP_TERMINAL,
  type StreamProtocol,
} from "./event-stream.js";
import { ResponsesAccumulator, responseOutputText } from "./responses-accumulator.js";
import type { StreamOptions, StreamSource } from "./types.js";

/**
 * Same answer as `TERMINAL_RESPONSE_EVENTS.has(type)`, but runs for every event: `type` comes from
 * JSON.parse and is not internalised, so `Set.has` hashes all of its characters each time, while these
 * compares stop at the length check for the (longer) delta types. Keep the two lists in step.
 */
function isTerminalType(type: string): boolean {
  return type === "response.completed" || type === "response.incomplete" || type === "response.failed";
}

/**
 * Where a Responses stream continues a response that another stream (another page, another device)
 * started: its id, the `sequence_number` of the last event already received, and what was aggregated
 * from the events up to there.
 */
export interface ResponseResumePoint {
  /** The response's id (`resp_...`). */
  responseId: string;
  /** The last `sequence_number` received: events at or before it are dropped. Undefined: none. */
  startingAfter?: number | undefined;
  /** The aggregate of the events before the cursor (`currentSnapshot()` of the stream that read them). */
  partial?: ResponseObject | undefined;
}

/** Options of `new ResponseStream(source, options)`. */
export interface ResponseStreamOptions extends StreamOptions<ResponseStreamEvent> {
  /** Continue a response whose first events were read elsewhere (`resumeResponse` sets it). */
  resumeFrom?: ResponseResumePoint | undefined;
}

/** Responses rules: a terminal event ends it; `error` events and `response.failed` fail it (once). */
class ResponsesProtocol implements StreamProtocol<ResponseStreamEvent, ResponseObject> {
  readonly accumulator = new ResponsesAccumulator();
  readonly emitsDone = false;
  #error: unknown;
  /** The response's id, from the first event that carries the response (or the resume point). */
  responseId: string | undefined;
  /** The `sequence_number` of the last event accepted. */
  cursor: number | undefined;
  /** After a reconnect: events numbered up to this were delivered already. */
  #skipThrough: number | undefined;

  constructor(from: ResponseResumePoint | undefined) {
    if (!from) return;
    this.responseId = from.responseId;
    this.cursor = this.#skipThrough = from.startingAfter;
    if (from.partial) this.accumulator.continueFrom(from.partial);
  }

  reconnecting(): void {
    this.#skipThrough = this.cursor;
  }

  accept(event: ResponseStreamEvent, name: string | undefined): number {
    const isObject = event !== null && typeof event === "object";
    if (isObject) {
      const sequence = event.sequence_number;
      if (typeof sequence === "number") {
        if (this.#skipThrough !== undefined) {
          if (sequence <= this.#skipThrough) return STEP_SKIP;
          this.#skipThrough = undefined;
        }
        this.cursor = sequence;
      }
      if (this.responseId === undefined) {
        const response = (event as { response?: { id?: unknown } }).response;
        if (response && typeof response === "object" && typeof response.id === "string" && response.id)
          this.responseId = response.id;
      }
    }
    this.accumulator.add(event);
    const type = isObject ? event.type : undefined;
    let flags = STEP_CONTINUE;
    if (type === "error" || name === "error") {
      this.#error = event;
      flags |= STEP_ERROR;
    } else if (type === "response.failed") {
      // Read defensively: the server's JSON is not checked against the type.
      const response = (event as { response?: ResponseObject | null }).response;
      const error = response && typeof response === "object" ? response.error : undefined;
      this.#error = { error: error ?? { message: "The response failed without an error object." } };
      flags |= STEP_ERROR;
    }
    if (typeof type === "string" && isTerminalType(type)) flags |= STEP_TERMINAL;
    return flags;
  }

  takeError(httpStatus: number): ApiErrorBody {
    return normalizeStreamError(this.#error, httpStatus);
  }

  completeAtEof(): boolean {
    return this.accumulator.isTerminal;
  }

  truncationDetail(sawDone: boolean): string {
    return this.accumulator.eventCount === 0
      ? "no event arrived"
      : `no response.completed, response.incomplete or response.failed event${sawDone ? " before [DONE]" : ""}`;
  }

  snapshot(): ResponseObject {
    return this.accumulator.snapshot();
  }

  text(): string {
    return responseOutputText(this.accumulator.snapshot());
  }
}

/**
 * A streamed Responses API response. Async-iterable over every raw event (`response.created`,
 * `response.output_text.delta`, ..., `response.completed`); `final()` is the terminal event's response
 * (`status` `completed` or `incomplete`), `text()` its `output_text`. `[DONE]` (OpenRouter) is
 * tolerated. An `error` event and/or `response.failed` → one `StreamError` whose `partial` is the
 * failed response; no terminal event before EOF → `StreamTruncatedError`. Timeouts, abort and
 * connection errors as for `ChatCompletionStream`.
 */
export class ResponseStream extends EventStream<ResponseStreamEvent, ResponseObject> {
  readonly #protocol: ResponsesProtocol;

  /** Built by the client (`client.streamResponse(...)`); `source` opens the request. */
  constructor(source: StreamSource, options?: ResponseStreamOptions) {
    const protocol = new ResponsesProtocol(options?.resumeFrom);
    super(source, options, protocol);
    this.#protocol = protocol;
  }

  /** The response's id (`resp_...`) once an event named it (`response.created`), else undefined. */
  get responseId(): string | undefined {
    return this.#protocol.responseId;
  }

  /**
   * The `sequence_number` of the last event received (undefined before the first, or when the server
   * numbers none). With `responseId`, what a page stores to resume the response elsewhere:
   * `resumeResponse(client, responseId, { startingAfter: cursor, partial: currentSnapshot() })`. It
   * and `currentSnapshot()` always match each other; both may be a few events ahead of the event a
   * `for await` loop holds (one read of the body is parsed at once).
   */
  get cursor(): number | undefined {
    return this.#protocol.cursor;
  }
}
