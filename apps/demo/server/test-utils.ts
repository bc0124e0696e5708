/** Helpers for the demo server's own tests (not a test file). */
import { createParser, type EventSourceMessage } from "eventsource-parser";

/** An SSE body as received: parsed events, keep-alive comments and the raw text. */
export interface ReadSse {
  events: EventSourceMessage[];
  comments: string[];
  raw: string;
}

/** Reads a whole SSE response through eventsource-parser. */
export async function readSse(res: Response): Promise<ReadSse> {
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  const decoder = new TextDecoder();
  let raw = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(chunk, { stream: true });
    raw += text;
    parser.feed(text);
  }
  raw += decoder.decode();
  return { events, comments, raw };
}

/** The JSON payloads of data events, `[DONE]` left out. */
export function payloads<T = Record<string, unknown>>(events: EventSourceMessage[]): T[] {
  return events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data) as T);
}

/** POSTs JSON to the demo server. */
export function post(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${base}/v1${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-oaikit-delay": "0", ...headers },
    body: JSON.stringify(body),
  });
}
