// Scenarios: scripted OpenAI-compatible answers, every request recorded, under /__test/scenarios.
//
//   POST /scenarios `ScenarioOptions`     → `{ id, path, basePath }` (paths under /__test; basePath ends in /v1)
//   GET  /scenarios/<id>/requests         → the requests scenario <id> received (`RecordedRequest[]`)
//   ANY  /scenarios/<id>/<anything>       → recorded, then answered by, in this order: the next of
//                                           `answers`; the first `byPath` entry whose key the request's
//                                           path contains; the `words` model when set; else a canned
//                                           OpenAI-like answer for the endpoint.
//
// A client points its baseURL at `<test url><basePath>`. What an answer can do on the wire: exact write
// boundaries (`sse` pieces, with pauses before and after each), a head that comes late or never, a body
// cut half-way (`destroy`), a body that stalls (`stall`), a body that never ends (`endless`), any status
// and headers (redirects, lying Content-Length). In-process tests (`server.test.scenarios.create`) may
// also pass `respond`, a function that picks the answer per request, and change `words` while it runs.
import type { IncomingMessage, ServerResponse } from "node:http";
import { node } from "../node-route.ts";
import type { TestApp } from "./index.ts";
import { pause, readTestBody, sendChunkedJson, sleep } from "./io.ts";

/** How the server answers one request. */
export interface ScriptedAnswer {
  /** HTTP status (default 200). */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** A JSON body (sent with `content-type: application/json` unless `headers` says otherwise). */
  json?: unknown;
  /** A raw body. */
  text?: string;
  /** SSE body pieces, each written on its own (`content-type: text/event-stream` unless `headers` says otherwise). */
  sse?: string[];
  /** Wait before the response head, in ms (the wait ends if the client goes away). */
  delayMs?: number;
  /** Wait before each SSE piece, in ms. */
  chunkDelayMs?: number;
  /** Wait after each SSE piece, the last one too, in ms: every piece arrives as its own read. */
  pauseAfterEachMs?: number;
  /**
   * After the body: `chunk` written again and again (respecting back-pressure) until the client goes
   * away, or until `cap` bytes (default 64 MiB), so that a client that reads without limit fails its
   * test instead of eating the machine's memory. The bytes written are in `reply.endlessBytes`.
   */
  endless?: { chunk: string; cap?: number };
  /**
   * After the body: end it (default), destroy the socket (a cut; a JSON or text body stops half-way),
   * or stall until the client leaves (at most 30 s; a JSON or text body stops half-way).
   */
  after?: "end" | "destroy" | "stall";
}

/** One request a scenario received. */
export interface RecordedRequest {
  method: string;
  /** The raw path after the scenario's root, as sent (ids still percent-encoded), with the query. */
  url: string;
  /** `url` without a leading `/v1`: the path after the client's baseURL (`/chat/completions`). */
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
  /** What happened to the answer, updated while it is sent. */
  reply: {
    /** Bytes written by an `endless` answer. */
    endlessBytes: number;
    /** The response is over: ended, or the client went away. */
    closed: boolean;
  };
}

/**
 * A small streaming model (what the session tests and the sessions' e2e page talk to): the reply is
 * `words` joined, each word one SSE event, `delayMs` after each. With `hangAfter`, a stream stops after
 * that many words and never ends (abort tests). `responseExtra`, when set, is JSON text spliced into
 * every Responses object as its `extra` field: text, because a server cannot `JSON.stringify` the
 * 20,000-level objects the failure tests need either.
 */
export interface WordsModel {
  words: string[];
  delayMs: number;
  hangAfter?: number | undefined;
  responseExtra?: string | undefined;
}

/** What POST /scenarios takes (JSON), and `create()` in-process. */
export interface ScenarioOptions {
  /** Answers for the next requests, in order. */
  answers?: ScriptedAnswer[];
  /** Answers by path: the first entry whose key the request's `url` contains ("" matches any). */
  byPath?: Record<string, ScriptedAnswer>;
  /** Turns on the words model (defaults: words "Hello", " there", "!", 5 ms apart). */
  words?: Partial<WordsModel>;
}

