/**
 * Server-sent events from a byte stream, through eventsource-parser: one streaming UTF-8 decoder per
 * response (flushed at the end, so a character split across chunks is never a U+FFFD).
 */
import { createParser } from "eventsource-parser";

/** One SSE event: `data` (lines joined with "\n"), plus `event` and `id` when the server sent them. */
export interface SseEvent {
  event?: string;
  id?: string;
  data: string;
}

/**
 * Yields the events of an SSE body. Comments (keep-alives) and `retry:` fields are skipped; an event
 * not closed by a blank line when the body ends is dropped, as the SSE specification says.
 */
export async function* sseEvents(
  chunks: AsyncIterable<Uint8Array>,
): AsyncGenerator<SseEvent, void, undefined> {
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent: ({ event, id, data }) => {
      const parsed: SseEvent = { data };
      if (event !== undefined) parsed.event = event;
      if (id !== undefined) parsed.id = id;
      ready.push(parsed);
    },
  });
  for await (const chunk of chunks) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    yield* ready.splice(0);
  }
  parser.feed(decoder.decode());
  yield* ready.splice(0);
}
