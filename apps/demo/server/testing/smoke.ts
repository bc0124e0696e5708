// The cross-runtime smoke suite's routes (tests/runtimes), under /__test/smoke/v1: small, deterministic,
// and with exactly the behaviour the cases assert: an echo reply, a stall for the abort case, a 429 that
// happens once per key, a multipart echo.
//
// CORS here is strict about request headers (see `SMOKE_CORS` in index.ts): a browser preflight is
// allowed only for the headers an OpenAI-compatible call needs (DESIGN.md §2). A client that adds
// telemetry headers (openai-node's X-Stainless-*) fails in Chromium here, as it does against Ollama or
// a local proxy.
import type { IncomingMessage, ServerResponse } from "node:http";
import { node } from "../node-route.ts";
import type { TestApp } from "./index.ts";
import { readTestBody, sendChunkedJson } from "./io.ts";

/** The request headers a browser may send (the preflight allow-list). */
export const SMOKE_ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "openai-organization",
  "openai-project",
];

/** The prefix of every echo reply. */
export const ECHO_PREFIX = "Echo: ";

/** What the smoke routes remember: retries per key, streams whose client went away, a request count. */
export interface SmokeState {
  attempts: Map<string, number>;
  closedEarly: Set<string>;
  requests: number;
}

const encoder = new TextEncoder();

type Json = Record<string, unknown>;

/** Registers `/smoke/...` (any path; `/v1` after `/smoke` is optional, as a base URL ends in it). */
export function smokeRoutes(app: TestApp): SmokeState {
  const stats: SmokeState = { attempts: new Map(), closedEarly: new Set(), requests: 0 };
  app.all(
    "/smoke/*",
    node((req, res, url) => {
      const path = url.pathname.replace(/^.*?\/smoke(?:\/v1)?(?=\/)/, "");
      return handle(req, res, url, path, stats);
    }),
  );
  return stats;
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  stats: SmokeState,
): Promise<void> {
  stats.requests++;
  res.setHeader("x-request-id", `req_smoke_${stats.requests}`);

  if (req.method === "GET" && path === "/models") {
    sendChunkedJson(res, 200, {
      object: "list",
      data: [
        { id: "smoke-model", object: "model", created: 1_700_000_000, owned_by: "oaikit-smoke" },
        { id: "smoke-stall", object: "model", created: 1_700_000_000, owned_by: "oaikit-smoke" },
      ],
    });
    return;
  }
  // The abort case asks whether the server saw the client go away (the abort reached the socket).
  if (req.method === "GET" && path === "/__smoke/closed") {
    const id = url.searchParams.get("id") ?? "";
    sendChunkedJson(res, 200, { id, closed: stats.closedEarly.has(id) });
    return;
  }
  if (req.method === "POST" && path === "/chat/completions") {
    const body = await readJson(req);
    if (!body)
      return void sendChunkedJson(res, 400, errorBody("The body must be a JSON object.", "invalid_json"));
    const messages = body.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      return void sendChunkedJson(res, 400, errorBody("'messages' is a required property", null, "messages"));
    }
    if (typeof body.model !== "string" || body.model === "") {
      return void sendChunkedJson(res, 400, errorBody("you must provide a model parameter", null, "model"));
    }
    const model = body.model;
    if (model === "smoke-bad-request") {
      const error = errorBody(`The model \`${model}\` does not exist.`, "invalid_request_error", "model");
      error.error.code = "model_not_found";
      return void sendChunkedJson(res, 400, error);
    }
    const retryOnce = /^smoke-429-once:(.+)$/.exec(model);
    if (retryOnce) {
      const key = retryOnce[1]!;
      const attempt = (stats.attempts.get(key) ?? 0) + 1;
      stats.attempts.set(key, attempt);
      res.setHeader("x-smoke-attempt", String(attempt));
      if (attempt === 1) {
        // Both headers: a client that honours retry-after-ms waits 50 ms, one that reads only
        // retry-after waits 3 s (the case tells them apart).
        res.setHeader("retry-after", "3");
        res.setHeader("retry-after-ms", "50");
        sendChunkedJson(
          res,
          429,
          errorBody("Rate limit reached for smoke-model. Please try again in 50ms.", "requests"),
        );
        return;
      }
    }
    const reply = `${ECHO_PREFIX}${lastText(messages)}`;
    if (body.stream === true) {
      // The abort cases: a model `smoke-stall:<id>` or a message `[stall:<id>]` (for the examples,
      // whose model is fixed) streams one piece and then stalls until the client goes away.
      const stall = /^smoke-stall:(.+)$/.exec(model) ?? /^\[stall:(.+)\]$/.exec(lastText(messages));
      await streamChat(req, res, reply, model, stall ? stall[1] : undefined, stats);
      return;
    }
    sendChunkedJson(res, 200, {
      id: "chatcmpl-smoke",
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
    return;
  }
  if (req.method === "POST" && path === "/responses") {
    const body = await readJson(req);
    if (!body || body.input === undefined) {
      return void sendChunkedJson(res, 400, errorBody("Missing required parameter: 'input'.", null, "input"));
    }
    const text = `${ECHO_PREFIX}${inputText(body.input)}`;
    const model = String(body.model ?? "smoke-model");
    if (body.stream === true) await streamResponse(res, text, model);
    else sendChunkedJson(res, 200, responseObject(text, model, "completed"));
    return;
  }
  if (req.method === "POST" && path === "/files") {
    const bytes = await readTestBody(req);
    const request = new Request("http://127.0.0.1/files", {
      method: "POST",
      headers: { "content-type": String(req.headers["content-type"] ?? "") },
      body: new Uint8Array(bytes),
    });
    let form: FormData;
    try {
      form = await request.formData();
    } catch (error) {
      return void sendChunkedJson(
        res,
        400,
        errorBody(`Not a multipart body: ${error}`, "invalid_request_error"),
      );
    }
    const upload = form.get("file");
    if (!upload || typeof upload === "string") {
      return void sendChunkedJson(res, 400, errorBody("'file' is a required multipart field", null, "file"));
    }
    sendChunkedJson(res, 200, {
      id: "file-smoke-1",
      object: "file",
      bytes: upload.size,
      created_at: 1_700_000_000,
      filename: upload.name,
      purpose: form.get("purpose"),
      status: "processed",
      // Not part of OpenAI's file object: lets the case check the bytes arrived intact.
      smoke_text: await upload.text(),
      smoke_content_type: String(req.headers["content-type"] ?? "").split(";")[0],
    });
    return;
  }
  sendChunkedJson(
    res,
    404,
    errorBody(`Unknown route ${req.method} ${url.pathname}`, "invalid_request_error"),
  );
}

/** Streams a chat completion: role, the reply in small pieces (one split inside a UTF-8 sequence), usage. */
async function streamChat(
  req: IncomingMessage,
  res: ServerResponse,
  reply: string,
  model: string,
  stallId: string | undefined,
  stats: SmokeState,
): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  const base = {
    id: "chatcmpl-smoke-stream",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model,
  };
  const chunk = (delta: Json, finish: string | null = null) =>
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.write(chunk({ role: "assistant", content: "" }));
  if (stallId) {
    // The abort case: one piece of content, then nothing until the client goes away.
    res.write(chunk({ content: "partial" }));
    const guard = setTimeout(() => res.destroy(), 20_000);
    req.socket.on("close", () => {
      clearTimeout(guard);
      stats.closedEarly.add(stallId);
    });
    return;
  }
  for (const piece of splitWords(reply)) {
    await writeSplit(res, chunk({ content: piece }));
  }
  res.write(chunk({}, "stop"));
  res.write(
    `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } })}\n\n`,
  );
  res.end("data: [DONE]\n\n");
}

