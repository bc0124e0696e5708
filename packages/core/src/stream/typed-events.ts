/**
 * The protocol of a stream of typed events that one event type ends (`transcript.text.done`,
 * `image_generation.completed`): an `error` event (or `event: error`) fails it, EOF before the
 * terminal event is a truncation. Subclasses keep the aggregate. Internal.
 */
import { normalizeStreamError } from "../errors/error-body.js";
import type { ApiErrorBody } from "../errors/errors.js";
import { STEP_CONTINUE, STEP_ERROR, STEP_TERMINAL, type StreamProtocol } from "./event-stream.js";

/** What every event of such a stream has. */
export interface TypedEvent {
  type: string;
}

export abstract class TypedEventProtocol<Raw extends TypedEvent, Final>
  implements StreamProtocol<Raw, Final>
{
  readonly emitsDone = false;
  #error: unknown;
  #events = 0;
  #terminal = false;

  /** The event types that end the stream. */
  protected abstract isTerminal(type: string): boolean;
  /** Adds one (non-error) event to the aggregate. */
  protected abstract add(event: Raw): void;
  abstract snapshot(): Final;
  abstract text(): string;

  accept(event: Raw, name: string | undefined): number {
    this.#events++;
    const type = event !== null && typeof event === "object" ? event.type : undefined;
    if (type === "error" || name === "error") {
      this.#error = event;
      return STEP_ERROR;
    }
    this.add(event);
    if (typeof type === "string" && this.isTerminal(type)) {
      this.#terminal = true;
      return STEP_TERMINAL;
    }
    return STEP_CONTINUE;
  }

  takeError(httpStatus: number): ApiErrorBody {
    return normalizeStreamError(this.#error, httpStatus);
  }

  completeAtEof(): boolean {
    return this.#terminal;
  }

  truncationDetail(): string {
    return this.#events === 0 ? "no event arrived" : "the stream ended before its final event";
  }
}
