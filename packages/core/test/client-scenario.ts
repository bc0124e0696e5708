// Test helper for the client tests: a scenario on the one fake server's test routes
// (apps/demo/server/testing/scenarios.ts: scripted answers, every request recorded), and a filter for the
// headers a runtime adds by itself. Runs in Node and in Chromium (over HTTP, `inject("testServerUrl")`).
import { inject } from "vitest";
import type { RecordedRequest, ScriptedAnswer } from "../../../apps/demo/server/testing/scenarios.ts";

export type { RecordedRequest, ScriptedAnswer };

/** A scenario: the base URL to give the client, and what the server received so far. */
export interface Scenario {
  baseURL: string;
  requests(): Promise<RecordedRequest[]>;
}

/**
 * Creates a scenario whose first answers are `answers`, then the first `byPath` entry whose key the
 * request's path (with its query) contains, then canned OpenAI-like answers.
 */
export async function scenario(
  answers: ScriptedAnswer[] = [],
  byPath: Record<string, ScriptedAnswer> = {},
): Promise<Scenario> {
  const server = inject("testServerUrl");
  const res = await fetch(`${server}/scenarios`, {
    method: "POST",
    body: JSON.stringify({ answers, byPath }),
  });
  const { path, basePath } = (await res.json()) as { path: string; basePath: string };
  return {
    baseURL: `${server}${basePath}`,
    requests: async () => (await (await fetch(`${server}${path}/requests`)).json()) as RecordedRequest[],
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