/** Streams a Responses API answer with the event sequence OpenAI sends. */
async function streamResponse(res: ServerResponse, text: string, model: string): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  let sequence = 0;
  const send = (type: string, fields: Json) =>
    writeSplit(
      res,
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`,
    );
  const item = { id: "msg_smoke", type: "message", status: "in_progress", role: "assistant", content: [] };
  await send("response.created", { response: responseObject("", model, "in_progress") });
  await send("response.output_item.added", { output_index: 0, item });
  await send("response.content_part.added", {
    item_id: item.id,
    output_index: 0,
    content_index: 0,
    part: { type: "output_text", text: "", annotations: [] },
  });
  for (const delta of splitWords(text)) {
    await send("response.output_text.delta", { item_id: item.id, output_index: 0, content_index: 0, delta });
  }
  await send("response.output_text.done", { item_id: item.id, output_index: 0, content_index: 0, text });
  await send("response.completed", { response: responseObject(text, model, "completed") });
  res.end();
}

function responseObject(text: string, model: string, status: string): Json {
  return {
    id: "resp_smoke",
    object: "response",
    created_at: 1_700_000_000,
    status,
    model,
    output: text
      ? [
          {
            id: "msg_smoke",
            type: "message",
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text, annotations: [] }],
          },
        ]
      : [],
    usage: status === "completed" ? { input_tokens: 3, output_tokens: 5, total_tokens: 8 } : null,
  };
}

/** Writes one SSE frame as two separate writes cut inside a multi-byte character when there is one. */
async function writeSplit(res: ServerResponse, frame: string): Promise<void> {
  const bytes = encoder.encode(frame);
  const multiByte = bytes.findIndex((b) => b >= 0xc0);
  if (multiByte <= 0) {
    res.write(bytes);
    return;
  }
  res.write(bytes.subarray(0, multiByte + 1));
  await new Promise((resolve) => setTimeout(resolve, 2));
  res.write(bytes.subarray(multiByte + 1));
}

/** "Echo: héllo wörld" → ["Echo: ", "héllo ", "wörld"]: keeps the spaces, so the pieces join back. */
function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

type Part = { text?: unknown } | null | undefined;
type Message = { content?: unknown } | null | undefined;

function partsText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p: Part) => (p?.text as string | undefined) ?? "").join("");
  return "";
}

function lastText(messages: unknown[]): string {
  return partsText((messages[messages.length - 1] as Message)?.content);
}

function inputText(input: unknown): string {
  if (typeof input === "string") return input;
  if (Array.isArray(input)) return partsText((input[input.length - 1] as Message)?.content);
  return "";
}

function errorBody(
  message: string,
  type: string | null,
  param: string | null = null,
): { error: { message: string; type: string | null; param: string | null; code: string | null } } {
  return { error: { message, type, param, code: null } };
}

async function readJson(req: IncomingMessage): Promise<Json | undefined> {
  try {
    const value: unknown = JSON.parse((await readTestBody(req)).toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}
