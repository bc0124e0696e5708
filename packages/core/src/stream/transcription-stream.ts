/**
 * `TranscriptionStream`: a streamed transcription (`POST /audio/transcriptions` with `stream: true`):
 * `transcript.text.delta` events, then `transcript.text.done` with the whole text and the usage.
 *
 * ```ts
 * const stream = streamTranscription(client, recording, { model: "gpt-4o-mini-transcribe" });
 * for await (const event of stream) if (event.type === "transcript.text.delta") show(event.delta);
 * const { text, usage } = await stream.final();
 * ```
 */
import type { components } from "../types/openapi.js";
import { EventStream } from "./event-stream.js";
import { TypedEventProtocol } from "./typed-events.js";
import type { StreamOptions, StreamSource } from "./types.js";

type Schemas = components["schemas"];

/** One streamed transcription event, exactly as the server sent it. */
export type TranscriptionStreamEvent = Schemas["CreateTranscriptionResponseStreamEvent"];

/**
 * The aggregate of a transcription stream: the `transcript.text.done` event's `text`, `usage` and
 * `logprobs` once it arrived; before that (a partial, after a cut) the deltas so far as `text`.
 */
export interface Transcript {
  text: string;
  usage?: Schemas["TranscriptTextDoneEvent"]["usage"];
  logprobs?: Schemas["TranscriptTextDoneEvent"]["logprobs"];
  /** The diarized segments (`transcript.text.segment`), in order, when the model sends them. */
  segments?: Schemas["TranscriptTextSegmentEvent"][];
}

class TranscriptionProtocol extends TypedEventProtocol<TranscriptionStreamEvent, Transcript> {
  #deltas: string[] = [];
  #done: Schemas["TranscriptTextDoneEvent"] | undefined;
  #segments: Schemas["TranscriptTextSegmentEvent"][] | undefined;

  protected isTerminal(type: string): boolean {
    return type === "transcript.text.done";
  }

  protected add(event: TranscriptionStreamEvent): void {
    if (event.type === "transcript.text.delta") {
      if (typeof event.delta === "string") this.#deltas.push(event.delta);
    } else if (event.type === "transcript.text.done") this.#done = event;
    else if (event.type === "transcript.text.segment") {
      this.#segments ??= [];
      this.#segments.push(event);
    }
  }

  snapshot(): Transcript {
    const done = this.#done;
    const out: Transcript = { text: typeof done?.text === "string" ? done.text : this.#deltas.join("") };
    if (done?.usage !== undefined) out.usage = done.usage;
    if (done?.logprobs !== undefined) out.logprobs = done.logprobs;
    if (this.#segments) out.segments = this.#segments.slice();
    return out;
  }

  text(): string {
    return this.snapshot().text;
  }
}

/**
 * A streamed transcription: iterate its raw events, or await `final()` (the `Transcript`) or `text()`.
 * Timeouts, abort, in-stream errors and truncation work as for `ChatCompletionStream`.
 */
export class TranscriptionStream extends EventStream<TranscriptionStreamEvent, Transcript> {
  /** Built by `streamTranscription` (`@oaikit/core/audio`). */
  constructor(source: StreamSource, options?: StreamOptions<TranscriptionStreamEvent>) {
    super(source, options, new TranscriptionProtocol());
  }
}
