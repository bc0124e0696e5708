/** Helpers for the demo server's own tests (not a test file). */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { afterAll, beforeAll } from "vitest";
import { type DemoServer, startDemoServer } from "./index.ts";

/**
 * Starts a demo server (no typing delay, any free port) before the calling file's tests and closes it
 * after them. Read `url` inside tests and hooks: it is set once `beforeAll` has run.
 */
export function useDemoServer(): { readonly url: string } {
  let server: DemoServer | undefined;
  beforeAll(async () => {
    server = await startDemoServer({ port: 0, delayMs: 0 });
  });
  afterAll(() => server?.close());
  return {
    get url() {
      if (!server) throw new Error("useDemoServer(): the server starts in beforeAll; read url inside a test");
      return server.url;
    },
  };
}

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
