/**
 * `CompletionStream`: a streamed legacy `/v1/completions` response (`choices[].text` chunks).
 */
import type { Completion } from "../types/index.js";
import { ChoicesProtocol } from "./chat-stream.js";
import { EventStream } from "./event-stream.js";
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

/** Legacy Completions: the chat aggregate reshaped as a `text_completion`. */
class CompletionProtocol extends ChoicesProtocol<CompletionChunk, Completion> {
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
}

/** A streamed legacy completion: iterate the raw chunks; `final()` is a `text_completion` object. */
export class CompletionStream extends EventStream<CompletionChunk, Completion> {
  /** Built by the client (`client.completion(..., { stream: true })`). */
  constructor(source: StreamSource, options?: StreamOptions<CompletionChunk>) {
    super(source, options, new CompletionProtocol());
  }
}
