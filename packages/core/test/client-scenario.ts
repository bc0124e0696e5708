// Test helper for the client tests: a scenario on the shared test server's OpenAI routes
// (tests/server/openai-routes.ts), and a filter for the headers a runtime adds by itself.
import { inject } from "vitest";

/** A scripted answer (tests/server/openai-routes.ts serves it). */
export interface ScriptedAnswer {
  /** HTTP status (default 200). */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** A JSON body (sent with `content-type: application/json` unless `headers` says otherwise). */
  json?: unknown;
  /** A raw body. */
  text?: string;
  /** SSE body pieces, written one by one (`content-type: text/event-stream`). */
  sse?: string[];
  /** Wait before the response head, in ms. */
  delayMs?: number;
  /** Wait between SSE pieces, in ms. */
  chunkDelayMs?: number;
  /** After the body: end it (default), destroy the socket (a cut), or stall until the client leaves. */
  after?: "end" | "destroy" | "stall";
}

/** One request the server recorded (tests/server/openai-routes.ts). */
export interface RecordedRequest {
  method: string;
  /** The raw path after `/oai/<id>/v1`, as sent (ids still percent-encoded), with the query. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body text ("" when none). */
  bodyText: string;
  /** The JSON body, when it parsed. */
  json?: unknown;
  /** A multipart body: its text fields and files. */
  multipart?: {
    fields: Record<string, string>;
    files: { field: string; filename: string; type: string; size: number; text: string }[];
  };
}

/** A scenario: the base URL to give the client, and what the server received so far. */
export interface Scenario {
  baseURL: string;
  requests(): Promise<RecordedRequest[]>;
}

/** Creates a scenario whose first answers are `answers` (then canned OpenAI-like answers). */
export async function scenario(answers: ScriptedAnswer[] = []): Promise<Scenario> {
  const server = inject("testServerUrl");
  const res = await fetch(`${server}/oai-control/scenario`, {
    method: "POST",
    body: JSON.stringify({ answers }),
  });
  const { id, basePath } = (await res.json()) as { id: string; basePath: string };
  return {
    baseURL: `${server}${basePath}`,
    requests: async () =>
      (await (await fetch(`${server}/oai-control/requests?id=${id}`)).json()) as RecordedRequest[],
  };
}

/** Headers that fetch, undici or the browser add on their own (not the client's doing). */
const RUNTIME_HEADERS = new Set([
  "host",
  "connection",
  "accept",
  "accept-encoding",
  "accept-language",
  "user-agent",
  "origin",
  "referer",
  "content-length",
  "transfer-encoding",
  "pragma",
  "cache-control",
  "priority",
  "dnt",
]);

/** The headers the client chose to send: every recorded header minus those a runtime adds. */
export function clientHeaders(request: RecordedRequest): Record<string, string> {
  return Object.fromEntries(
    Object.entries(request.headers).filter(
      ([name]) => !RUNTIME_HEADERS.has(name) && !name.startsWith("sec-"),
    ),
  );
}

/** A chat.completion.chunk SSE frame. */
export function chunkFrame(choices: unknown[], extra: Record<string, unknown> = {}): string {
  return `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "m", choices, ...extra })}\n\n`;
}
