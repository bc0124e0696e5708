/**
 * `CompletionStream`: a streamed legacy `/v1/completions` response (`choices[].text` chunks).
 */
import { normalizeStreamError } from "../client/error-body.js";
import type { ApiErrorBody } from "../errors.js";
import type { Completion } from "../types/index.js";
import { ChatCompletionAccumulator } from "./chat-accumulator.js";
import { EventStream, STEP_CONTINUE, STEP_ERROR, type StreamProtocol } from "./event-stream.js";
import type { StreamOptions, StreamSource } from "./types.js";

/** One streamed `text_completion` chunk. */
export interface CompletionChunk {
  id: string;
  object: "text_completion" | (string & {});
  created: number;
  model: string;
  choices: {
    index: number;
    text: string;
    finish_reason?: string | null;
    logprobs?: unknown;
    [extra: string]: unknown;
  }[];
  usage?: Completion["usage"];
  [extra: string]: unknown;
}

class CompletionProtocol implements StreamProtocol<CompletionChunk, Completion> {
  // The chat accumulator already concatenates `choices[].text` per index; only the output shape differs.
  readonly accumulator = new ChatCompletionAccumulator();
  readonly emitsDone = true;
  #error: unknown;

  accept(chunk: CompletionChunk, event: string | undefined): number {
    if (event === "error") {
      this.#error = chunk;
      return STEP_ERROR;
    }
    this.accumulator.add(chunk as never);
    if (chunk !== null && typeof chunk === "object" && chunk.error != null) {
      this.#error = { error: chunk.error };
      return STEP_ERROR;
    }
    return STEP_CONTINUE;
  }

  takeError(httpStatus: number): ApiErrorBody {
    return normalizeStreamError(this.#error, httpStatus);
  }

  completeAtEof(): boolean {
    return this.accumulator.allChoicesFinished();
  }

  truncationDetail(): string {
    return this.accumulator.isEmpty
      ? "no chunk arrived"
      : "no [DONE] and not every choice had a finish_reason";
  }

  snapshot(): Completion {
    const chat = this.accumulator.snapshot();
    const { choices, object: _object, ...rest } = chat;
    return {
      ...rest,
      object: "text_completion",
      choices: choices.map((choice) => {
        const out: Completion["choices"][number] = {
          index: choice.index,
          text: typeof choice.message.content === "string" ? choice.message.content : "",
          finish_reason: choice.finish_reason,
        };
        if (choice.logprobs !== undefined) out.logprobs = choice.logprobs;
        return out;
      }),
    } as Completion;
  }

  text(): string {
    return this.accumulator.text(0);
  }
}

/** A streamed legacy completion: iterate the raw chunks; `final()` is a `text_completion` object. */
export class CompletionStream extends EventStream<CompletionChunk, Completion> {
  /** Built by the client (`client.completion(..., { stream: true })`). */
  constructor(source: StreamSource, options?: StreamOptions<CompletionChunk>) {
    super(source, options, new CompletionProtocol());
  }
}