/** A scenario as the server keeps it; in-process tests read and change it while it runs. */
export interface Scenario {
  id: string;
  /** Its root under the test mount (`/scenarios/<id>`); the API is under `<path>/v1`. */
  path: string;
  answers: ScriptedAnswer[];
  byPath: Record<string, ScriptedAnswer>;
  words: WordsModel | undefined;
  /** In-process only: picks the answer of each request (`call` counts from 1); a throw answers 500. */
  respond: ((request: RecordedRequest, call: number) => ScriptedAnswer | Promise<ScriptedAnswer>) | undefined;
  /** Every request received, in order (live). */
  requests: RecordedRequest[];
  /** How many Responses objects the words model made (their ids count up: resp_1, resp_2, ...). */
  responsesMade: number;
}

/** The scenarios of one server. */
export class Scenarios {
  readonly #all = new Map<string, Scenario>();
  #next = 1;

  /** A new scenario (its own answers, recordings and counters). */
  create(options: ScenarioOptions & { respond?: Scenario["respond"] } = {}): Scenario {
    const id = `s${this.#next++}`;
    const scenario: Scenario = {
      id,
      path: `/scenarios/${id}`,
      answers: [...(options.answers ?? [])],
      byPath: { ...options.byPath },
      words: options.words ? { words: ["Hello", " there", "!"], delayMs: 5, ...options.words } : undefined,
      respond: options.respond,
      requests: [],
      responsesMade: 0,
    };
    this.#all.set(id, scenario);
    return scenario;
  }

  get(id: string): Scenario | undefined {
    return this.#all.get(id);
  }
}

/** Registers `/scenarios`; `scenarios` holds them (one store per server). */
export function scenarioRoutes(app: TestApp, scenarios: Scenarios): void {
  app.post(
    "/scenarios",
    node(async (req, res) => {
      const text = (await readTestBody(req)).toString("utf8");
      const options = text ? (JSON.parse(text) as ScenarioOptions) : {};
      const { id, path } = scenarios.create(options);
      sendChunkedJson(res, 200, { id, path, basePath: `${path}/v1` });
    }),
  );

  app.get(
    "/scenarios/:id/requests",
    node((_req, res, _url, c) => {
      const scenario = scenarios.get(c.req.param("id") ?? "");
      if (!scenario) return sendChunkedJson(res, 404, { error: "no such scenario" });
      sendChunkedJson(res, 200, scenario.requests);
    }),
  );

  app.all(
    "/scenarios/:id/*",
    node(async (req, res, url, c) => {
      const scenario = scenarios.get(c.req.param("id") ?? "");
      if (!scenario) return sendChunkedJson(res, 404, { error: { message: "unknown scenario" } });
      const raw = req.url ?? "/";
      const recorded = await record(req, raw.slice(raw.indexOf(scenario.path) + scenario.path.length));
      res.once("close", () => {
        recorded.reply.closed = true;
      });
      scenario.requests.push(recorded);
      const scripted = scenario.respond
        ? await scenario.respond(recorded, scenario.requests.length)
        : (scenario.answers.shift() ?? byPath(scenario.byPath, recorded.url));
      if (scripted) return play(req, res, scripted, recorded);
      if (scenario.words) return words(res, scenario, recorded, url);
      return canned(res, recorded);
    }),
  );
}

