import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake server saw: each request's headers and parsed body. */
export interface SeenRequest {
  url: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/**
 * A small OpenAI-compatible server on 127.0.0.1 (port 0) for the session tests. Chat Completions and
 * Responses, streamed or not. The reply text is `words` joined; each word is one SSE chunk, `delayMs` apart.
 * With `hang: true` the stream stops after `hangAfter` words and never ends (for abort tests).
 * `state.responseExtra`, when set, is JSON text spliced into every Responses object as its `extra` field:
 * text, because a server cannot `JSON.stringify` the 20,000-level objects the failure tests need either.
 */
export async function startLlmServer(
  options: { words?: string[]; delayMs?: number; hangAfter?: number } = {},
) {
  const seen: SeenRequest[] = [];
  const state = {
    words: options.words ?? ["Hello", " there", "!"],
    delayMs: options.delayMs ?? 5,
    hangAfter: options.hangAfter,
    responseExtra: undefined as string | undefined,
  };
  let responseCounter = 0;
  const server: Server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    seen.push({ url: req.url ?? "", headers: req.headers, body });
    const stream = body.stream === true;
    const text = state.words.join("");
    if (req.url?.endsWith("/chat/completions")) {
      if (!stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: "cmpl-1",
            object: "chat.completion",
            choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const [i, word] of state.words.entries()) {
        if (state.hangAfter !== undefined && i >= state.hangAfter) return; // never ends
        res.write(
          `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: word } }] })}\n\n`,
        );
        await sleep(state.delayMs);
      }
      res.write(
        `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
      );
      res.end("data: [DONE]\n\n");
      return;
    }
    if (req.url?.endsWith("/responses")) {
      const id = `resp_${++responseCounter}`;
      const response = {
        id,
        object: "response",
        status: "completed",
        output: [
          { type: "message", id: `msg_${id}`, role: "assistant", content: [{ type: "output_text", text }] },
        ],
      };
      const responseJson = withExtra(JSON.stringify(response), state.responseExtra);
      if (!stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(responseJson);
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      for (const [i, word] of state.words.entries()) {
        if (state.hangAfter !== undefined && i >= state.hangAfter) return;
        res.write(
          `event: response.output_text.delta\ndata: ${JSON.stringify({ type: "response.output_text.delta", delta: word })}\n\n`,
        );
        await sleep(state.delayMs);
      }
      res.end(
        `event: response.completed\ndata: {"type":"response.completed","response":${responseJson}}\n\n`,
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    seen,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `json` (an object's JSON text) with `"extra": <extra>` added, or unchanged without `extra`. */
function withExtra(json: string, extra: string | undefined): string {
  return extra === undefined ? json : `${json.slice(0, -1)},"extra":${extra}}`;
}

/** JSON text of an object nested `depth` levels deep: `{"a":{"a":...{"a":1}...}}`. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
