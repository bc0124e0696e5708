// An OpenAI-compatible route set of the shared test server, for the client's tests. Each test makes a
// scenario (POST /oai-control/scenario with a queue of scripted answers) and points a client at
// `<server>/oai/<id>/v1`. Every request under it is recorded (method, raw path, headers, body) and
// answered by the next scripted answer, or, when the queue is empty, by a canned OpenAI-like answer.
// GET /oai-control/requests?id=<id> returns what was recorded, so tests assert exactly what was sent.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordedRequest, ScriptedAnswer } from "../../packages/core/test/client-scenario.js";
import { route, routePrefix } from "./index.js";

interface Scenario {
  queue: ScriptedAnswer[];
  requests: RecordedRequest[];
}

const scenarios = new Map<string, Scenario>();
let nextId = 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

/** POST /oai-control/scenario `{ answers?: ScriptedAnswer[] }` → `{ id, basePath }`. */
route("/oai-control/scenario", async (req, res) => {
  const body = (await readBody(req)).toString("utf8");
  const { answers = [] } = body ? (JSON.parse(body) as { answers?: ScriptedAnswer[] }) : {};
  const id = `s${nextId++}`;
  scenarios.set(id, { queue: [...answers], requests: [] });
  sendJson(res, 200, { id, basePath: `/oai/${id}/v1` });
});

/** GET /oai-control/requests?id=X → the recorded requests of scenario X. */
route("/oai-control/requests", (_req, res, url) => {
  const scenario = scenarios.get(url.searchParams.get("id") ?? "");
  if (!scenario) return sendJson(res, 404, { error: "no such scenario" });
  sendJson(res, 200, scenario.requests);
});

routePrefix("/oai/", async (req, res) => {
  const raw = req.url ?? "/";
  const match = /^\/oai\/([^/]+)\/v1(\/.*)?$/.exec(raw);
  const scenario = match ? scenarios.get(match[1]!) : undefined;
  if (!match || !scenario) return sendJson(res, 404, { error: { message: "unknown scenario" } });
  const path = match[2] ?? "/";
  const bytes = await readBody(req);
  const recorded: RecordedRequest = {
    method: req.method ?? "GET",
    path,
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
    bodyText: bytes.toString("utf8"),
  };
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(bytes), {
      headers: { "content-type": contentType },
    }).formData();
    const multipart: NonNullable<RecordedRequest["multipart"]> = { fields: {}, files: [] };
    for (const [field, value] of form) {
      if (typeof value === "string") multipart.fields[field] = value;
      else
        multipart.files.push({
          field,
          filename: value.name,
          type: value.type,
          size: value.size,
          text: await value.text(),
        });
    }
    recorded.multipart = multipart;
  } else if (recorded.bodyText) {
    try {
      recorded.json = JSON.parse(recorded.bodyText);
    } catch {
      // not JSON: bodyText keeps it
    }
  }
  scenario.requests.push(recorded);
  const scripted = scenario.queue.shift();
  if (scripted) return answer(req, res, scripted);
  return canned(res, recorded);
});

/** Plays a scripted answer. */
async function answer(req: IncomingMessage, res: ServerResponse, a: ScriptedAnswer): Promise<void> {
  if (a.delayMs) await sleep(a.delayMs);
  const headers: Record<string, string> = { ...a.headers };
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (a.sse) {
    if (!has("content-type")) headers["content-type"] = "text/event-stream";
    res.writeHead(a.status ?? 200, headers);
    res.flushHeaders();
    for (const piece of a.sse) {
      if (a.chunkDelayMs) await sleep(a.chunkDelayMs);
      if (res.destroyed) return;
      res.write(piece);
    }
  } else {
    if (a.json !== undefined && !has("content-type")) headers["content-type"] = "application/json";
    res.writeHead(a.status ?? 200, headers);
    const body = a.json !== undefined ? JSON.stringify(a.json) : (a.text ?? "");
    if (a.after === "destroy" || a.after === "stall") res.write(body.slice(0, Math.ceil(body.length / 2)));
    else res.write(body);
  }
  if (a.after === "destroy") {
    // Give the written bytes a moment to leave, then cut the connection without a proper end.
    await sleep(20);
    res.socket?.destroy();
    return;
  }
  if (a.after === "stall") {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      req.socket.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (!res.destroyed) res.end();
    return;
  }
  res.end();
}

const created = 1_700_000_000;

/** SSE frames of a short chat completion. */
function chatFrames(model: string): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-test",
      object: "chat.completion.chunk",
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  return [
    chunk({ role: "assistant", content: "" }, null),
    chunk({ content: "Hello" }, null),
    chunk({ content: " there" }, null),
    chunk({}, "stop"),
    "data: [DONE]\n\n",
  ];
}

