/**
 * `ResponseStream`: a streamed Responses API response (`/v1/responses` with `stream: true`).
 *
 * ```ts
 * const stream = client.streamResponse("Say hello");
 * for await (const event of stream) if (event.type === "response.output_text.delta") show(event.delta);
 * const response = await stream.final(); // the response.completed object
 * ```
 */
import { normalizeStreamError } from "../errors/error-body.js";
import type { ApiErrorBody } from "../errors/errors.js";
import type { ResponseObject, ResponseStreamEvent } from "../types/index.js";
import {
  EventStream,
  STEP_CONTINUE,
  STEP_ERROR,
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

/** Responses rules: a terminal event ends it; `error` events and `response.failed` fail it (once). */
class ResponsesProtocol implements StreamProtocol<ResponseStreamEvent, ResponseObject> {
  readonly accumulator = new ResponsesAccumulator();
  readonly emitsDone = false;
  #error: unknown;

  accept(event: ResponseStreamEvent, name: string | undefined): number {
    this.accumulator.add(event);
    const type = event !== null && typeof event === "object" ? event.type : undefined;
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
  /** Built by the client (`client.streamResponse(...)`); `source` opens the request. */
  constructor(source: StreamSource, options?: StreamOptions<ResponseStreamEvent>) {
    super(source, options, new ResponsesProtocol());
  }
}