/** Reads and records a request; `rest` is the raw path after the scenario's root. */
export async function record(req: IncomingMessage, rest: string): Promise<RecordedRequest> {
  const bytes = await readTestBody(req);
  const recorded: RecordedRequest = {
    method: req.method ?? "GET",
    url: rest || "/",
    path: rest.replace(/^\/v1(?=\/|\?|$)/, "") || "/",
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
    bodyText: bytes.toString("utf8"),
    reply: { endlessBytes: 0, closed: false },
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
  return recorded;
}

function byPath(answers: Record<string, ScriptedAnswer>, url: string): ScriptedAnswer | undefined {
  return Object.entries(answers).find(([part]) => url.includes(part))?.[1];
}

/** Plays a scripted answer. */
async function play(
  req: IncomingMessage,
  res: ServerResponse,
  a: ScriptedAnswer,
  recorded: RecordedRequest,
): Promise<void> {
  if (a.delayMs && !(await pause(res, a.delayMs))) return;
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
      if (a.pauseAfterEachMs) await sleep(a.pauseAfterEachMs);
    }
  } else {
    if (a.json !== undefined && !has("content-type")) headers["content-type"] = "application/json";
    res.writeHead(a.status ?? 200, headers);
    const body = a.json !== undefined ? JSON.stringify(a.json) : (a.text ?? "");
    if (a.after === "destroy" || a.after === "stall") res.write(body.slice(0, Math.ceil(body.length / 2)));
    else res.write(body);
  }
  if (a.endless) {
    await endless(res, a.endless.chunk, a.endless.cap, recorded.reply);
    return;
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

/**
 * Writes `chunk` again and again (respecting back-pressure) until the client closes the connection: a
 * body that does not end. After `cap` bytes (default 64 MiB) it ends the body anyway. Resolves when the
 * response is over; `reply.endlessBytes` counts what was written.
 */
function endless(
  res: ServerResponse,
  chunk: string,
  cap = 64 * 1024 * 1024,
  reply: RecordedRequest["reply"],
): Promise<void> {
  const bytes = Buffer.from(chunk);
  return new Promise<void>((resolve) => {
    let stop = false;
    res.on("close", () => {
      stop = true;
      resolve();
    });
    const write = () => {
      while (!stop) {
        if (reply.endlessBytes >= cap) {
          res.end();
          return;
        }
        reply.endlessBytes += bytes.byteLength;
        if (!res.write(bytes)) {
          res.once("drain", write);
          return;
        }
      }
    };
    write();
  });
}

/** The words model's answer (see {@link WordsModel}): Chat Completions and Responses, streamed or not. */
async function words(res: ServerResponse, scenario: Scenario, r: RecordedRequest, url: URL): Promise<void> {
  const model = scenario.words as WordsModel;
  const body = (r.json ?? {}) as Record<string, unknown>;
  const stream = body.stream === true;
  const text = model.words.join("");
  const endpoint = url.pathname;
  const sse = { "content-type": "text/event-stream", "cache-control": "no-store" };
  if (endpoint.endsWith("/chat/completions")) {
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
    res.writeHead(200, sse);
    for (const [i, word] of model.words.entries()) {
      if (model.hangAfter !== undefined && i >= model.hangAfter) return; // never ends
      if (res.destroyed) return;
      res.write(
        `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: word } }] })}\n\n`,
      );
      await sleep(model.delayMs);
    }
    if (res.destroyed) return;
    res.write(
      `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
    return;
  }
  if (endpoint.endsWith("/responses")) {
    const id = `resp_${++scenario.responsesMade}`;
    const response = {
      id,
      object: "response",
      status: "completed",
      output: [
        { type: "message", id: `msg_${id}`, role: "assistant", content: [{ type: "output_text", text }] },
      ],
    };
    const json = JSON.stringify(response);
    const responseJson =
      model.responseExtra === undefined ? json : `${json.slice(0, -1)},"extra":${model.responseExtra}}`;
    if (!stream) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(responseJson);
      return;
    }
    res.writeHead(200, sse);
    for (const [i, word] of model.words.entries()) {
      if (model.hangAfter !== undefined && i >= model.hangAfter) return;
      if (res.destroyed) return;
      res.write(
        `event: response.output_text.delta\ndata: ${JSON.stringify({ type: "response.output_text.delta", delta: word })}\n\n`,
      );
      await sleep(model.delayMs);
    }
    if (res.destroyed) return;
    res.end(`event: response.completed\ndata: {"type":"response.completed","response":${responseJson}}\n\n`);
    return;
  }
  res.writeHead(404).end();
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
export function canned(res: ServerResponse, r: RecordedRequest) {
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
  const ok = (value: unknown, status = 200) =>
    sendChunkedJson(res, status, value, { "x-request-id": "req_test" });
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
      return sendChunkedJson(res, 404, {
        error: {
          message: `Unknown endpoint ${r.method} ${pathOnly}`,
          type: "invalid_request_error",
          code: null,
        },
      });
  }
}