/** SSE frames of a short Responses stream. */
function responseFrames(model: string): string[] {
  const done = {
    id: "resp_test",
    object: "response",
    created_at: created,
    status: "completed",
    model,
    output: [
      {
        id: "msg_test",
        type: "message",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: "Hello there", annotations: [] }],
      },
    ],
    usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
  };
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event("response.created", { response: { ...done, status: "in_progress", output: [] } }),
    event("response.output_text.delta", { item_id: "msg_test", output_index: 0, delta: "Hello" }),
    event("response.output_text.delta", { item_id: "msg_test", output_index: 0, delta: " there" }),
    event("response.completed", { response: done }),
  ];
}

/** The canned answer of an endpoint (used when no answer is scripted). */
function canned(res: ServerResponse, r: RecordedRequest) {
  const body = (r.json ?? {}) as Record<string, unknown>;
  const model = typeof body.model === "string" ? body.model : "test-model";
  const pathOnly = r.path.split("?")[0]!;
  // "/files/abc/content" → key "GET /files/:id/content", id "abc"; fixed paths keep their words.
  const fixed = ["/chat/completions", "/images/generations"];
  const segments = pathOnly.split("/").filter(Boolean);
  const id = !fixed.includes(pathOnly) && segments[1] ? decodeURIComponent(segments[1]) : "";
  const shape = id
    ? `/${segments[0]}/:id${segments
        .slice(2)
        .map((part) => `/${part}`)
        .join("")}`
    : pathOnly;
  const key = `${r.method} ${shape}`;
  const sse = (frames: string[]) => {
    res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "req_stream" });
    for (const frame of frames) res.write(frame);
    res.end();
  };
  const ok = (value: unknown, status = 200) => sendJson(res, status, value, { "x-request-id": "req_test" });
  switch (key) {
    case "POST /chat/completions":
      if (body.stream) return sse(chatFrames(model));
      return ok({
        id: "chatcmpl-test",
        object: "chat.completion",
        created,
        model,
        choices: [
          { index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      });
    case "POST /responses":
      if (body.stream) return sse(responseFrames(model));
      return ok({
        id: "resp_test",
        object: "response",
        status: "completed",
        model,
        output: [
          {
            id: "msg_test",
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "Hello there", annotations: [] }],
          },
        ],
      });
    case "GET /responses/:id":
      return ok({ id, object: "response", status: "completed", output: [] });
    case "DELETE /responses/:id":
      return ok({ id, object: "response", deleted: true });
    case "POST /responses/:id/cancel":
      return ok({ id, object: "response", status: "cancelled", output: [] });
    case "POST /completions":
      if (body.stream)
        return sse([
          ...["This is ", "a completion."].map(
            (text) =>
              `data: ${JSON.stringify({ id: "cmpl-test", object: "text_completion", created, model, choices: [{ index: 0, text, finish_reason: null }] })}\n\n`,
          ),
          `data: ${JSON.stringify({ id: "cmpl-test", object: "text_completion", created, model, choices: [{ index: 0, text: "", finish_reason: "stop" }] })}\n\n`,
          "data: [DONE]\n\n",
        ]);
      return ok({
        id: "cmpl-test",
        object: "text_completion",
        created,
        model,
        choices: [{ index: 0, text: "This is a completion response.", finish_reason: "stop" }],
      });
    case "POST /embeddings":
      return ok({
        object: "list",
        model,
        data: [{ object: "embedding", index: 0, embedding: [0.25, -0.5] }],
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
    case "POST /moderations":
      return ok({
        id: "modr-test",
        model: "omni-moderation-latest",
        results: [{ flagged: false, categories: {}, category_scores: {} }],
      });
    case "GET /models":
      return ok({ object: "list", data: [{ id: "test-model", object: "model", owned_by: "oaikit" }] });
    case "GET /files":
      return ok({ object: "list", data: [] });
    case "POST /files": {
      const file = r.multipart?.files[0];
      return ok({
        id: "file-test",
        object: "file",
        bytes: file?.size ?? 0,
        created_at: created,
        filename: file?.filename ?? "",
        purpose: r.multipart?.fields.purpose ?? "",
      });
    }
    case "GET /files/:id":
      return ok({ id, object: "file", bytes: 3, created_at: created, filename: "a.jsonl", purpose: "batch" });
    case "DELETE /files/:id":
      return ok({ id, object: "file", deleted: true });
    case "GET /files/:id/content":
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.from([0x7b, 0x7d, 0x0a, 0xff]));
      return;
    case "POST /images/generations":
      return ok({ created, data: [{ b64_json: "aGVsbG8=" }] });
    default:
      return sendJson(res, 404, {
        error: {
          message: `Unknown endpoint ${r.method} ${pathOnly}`,
          type: "invalid_request_error",
          code: null,
        },
      });
  }
}
