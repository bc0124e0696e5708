// The API areas beyond lua-openai's methods (audio, images, vector stores, batches, conversations,
// uploads, realtime, stored chat completions, models) and the typed `call`, `multipart` and
// `paginate`, against the shared test server's scripted answers: what each sends and what it gives
// back. Runs in Node and in Chromium.
import { describe, expect, test } from "vitest";
import { speech, speechStream, streamTranscription, transcribe, translate } from "../src/api/audio.js";
import { batchResults, cancelBatch, createBatch } from "../src/api/batches.js";
import {
  chatCompletion,
  chatCompletionMessages,
  chatCompletions,
  deleteChatCompletion,
} from "../src/api/chat.js";
import {
  addConversationItems,
  conversation,
  conversationItems,
  createConversation,
  deleteConversation,
  updateConversation,
} from "../src/api/conversations.js";
import { multipart } from "../src/api/files.js";
import { imageEdit, imageVariation, streamImageGeneration } from "../src/api/images.js";
import { deleteModel, model } from "../src/api/models.js";
import { paginate } from "../src/api/paginate.js";
import { createRealtimeClientSecret } from "../src/api/realtime.js";
import { responseInputItems } from "../src/api/responses.js";
import { uploadLargeFile } from "../src/api/uploads.js";
import { uploadToVectorStore, type VectorStoreUploadProgress } from "../src/api/vector-stores.js";
import {
  APIError,
  createClient,
  OaikitError,
  RequestAbortedError,
  StreamError,
  StreamTruncatedError,
} from "../src/index.js";
import { scenario } from "./client-scenario.js";

const sse = (events: unknown[]) => events.map((event) => `data: ${JSON.stringify(event)}\n\n`);
const list = (data: unknown[], more: boolean, last?: string) => ({
  object: "list",
  data,
  has_more: more,
  ...(last ? { last_id: last } : {}),
});

/** The entries of a FormData, with files as "name (type): text". */
async function entries(form: FormData): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const [key, value] of form) {
    out.push([
      key,
      typeof value === "string" ? value : `${value.name} (${value.type}): ${await value.text()}`,
    ]);
  }
  return out;
}

describe("multipart()", () => {
  test("scalars as text, arrays as key[], objects as key[name], files with their names; undefined and null left out", async () => {
    const form = multipart({
      model: "whisper-1",
      temperature: 0.2,
      stream: false,
      timestamp_granularities: ["word", "segment"],
      expires_after: { anchor: "created_at", seconds: 3600 },
      file: new File(["abc"], "clip.mp3", { type: "audio/mpeg" }),
      mask: { data: "xyz", name: "mask.png", type: "image/png" },
      prompt: undefined,
      language: null,
    });
    expect(await entries(form)).toEqual([
      ["model", "whisper-1"],
      ["temperature", "0.2"],
      ["stream", "false"],
      ["timestamp_granularities[]", "word"],
      ["timestamp_granularities[]", "segment"],
      ["expires_after[anchor]", "created_at"],
      ["expires_after[seconds]", "3600"],
      ["file", "clip.mp3 (audio/mpeg): abc"],
      ["mask", "mask.png (image/png): xyz"],
    ]);
  });

  test("a Blob without a name (a recorded clip) is named after its type; one without either is refused", async () => {
    const clip = new Blob(["..."], { type: "audio/webm;codecs=opus" });
    expect(await entries(multipart({ file: clip }))).toEqual([
      ["file", "file.webm (audio/webm;codecs=opus): ..."],
    ]);
    expect(await entries(multipart({ file: new Blob(["x"], { type: "audio/mpeg" }) }))).toEqual([
      ["file", "file.mp3 (audio/mpeg): x"],
    ]);
    expect(() => multipart({ file: new Blob(["x"]) })).toThrow(/neither a name nor a type/);
    expect(() => multipart("nope" as never)).toThrow(TypeError);
  });
});

