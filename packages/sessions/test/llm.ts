import { startDemoServer, type WordsModel } from "../../../apps/demo/server/index.ts";

/** What the model saw: each request's path, headers and parsed body. */
export interface SeenRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * A small OpenAI-compatible model for the session tests: the one fake server (apps/demo/server) on
 * 127.0.0.1 with a scenario running its words model (apps/demo/server/testing/scenarios.ts). Chat
 * Completions and Responses, streamed or not. The reply text is `words` joined; each word is one SSE
 * chunk, `delayMs` apart. With `hangAfter` the stream stops after that many words and never ends (for
 * abort tests). `state.responseExtra`, when set, is JSON text spliced into every Responses object as its
 * `extra` field. Change `state` between calls; `seen` lists what arrived.
 */
export async function startLlm(options: { words?: string[]; delayMs?: number; hangAfter?: number } = {}) {
  const server = await startDemoServer({ delayMs: 0, testRoutes: true });
  const test = server.test!;
  const { path, words, requests } = test.routes.scenarios.create({ words: options });
  return {
    url: `${test.url}${path}/v1`,
    get seen(): SeenRequest[] {
      return requests.map((r) => ({
        url: r.url,
        headers: r.headers,
        body: (r.json ?? {}) as Record<string, unknown>,
      }));
    },
    state: words as WordsModel,
    close: () => server.close(),
  };
}

/** JSON text of an object nested `depth` levels deep: `{"a":{"a":...{"a":1}...}}`. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}
