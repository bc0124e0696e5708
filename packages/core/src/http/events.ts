/**
 * Server-sent events from a byte stream, through the streams' own decoder (`SseDecoder`): one SSE
 * decoding path for the whole package, with its streaming UTF-8 decoder (flushed at the end, so a
 * character split across chunks is never a U+FFFD) and its event size limit.
 */
import type { RequestTarget } from "../errors/errors.js";
import { SseDecoder } from "../stream/sse.js";
import type { SizeLimit } from "../transport/limits.js";

/** One SSE event: `data` (lines joined with "\n"), plus `event` and `id` when the server sent them. */
export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/** Options of `sseEvents`. */
export interface SseEventsOptions {
  /** The request, named in errors. */
  target?: RequestTarget | undefined;
  /** Largest event in characters; `false` for none. Default: `SseDecoder`'s (16 Mi). */
  maxEventSize?: SizeLimit | undefined;
}

/**
 * Yields the events of an SSE body. Comments (keep-alives) and `retry:` fields are skipped; an event
 * not closed by a blank line when the body ends is dropped, as the SSE specification says. An event
 * larger than `maxEventSize` throws `ResponseTooLargeError` (the body is then cancelled).
 */
export async function* sseEvents(
  chunks: AsyncIterable<Uint8Array>,
  options: SseEventsOptions = {},
): AsyncGenerator<SseEvent, void, undefined> {
  const ready: SseEvent[] = [];
  const decoder = new SseDecoder(
    {
      onEvent: (data, event, id) => {
        const parsed: SseEvent = { data };
        if (event !== undefined) parsed.event = event;
        if (id !== undefined) parsed.id = id;
        ready.push(parsed);
      },
    },
    { target: options.target, maxEventSize: options.maxEventSize, keepTrailing: false },
  );
  for await (const chunk of chunks) {
    decoder.push(chunk);
    yield* ready.splice(0);
  }
  decoder.end();
  yield* ready.splice(0);
}