describe("client.call on any route", () => {
  test("path placeholders are filled and encoded like every id; the query is sent; the answer is decoded", async () => {
    const s = await scenario([{ json: { id: "ftjob/1", object: "fine_tuning.job", status: "running" } }]);
    const client = createClient("k", { baseURL: s.baseURL });
    const job = await client.call("GET /fine_tuning/jobs/{fine_tuning_job_id}", {
      path: { fine_tuning_job_id: "ftjob/1?x" },
      query: { unused: undefined } as never,
    });
    expect(job.ok && job.data.status).toBe("running");
    await client.call("GET /batches", { query: { limit: 2, after: "batch 1" } });
    const [a, b] = await s.requests();
    expect(a?.path).toBe("/fine_tuning/jobs/ftjob%2F1%3Fx");
    expect(b?.path).toBe("/batches?limit=2&after=batch+1");
  });

  test("list and object query values: name[]=item per item (a bracketed name kept), name[key]=value per key", async () => {
    const s = await scenario();
    const client = createClient("k", { baseURL: s.baseURL });
    await client.call("GET /responses/{response_id}", {
      path: { response_id: "resp_1" },
      query: { include: ["file_search_call.results", "message.input_image.image_url"] },
    });
    await client.call("GET /threads/{thread_id}/runs/{run_id}/steps", {
      path: { thread_id: "t", run_id: "r" },
      query: { "include[]": ["step_details.tool_calls[*].file_search.results[*].content"], limit: 1 },
    });
    await client.call("GET /fine_tuning/jobs", { query: { metadata: { team: "a b", env: "prod" } } });
    await client.call("GET /chat/completions", { query: { metadata: null, model: "m" } });
    await client.call("GET /organization/audit_logs", {
      query: { effective_at: { gt: 1, lte: 2 }, "event_types[]": [], "actor_ids[]": ["u1"] },
    });
    const paths = (await s.requests()).map((r) => decodeURIComponent(r.path.replaceAll("+", " ")));
    expect(paths).toEqual([
      "/responses/resp_1?include[]=file_search_call.results&include[]=message.input_image.image_url",
      "/threads/t/runs/r/steps?include[]=step_details.tool_calls[*].file_search.results[*].content&limit=1",
      "/fine_tuning/jobs?metadata[team]=a b&metadata[env]=prod",
      "/chat/completions?metadata=null&model=m",
      "/organization/audit_logs?effective_at[gt]=1&effective_at[lte]=2&actor_ids[]=u1",
    ]);
  });

  test("a query value with no documented encoding is a TypeError that names the parameter, before anything is sent", () => {
    const client = createClient("k", { baseURL: "http://127.0.0.1:9" });
    const call = (query: unknown) => () => client.call("GET /my/list", { query: query as never });
    expect(call({ include: [["a"]] })).toThrow(
      /query parameter include\[\] must be a string.*\(got an array\)/,
    );
    expect(call({ filter: { deep: { deeper: 1 } } })).toThrow(/query parameter filter\[deep\] must be/);
    expect(call({ since: new Date(0) })).toThrow(
      /query parameter since must be .*\(got an object \(Date\)\)/,
    );
    expect(call({ limit: Number.NaN })).toThrow(/query parameter limit must be a string, a finite number/);
    expect(call("limit=1")).toThrow(/query must be an object/);
  });

  test("a missing path value, or an empty one, throws a TypeError before anything is sent", () => {
    const client = createClient("k", { baseURL: "http://127.0.0.1:9" });
    expect(() => client.call("GET /batches/{batch_id}", { path: {} as never })).toThrow(/init.path.batch_id/);
    expect(() => client.call("GET /batches/{batch_id}", { path: { batch_id: "" } })).toThrow(TypeError);
  });

  test("a multipart form goes out as multipart/form-data with fetch's boundary", async () => {
    const s = await scenario([{ json: { text: "hello" } }]);
    const client = createClient("k", { baseURL: s.baseURL });
    const result = await client.call("POST /audio/transcriptions", {
      form: multipart({ file: new File(["RIFF"], "a.wav", { type: "audio/wav" }), model: "whisper-1" }),
    });
    expect(result.ok && "text" in result.data && result.data.text).toBe("hello");
    const [req] = await s.requests();
    expect(req?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(req?.multipart?.fields).toEqual({ model: "whisper-1" });
    expect(req?.multipart?.files).toEqual([
      { field: "file", filename: "a.wav", type: "audio/wav", size: 4, text: "RIFF" },
    ]);
  });
});

describe("paginate", () => {
  test("every item of every page, after = last_id, limit as the page size, stopping when has_more is false", async () => {
    const s = await scenario([
      { json: list([{ id: "a" }, { id: "b" }], true, "b") },
      { json: list([{ id: "c" }, { id: "d" }], true, "d") },
      { json: list([{ id: "e" }], false, "e") },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const ids: string[] = [];
    for await (const item of paginate(client, "GET /batches", { limit: 2 })) ids.push(item.id);
    expect(ids).toEqual(["a", "b", "c", "d", "e"]);
    expect((await s.requests()).map((r) => r.path)).toEqual([
      "/batches?limit=2",
      "/batches?limit=2&after=b",
      "/batches?limit=2&after=d",
    ]);
  });

  test("a list without last_id goes on from the last item's id; path values are sent with every page", async () => {
    const s = await scenario([{ json: list([{ id: "e1" }], true) }, { json: list([{ id: "e2" }], false) }]);
    const client = createClient("k", { baseURL: s.baseURL });
    const ids: string[] = [];
    for await (const event of paginate(client, "GET /fine_tuning/jobs/{fine_tuning_job_id}/events", {
      path: { fine_tuning_job_id: "ft/1" },
    }))
      ids.push(event.id);
    expect(ids).toEqual(["e1", "e2"]);
    expect((await s.requests()).map((r) => r.path)).toEqual([
      "/fine_tuning/jobs/ft%2F1/events",
      "/fine_tuning/jobs/ft%2F1/events?after=e1",
    ]);
  });

  test("break stops it: no further page is fetched", async () => {
    const s = await scenario([{ json: list([{ id: "a" }, { id: "b" }], true, "b") }]);
    const client = createClient("k", { baseURL: s.baseURL });
    for await (const item of paginate(client, "GET /batches")) if (item.id === "a") break;
    expect(await s.requests()).toHaveLength(1);
  });

  test("an error page throws its APIError, after the items of the pages before it", async () => {
    const s = await scenario([
      { json: list([{ id: "a" }], true, "a") },
      {
        status: 404,
        json: { error: { message: "No such list", type: "invalid_request_error", code: null } },
      },
    ]);
    const client = createClient("k", { baseURL: s.baseURL, maxRetries: 0 });
    const ids: string[] = [];
    const run = async () => {
      for await (const item of paginate(client, "GET /batches")) ids.push(item.id);
    };
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(404);
    expect(ids).toEqual(["a"]);
  });

  test("the signal stops it between pages with RequestAbortedError; a page without a new cursor is an error", async () => {
    const s = await scenario([
      { json: list([{ id: "a" }], true, "a") },
      { json: list([{ id: "x" }], true, "same") },
      { json: list([{ id: "y" }], true, "same") },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const controller = new AbortController();
    const first = paginate(client, "GET /batches", { signal: controller.signal });
    expect((await first.next()).value).toEqual({ id: "a" });
    controller.abort();
    await expect(first.next()).rejects.toBeInstanceOf(RequestAbortedError);
    const second = paginate(client, "GET /batches", { query: { after: "a" } });
    await expect(async () => {
      for await (const _ of second);
    }).rejects.toThrow(/no new cursor/);
  });
});

describe("@oaikit/core/audio", () => {
  test("transcribe: a recorded clip (a Blob with a type, no name) goes out as file.webm with the params", async () => {
    const s = await scenario([{ json: { text: "Hello world" } }]);
    const client = createClient("k", { baseURL: s.baseURL });
    const clip = new Blob(["webm-bytes"], { type: "audio/webm" });
    const result = await transcribe(client, clip, {
      model: "gpt-4o-mini-transcribe",
      language: "en",
      include: ["logprobs"],
    });
    expect(result.ok && "text" in result.data && result.data.text).toBe("Hello world");
    const [req] = await s.requests();
    expect([req?.method, req?.path]).toEqual(["POST", "/audio/transcriptions"]);
    expect(req?.multipart?.fields).toEqual({
      model: "gpt-4o-mini-transcribe",
      language: "en",
      "include[]": "logprobs",
    });
    expect(req?.multipart?.files[0]).toMatchObject({
      field: "file",
      filename: "file.webm",
      text: "webm-bytes",
    });
  });

  test("transcribe and translate with a text response_format give the text itself", async () => {
    const s = await scenario([
      { text: "plain words", headers: { "content-type": "text/plain" } },
      { text: "WEBVTT\n\n00:00.000 --> 00:01.000\nHi", headers: { "content-type": "text/vtt" } },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const file = { data: "RIFF", name: "a.wav" };
    const text = await transcribe(client, file, { model: "whisper-1", response_format: "text" });
    expect(text.ok && text.data).toBe("plain words");
    const vtt = await translate(client, file, { model: "whisper-1", response_format: "vtt" });
    expect(vtt.ok && vtt.data).toMatch(/^WEBVTT/);
    const [, b] = await s.requests();
    expect(b?.path).toBe("/audio/translations");
    expect(() => transcribe(client, "a.wav" as never, { model: "whisper-1" })).toThrow(TypeError);
  });

  test("streamTranscription: stream=true in the form; the delta events, then final() with the text and usage", async () => {
    const done = {
      type: "transcript.text.done",
      text: "Hello world",
      usage: { type: "tokens", input_tokens: 5, output_tokens: 2, total_tokens: 7 },
    };
    const s = await scenario([
      {
        sse: sse([
          { type: "transcript.text.delta", delta: "Hello" },
          { type: "transcript.text.delta", delta: " world" },
          done,
        ]),
      },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const stream = streamTranscription(client, new File(["x"], "a.mp3"), { model: "gpt-4o-mini-transcribe" });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === "transcript.text.delta") deltas.push(event.delta);
    expect(deltas).toEqual(["Hello", " world"]);
    expect(await stream.final()).toEqual({ text: "Hello world", usage: done.usage });
    const [req] = await s.requests();
    expect(req?.multipart?.fields).toEqual({ model: "gpt-4o-mini-transcribe", stream: "true" });
  });

  test("streamTranscription: a cut before transcript.text.done keeps the partial text; an error event is a StreamError", async () => {
    const s = await scenario([
      { sse: sse([{ type: "transcript.text.delta", delta: "Hel" }]) },
      { sse: sse([{ type: "error", error: { message: "audio too long", code: "audio_too_long" } }]) },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const cut = await streamTranscription(client, new File(["x"], "a.mp3"), { model: "m" })
      .final()
      .catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(StreamTruncatedError);
    expect((cut as StreamTruncatedError).partial).toEqual({ text: "Hel" });
    const failed = await streamTranscription(client, new File(["x"], "a.mp3"), { model: "m" })
      .final()
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(StreamError);
    expect((failed as StreamError).error.message).toBe("audio too long");
  });

  test("speech resolves to a Blob; speechStream to the bytes as they arrive; an error status is { ok: false }", async () => {
    const s = await scenario([
      { text: "ID3-audio", headers: { "content-type": "audio/mpeg" } },
      { sse: ["chunk-1|", "chunk-2"], headers: { "content-type": "audio/pcm" }, chunkDelayMs: 5 },
      { status: 400, json: { error: { message: "voice is required", type: "invalid_request_error" } } },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const audio = await speech(client, "Hello", { model: "gpt-4o-mini-tts", voice: "alloy" });
    expect(audio.ok && audio.data instanceof Blob).toBe(true);
    expect(audio.ok && (await audio.data.text())).toBe("ID3-audio");
    const streamed = await speechStream(client, "Hello", {
      model: "gpt-4o-mini-tts",
      voice: "alloy",
      response_format: "pcm",
    });
    expect(streamed.ok).toBe(true);
    if (!streamed.ok) return;
    const pieces: string[] = [];
    const decoder = new TextDecoder();
    for await (const bytes of streamed.data as unknown as AsyncIterable<Uint8Array>)
      pieces.push(decoder.decode(bytes, { stream: true }));
    expect(pieces.join("")).toBe("chunk-1|chunk-2");
    const failed = await speechStream(client, "Hello", { model: "gpt-4o-mini-tts", voice: "alloy" });
    expect(failed.ok).toBe(false);
    expect(!failed.ok && [failed.status, failed.error.message]).toEqual([400, "voice is required"]);
    const [a, b] = await s.requests();
    expect(a?.json).toEqual({ model: "gpt-4o-mini-tts", voice: "alloy", input: "Hello" });
    expect(b?.json).toEqual({
      model: "gpt-4o-mini-tts",
      voice: "alloy",
      response_format: "pcm",
      input: "Hello",
    });
  });
});

describe("@oaikit/core/images", () => {
  test("imageEdit: one image as `image`, several as `image[]`, the mask and params; imageVariation", async () => {
    const answer = { json: { created: 1, data: [{ b64_json: "aGk=" }] } };
    const s = await scenario([answer, answer, answer]);
    const client = createClient("k", { baseURL: s.baseURL });
    const png = (name: string) => new File(["png"], name, { type: "image/png" });
    const one = await imageEdit(client, png("a.png"), "Add a hat", {
      model: "gpt-image-1",
      mask: png("m.png"),
    });
    expect(one.ok && one.data.data?.[0]?.b64_json).toBe("aGk=");
    await imageEdit(client, [png("a.png"), png("b.png")], "Combine them");
    await imageVariation(client, png("a.png"), { n: 2 });
    const [a, b, c] = await s.requests();
    expect(a?.path).toBe("/images/edits");
    expect(a?.multipart?.fields).toEqual({ model: "gpt-image-1", prompt: "Add a hat" });
    expect(a?.multipart?.files.map((f) => [f.field, f.filename])).toEqual([
      ["mask", "m.png"],
      ["image", "a.png"],
    ]);
    expect(b?.multipart?.files.map((f) => f.field)).toEqual(["image[]", "image[]"]);
    expect([c?.path, c?.multipart?.fields]).toEqual(["/images/variations", { n: "2" }]);
    expect(() => imageEdit(client, [], "x")).toThrow(TypeError);
  });

  test("streamImageGeneration: stream: true; partial images, then final() is the completed event", async () => {
    const partial = { type: "image_generation.partial_image", b64_json: "cDE=", partial_image_index: 0 };
    const completed = {
      type: "image_generation.completed",
      b64_json: "ZmluYWw=",
      usage: { total_tokens: 9 },
    };
    const s = await scenario([{ sse: sse([partial, completed]) }]);
    const client = createClient("k", { baseURL: s.baseURL });
    const stream = streamImageGeneration(client, {
      model: "gpt-image-1",
      prompt: "A cat",
      partial_images: 1,
    });
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    expect(seen).toEqual(["image_generation.partial_image", "image_generation.completed"]);
    expect(await stream.final()).toEqual(completed);
    expect(await stream.text()).toBe("ZmluYWw=");
    const [req] = await s.requests();
    expect(req?.json).toEqual({ model: "gpt-image-1", prompt: "A cat", partial_images: 1, stream: true });
  });
});

describe("@oaikit/core/batches", () => {
  test("createBatch, cancelBatch; batchResults parses the output file's JSONL line by line", async () => {
    const lines = [
      {
        id: "r1",
        custom_id: "q1",
        response: { status_code: 200, request_id: "x", body: { ok: 1 } },
        error: null,
      },
      { id: "r2", custom_id: "q2", response: null, error: { code: "e", message: "failed" } },
    ];
    const s = await scenario([
      { json: { id: "batch_1", object: "batch", status: "validating" } },
      { json: { id: "batch_1", object: "batch", status: "cancelling" } },
      { json: { id: "batch_1", object: "batch", status: "completed", output_file_id: "file-out" } },
      {
        text: `${JSON.stringify(lines[0])}\n\n${JSON.stringify(lines[1])}`,
        headers: { "content-type": "application/jsonl" },
      },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const created = await createBatch(client, {
      input_file_id: "file-in",
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(created.ok && created.data.status).toBe("validating");
    expect((await cancelBatch(client, "batch_1")).ok).toBe(true);
    const got = [];
    for await (const line of batchResults(client, "batch_1")) got.push(line);
    expect(got).toEqual(lines);
    expect((await s.requests()).map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /batches",
      "POST /batches/batch_1/cancel",
      "GET /batches/batch_1",
      "GET /files/file-out/content",
    ]);
  });

  test("batchResults: a batch still running has no output file yet; a line that is not JSON is named", async () => {
    const s = await scenario([
      { json: { id: "b", object: "batch", status: "in_progress" } },
      { json: { id: "b", object: "batch", status: "completed", error_file_id: "file-err" } },
      { text: '{"id":"r1"}\nnot json\n' },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const drain = async (iterable: AsyncIterable<unknown>) => {
      for await (const _ of iterable);
    };
    await expect(drain(batchResults(client, "b"))).rejects.toThrow(
      /no output file yet \(status: in_progress\)/,
    );
    const error = await drain(batchResults(client, "b", { errors: true })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaikitError);
    expect((error as Error).message).toMatch(/Line 2 of file file-err/);
  });
});

describe("@oaikit/core/uploads", () => {
  test("uploadLargeFile: creates the upload, sends the parts, completes it with the part ids in order", async () => {
    const s = await scenario([
      { json: { id: "upload_1", object: "upload", status: "pending" } },
      { json: { id: "part_A", object: "upload.part" } },
      { json: { id: "part_B", object: "upload.part" } },
      { json: { id: "part_C", object: "upload.part" } },
      { json: { id: "upload_1", object: "upload", status: "completed", file: { id: "file-big" } } },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const progress: number[] = [];
    const result = await uploadLargeFile(client, new File(["aaaaabbbbbcc"], "train.jsonl"), "fine-tune", {
      partSize: 5,
      concurrency: 2,
      onProgress: (p) => progress.push(p.sentBytes),
    });
    expect(result.ok && result.data.file?.id).toBe("file-big");
    const requests = await s.requests();
    expect(requests[0]?.json).toEqual({
      filename: "train.jsonl",
      purpose: "fine-tune",
      bytes: 12,
      mime_type: "application/jsonl",
    });
    const parts = requests.slice(1, 4);
    expect(parts.every((r) => r.path === "/uploads/upload_1/parts")).toBe(true);
    // The i-th part request to arrive got the i-th part id; complete lists them in the file's order.
    const idOf = new Map(
      parts.map((r, i) => [r.multipart?.files[0]?.text, ["part_A", "part_B", "part_C"][i]]),
    );
    expect(requests[4]?.path).toBe("/uploads/upload_1/complete");
    expect(requests[4]?.json).toEqual({ part_ids: [idOf.get("aaaaa"), idOf.get("bbbbb"), idOf.get("cc")] });
    expect(progress.at(-1)).toBe(12);
  });

  test("a part that fails with 500 is retried alone; one that fails for good cancels the upload", async () => {
    const s = await scenario([
      { json: { id: "upload_1", object: "upload" } },
      { json: { id: "part_A" } },
      { status: 500, json: { error: { message: "try again" } } },
      { json: { id: "part_B" } },
      { json: { id: "upload_1", status: "completed" } },
      { json: { id: "upload_2", object: "upload" } },
      { status: 400, json: { error: { message: "bad part", type: "invalid_request_error" } } },
      { json: { id: "upload_2", status: "cancelled" } },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const file = { data: "aaaaabbbbb", name: "a.jsonl" };
    const ok = await uploadLargeFile(client, file, "batch", { partSize: 5, concurrency: 1 });
    expect(ok.ok).toBe(true);
    const failed = await uploadLargeFile(client, file, "batch", {
      partSize: 5,
      concurrency: 1,
      maxRetries: 0,
    });
    expect(!failed.ok && [failed.status, failed.error.message]).toEqual([400, "bad part"]);
    const sent = (await s.requests()).map((r) => `${r.path} ${r.multipart?.files[0]?.text ?? ""}`.trim());
    expect(sent).toEqual([
      "/uploads",
      "/uploads/upload_1/parts aaaaa",
      "/uploads/upload_1/parts bbbbb",
      "/uploads/upload_1/parts bbbbb",
      "/uploads/upload_1/complete",
      "/uploads",
      "/uploads/upload_2/parts aaaaa",
      "/uploads/upload_2/cancel",
    ]);
  });

  test("abort: the parts in flight stop, the upload is cancelled, RequestAbortedError", async () => {
    const s = await scenario([
      { json: { id: "upload_3", object: "upload" } },
      { json: { id: "part_A" }, delayMs: 5_000 },
      { json: { id: "upload_3", status: "cancelled" } },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const controller = new AbortController();
    const pending = uploadLargeFile(client, { data: "aaaaa", name: "a.jsonl" }, "batch", {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
    expect((await s.requests()).map((r) => r.path)).toEqual([
      "/uploads",
      "/uploads/upload_3/parts",
      "/uploads/upload_3/cancel",
    ]);
  });
});

describe("@oaikit/core/vector-stores", () => {
  test("uploadToVectorStore: upload, attach, poll until processed, with progress", async () => {
    const file = { id: "file-1", object: "file", bytes: 3, filename: "a.md", purpose: "assistants" };
    const vsFile = (status: string) => ({
      id: "file-1",
      object: "vector_store.file",
      vector_store_id: "vs_1",
      status,
    });
    const s = await scenario([
      { json: file },
      { json: vsFile("in_progress") },
      { json: vsFile("in_progress"), headers: { "openai-poll-after-ms": "5" } },
      { json: vsFile("completed") },
    ]);
    const client = createClient("k", { baseURL: s.baseURL });
    const phases: VectorStoreUploadProgress["phase"][] = [];
    const result = await uploadToVectorStore(client, "vs_1", new File(["# A"], "a.md"), {
      pollInterval: 1,
      attributes: { team: "docs" },
      onProgress: (p) => phases.push(p.phase),
    });
    expect(result.ok && result.data.status).toBe("completed");
    expect(phases).toEqual(["uploading", "attaching", "processing", "processing", "done"]);
    const requests = await s.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /files",
      "POST /vector_stores/vs_1/files",
      "GET /vector_stores/vs_1/files/file-1",
      "GET /vector_stores/vs_1/files/file-1",
    ]);
    expect(requests[0]?.multipart?.fields).toEqual({ purpose: "assistants" });
    expect(requests[1]?.json).toEqual({ attributes: { team: "docs" }, file_id: "file-1" });
  });

  test("uploadToVectorStore: a failed step is its result; the signal stops the polling", async () => {
    const s = await scenario([
      { status: 413, json: { error: { message: "too large" } } },
      { json: { id: "file-2" } },
      { json: { id: "file-2", status: "in_progress" } },
    ]);
    const client = createClient("k", { baseURL: s.baseURL, maxRetries: 0 });
    const failed = await uploadToVectorStore(client, "vs_1", new File(["x"], "a.md"));
    expect(!failed.ok && failed.status).toBe(413);
    const controller = new AbortController();
    const pending = uploadToVectorStore(client, "vs_1", new File(["x"], "a.md"), {
      signal: controller.signal,
      pollInterval: 10_000,
      onProgress: (p) => {
        if (p.phase === "processing") controller.abort();
      },
    });
    await expect(pending).rejects.toBeInstanceOf(RequestAbortedError);
  });
});

describe("the other helpers send what the document says", () => {
  test("conversations, stored chat completions, responseInputItems, models, realtime", async () => {
    const s = await scenario();
    const client = createClient("k", { baseURL: s.baseURL });
    await createConversation(client, { metadata: { topic: "t" } });
    await conversation(client, "conv_1");
    await updateConversation(client, "conv_1", { topic: "u" });
    await conversationItems(client, "conv_1", { limit: 5, order: "asc" });
    await addConversationItems(client, "conv_1", [{ type: "message", role: "user", content: "Hi" }]);
    await deleteConversation(client, "conv_1");
    await chatCompletion(client, "chatcmpl_1");
    await chatCompletions(client, { model: "gpt-4.1", limit: 2 });
    await chatCompletionMessages(client, "chatcmpl_1", { after: "m1" });
    await deleteChatCompletion(client, "chatcmpl_1");
    await responseInputItems(client, "resp_1", { limit: 3 });
    await model(client, "ft:gpt-4.1:org:x:1");
    await deleteModel(client, "ft:gpt-4.1:org:x:1");
    await createRealtimeClientSecret(
      client,
      { type: "realtime", model: "gpt-realtime" },
      { expires_after: { anchor: "created_at", seconds: 60 } },
    );
    const requests = await s.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /conversations",
      "GET /conversations/conv_1",
      "POST /conversations/conv_1",
      "GET /conversations/conv_1/items?limit=5&order=asc",
      "POST /conversations/conv_1/items",
      "DELETE /conversations/conv_1",
      "GET /chat/completions/chatcmpl_1",
      "GET /chat/completions?model=gpt-4.1&limit=2",
      "GET /chat/completions/chatcmpl_1/messages?after=m1",
      "DELETE /chat/completions/chatcmpl_1",
      "GET /responses/resp_1/input_items?limit=3",
      "GET /models/ft%3Agpt-4.1%3Aorg%3Ax%3A1",
      "DELETE /models/ft%3Agpt-4.1%3Aorg%3Ax%3A1",
      "POST /realtime/client_secrets",
    ]);
    expect(requests.map((r) => r.json).filter(Boolean)).toEqual([
      { metadata: { topic: "t" } },
      { metadata: { topic: "u" } },
      { items: [{ type: "message", role: "user", content: "Hi" }] },
      {
        session: { type: "realtime", model: "gpt-realtime" },
        expires_after: { anchor: "created_at", seconds: 60 },
      },
    ]);
  });
});
