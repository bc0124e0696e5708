// Fault-injecting SSE routes for the stream classes (packages/core/src/stream), under /__test/stream-fault/:
// stalls before and after the head, a stall mid-stream with keep-alive comments still flowing, a cut
// mid-line, invalid JSON, an error chunk followed by silence, an error status with an SSE content type,
// slow streams for abort.
// Every route stops its timers when the client goes away, and every stall ends on its own (`ms`).
import { node } from "../node-route.ts";
import type { TestApp } from "./index.ts";
import { pause } from "./io.ts";

const SSE = { "content-type": "text/event-stream", "cache-control": "no-store", "x-request-id": "req_fault" };

function chunk(content: string, finish: string | null = null): string {
  const body = {
    id: "chatcmpl-fault",
    object: "chat.completion.chunk",
    created: 1,
    model: "fault-model",
    choices: [{ index: 0, delta: { content }, finish_reason: finish }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function num(url: URL, name: string, fallback: number): number {
  const value = Number(url.searchParams.get(name));
  return url.searchParams.has(name) && Number.isFinite(value) ? value : fallback;
}

/** Registers the stream-fault routes. */
export function streamFaultRoutes(app: TestApp): void {
  const route = (path: string, handler: Parameters<typeof node>[0]) => app.all(path, node(handler));

  /** Nothing at all (no head) for `ms`, then a normal short stream. */
  route("/stream-fault/stall-before-head", async (_req, res, url) => {
    if (!(await pause(res, num(url, "ms", 5000)))) return;
    res.writeHead(200, SSE);
    res.end(`${chunk("late", "stop")}data: [DONE]\n\n`);
  });

  /** A 200 head at once, then nothing (optionally comments every `keepalive` ms) for `ms`, then the end. */
  route("/stream-fault/stall-after-head", async (_req, res, url) => {
    res.writeHead(200, SSE);
    res.flushHeaders();
    const keepalive = num(url, "keepalive", 0);
    const until = Date.now() + num(url, "ms", 5000);
    while (Date.now() < until) {
      if (!(await pause(res, keepalive || until - Date.now()))) return;
      if (keepalive) res.write(": keep-alive\n\n");
    }
    res.end();
  });

  /** Two chunks, then only keep-alive comments every `keepalive` ms (default 50) for `ms`, then the end. */
  route("/stream-fault/stall-mid", async (_req, res, url) => {
    res.writeHead(200, SSE);
    res.write(chunk("Hello"));
    res.write(chunk(" world"));
    const keepalive = num(url, "keepalive", 50);
    const until = Date.now() + num(url, "ms", 5000);
    while (Date.now() < until) {
      if (!(await pause(res, keepalive))) return;
      res.write(": OPENROUTER PROCESSING\n\n");
    }
    res.end();
  });

  /** Two chunks, half of a third line, then the socket is destroyed (no chunked-encoding end). */
  route("/stream-fault/cut-mid-line", async (_req, res) => {
    res.writeHead(200, SSE);
    res.write(chunk("Hello"));
    res.write(chunk(" world"));
    const third = chunk("!");
    res.write(third.slice(0, 40));
    if (!(await pause(res, 50))) return;
    res.socket?.destroy();
  });

  /** Two chunks and a clean end: no finish_reason, no [DONE] (a truncated body, not a cut). */
  route("/stream-fault/eof-no-terminator", (_req, res) => {
    res.writeHead(200, SSE);
    res.end(chunk("Hello") + chunk(" world"));
  });

  /** One chunk, a data event that is not JSON, then more chunks and [DONE]. */
  route("/stream-fault/bad-json", (_req, res) => {
    res.writeHead(200, SSE);
    res.end(
      `${chunk("Hello")}data: {"id":"chatcmpl-fault","choices":[{broken\n\n${chunk(" world", "stop")}data: [DONE]\n\n`,
    );
  });

  /** One chunk, an error chunk, then silence for `ms` (the stream must not wait for ever). */
  route("/stream-fault/error-then-stall", async (_req, res, url) => {
    res.writeHead(200, SSE);
    res.write(chunk("Hello"));
    res.write(`data: ${JSON.stringify({ error: { message: "Upstream failed", code: 502 } })}\n\n`);
    if (!(await pause(res, num(url, "ms", 10000)))) return;
    res.end();
  });

  /** An error status that still says text/event-stream, with an SSE-looking body: must be an APIError. */
  route("/stream-fault/error-status-sse", (_req, res) => {
    res.writeHead(503, SSE);
    res.end(
      `data: ${JSON.stringify({ error: { message: "Overloaded", type: "server_error", code: "overloaded" } })}\n\n`,
    );
  });

  /** `n` chunks, one every `delay` ms, then finish_reason and [DONE]: for abort and idle tests. */
  route("/stream-fault/slow", async (_req, res, url) => {
    res.writeHead(200, SSE);
    res.flushHeaders();
    const n = num(url, "n", 20);
    for (let i = 0; i < n; i++) {
      if (!(await pause(res, num(url, "delay", 50)))) return;
      res.write(chunk(`${i} `));
    }
    res.end(`${chunk("", "stop")}data: [DONE]\n\n`);
  });

  /**
   * lua-openai's streaming test (openai_spec #8) with its exact reads: two events in one write, the
   * second indented with spaces; a third; then `data: [DONE]` with no newline.
   */
  route("/stream-fault/lua-indented", async (_req, res) => {
    res.writeHead(200, SSE);
    const raw = (content: string, index: number) =>
      JSON.stringify({
        object: "chat.completion.chunk",
        choices: [{ delta: { content }, index: 0 }],
        n: index,
      });
    const writes = [
      `data: ${raw("This is ", 0)}\n\n            data: ${raw("a chat ", 1)}\n`,
      `data: ${raw("response.", 2)}\n`,
      "data: [DONE]",
    ];
    for (const piece of writes) {
      res.write(piece);
      if (!(await pause(res, 30))) return;
    }
    res.end();
  });
}
