// Part of the Prism contract suite (prism.test.mjs registers these tests inside its own describe, on
// its Prism and its recording client): every helper of the API areas beyond lua-openai's methods, and
// a sample of `client.call` routes, each request validated against OpenAI's OpenAPI document, each
// answer decoded. Multi-request helpers (uploads, polling, pagination) have every request checked.
//
// One thing the document disagrees with itself on: several images for an edit. Its curl examples send
// `image[]` (as OpenAI's SDKs do, and imageEdit does), its schema names the field `image`, so Prism
// refuses `image[]`. Only the one-image edit is checked here.
//
// The runnable examples of packages/core/README.md ("More of the API": each code block after a
// `<!-- run: name.mjs args -->` line) are run too, as Node scripts against the same Prism
// (OPENAI_BASE_URL): each must exit 0, and each uses `unwrap`, so a request Prism refuses fails it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import * as audio from "../../packages/core/dist/api/audio.js";
import * as batches from "../../packages/core/dist/api/batches.js";
import * as chat from "../../packages/core/dist/api/chat.js";
import * as conversations from "../../packages/core/dist/api/conversations.js";
import { multipart } from "../../packages/core/dist/api/files.js";
import * as images from "../../packages/core/dist/api/images.js";
import * as models from "../../packages/core/dist/api/models.js";
import { paginate } from "../../packages/core/dist/api/paginate.js";
import { createRealtimeClientSecret } from "../../packages/core/dist/api/realtime.js";
import { responseInputItems } from "../../packages/core/dist/api/responses.js";
import { uploadLargeFile } from "../../packages/core/dist/api/uploads.js";
import * as vs from "../../packages/core/dist/api/vector-stores.js";
import { RequestAbortedError } from "../../packages/core/dist/index.js";

/**
 * Registers the tests. `ctx.client()` is the suite's client (its fetch records what Prism answered
 * into `ctx.seen`); `ctx.assertAccepted(method, path, call, { stream })` is the suite's one-request check.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The README's runnable examples: `{ name, args, code }` for each block after a `<!-- run: ... -->` line. */
function readmeExamples() {
  const text = readFileSync(join(root, "packages/core/README.md"), "utf8");
  const found = [];
  for (const match of text.matchAll(/<!-- run: ([\w.-]+)((?: [\w.-]+)*) -->\n```js\n([\s\S]*?)```/g)) {
    found.push({ name: match[1], args: match[2].trim().split(" ").filter(Boolean), code: match[3] });
  }
  return found;
}

/** The sample files the examples take as arguments. */
const SAMPLES = {
  "hello.wav": Buffer.concat([Buffer.from("RIFF$\0\0\0WAVEfmt "), Buffer.alloc(28)]),
  "photo.png": Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"),
  "handbook.md": "# Handbook\n\nEveryone gets 25 days of holiday.\n",
  "requests.jsonl": `${JSON.stringify({ custom_id: "q1", method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Hi" }] } })}\n`,
  "train.jsonl": `${JSON.stringify({
    messages: [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
    ],
  })}\n`,
};

export function registerApiSurfaceTests(ctx) {
  const { seen, assertAccepted } = ctx;
  const client = () => ctx.client();
  registerReadmeExamples(ctx);

  /** Runs `call` and checks that it sent exactly `expected` ("METHOD /path" each) and Prism accepted all. */
  async function assertAllAccepted(expected, call, { rejects } = {}) {
    const from = seen.length;
    if (rejects) await assert.rejects(call(), rejects);
    else await call();
    const sent = seen.slice(from);
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.path}`),
      expected,
      "the requests the helper sent",
    );
    for (const r of sent) {
      assert.ok(
        r.status >= 200 && r.status < 300,
        `${r.method} ${r.path}: Prism answered ${r.status} ${r.problem ?? ""}`,
      );
      assert.equal(r.violations, null, `${r.method} ${r.path}: sl-violations: ${r.violations}`);
    }
  }

  /** Asserts an ApiResult is ok and returns its data. */
  const data = (result) => {
    assert.equal(result.ok, true, JSON.stringify(result.error));
    return result.data;
  };

  const wav = () => new File([new Uint8Array(64)], "hello.wav", { type: "audio/wav" });
  const png = (name = "image.png") => new File([new Uint8Array(64)], name, { type: "image/png" });

  // ------------------------------------------------------------------ proving the multipart check can fail
  // Sent by hand as one buffered body: Prism answers a bad multipart body early, and a streamed
  // FormData upload can then end in EPIPE instead of the 422.
  test("Prism rejects a multipart request that breaks the schema (temperature not a number) with 422", async () => {
    const form = multipart({ file: wav(), model: "whisper-1", temperature: "warm" });
    const encoded = new Request("http://localhost/", { method: "POST", body: form });
    const response = await fetch(`${ctx.prismUrl()}/audio/transcriptions`, {
      method: "POST",
      headers: {
        authorization: "Bearer sk-contract-test",
        "content-type": encoded.headers.get("content-type"),
      },
      body: await encoded.arrayBuffer(),
    });
    assert.equal(response.status, 422);
    assert.match(await response.text(), /temperature/);
  });

  // ------------------------------------------------------------------ client.call on any route
  test("call: GET /fine_tuning/jobs/{fine_tuning_job_id}", () =>
    assertAccepted("GET", "/fine_tuning/jobs/ftjob-abc123", async () => {
      const job = data(
        await client().call("GET /fine_tuning/jobs/{fine_tuning_job_id}", {
          path: { fine_tuning_job_id: "ftjob-abc123" },
        }),
      );
      assert.equal(job.object, "fine_tuning.job");
      return { ok: true };
    }));

  // Prism validates the deepObject `metadata[key]=value` (it answers 422 to `metadata=x`); a bracketed list
  // (`include[]=...`, the form OpenAI's server reads, see packages/core/src/client/query.ts) it leaves unchecked.
  test("call: GET /fine_tuning/jobs with a metadata filter (deepObject)", () =>
    assertAccepted("GET", "/fine_tuning/jobs", async () => {
      const result = await client().call("GET /fine_tuning/jobs", {
        query: { metadata: { team: "search", env: "prod" }, limit: 2 },
      });
      assert.equal(data(result).object, "list");
      return result;
    }));

  test("call: GET /responses/{response_id} with include[] values", () =>
    assertAccepted("GET", "/responses/resp_abc", async () =>
      client().call("GET /responses/{response_id}", {
        path: { response_id: "resp_abc" },
        query: { include: ["file_search_call.results", "reasoning.encrypted_content"] },
      }),
    ));

  test("call: POST /embeddings with a JSON body", () =>
    assertAccepted("POST", "/embeddings", async () => {
      const result = await client().call("POST /embeddings", {
        body: { model: "text-embedding-3-small", input: ["a", "b"], encoding_format: "float" },
      });
      assert.equal(data(result).object, "list");
      return result;
    }));

  test("call: GET /vector_stores/{vector_store_id}/files with a query", () =>
    assertAccepted("GET", "/vector_stores/vs_abc/files", () =>
      client().call("GET /vector_stores/{vector_store_id}/files", {
        path: { vector_store_id: "vs_abc" },
        query: { limit: 5, order: "asc", filter: "completed" },
      }),
    ));

  test("call: POST /audio/transcriptions with a multipart form", () =>
    assertAccepted("POST", "/audio/transcriptions", () =>
      client().call("POST /audio/transcriptions", {
        form: multipart({ file: wav(), model: "whisper-1", timestamp_granularities: ["word"] }),
      }),
    ));

  test("call: GET /files/{file_id}/content as a Blob", () =>
    assertAccepted("GET", "/files/file-abc/content", async () => {
      const result = await client().call("GET /files/{file_id}/content", {
        path: { file_id: "file-abc" },
        as: "blob",
      });
      assert.ok(data(result) instanceof Blob);
      return result;
    }));

  test("paginate: two pages of conversation items (after = last_id)", () =>
    assertAllAccepted(
      ["GET /conversations/conv_abc/items", "GET /conversations/conv_abc/items"],
      async () => {
        const items = [];
        for await (const item of paginate(client(), "GET /conversations/{conversation_id}/items", {
          path: { conversation_id: "conv_abc" },
          limit: 1,
        })) {
          items.push(item);
          if (items.length === 2) break;
        }
        assert.equal(items.length, 2);
        assert.equal(typeof items[0].type, "string");
      },
    ));

  // ------------------------------------------------------------------ audio
  test("transcribe (a recorded clip: a Blob with a type, no name)", () =>
    assertAccepted("POST", "/audio/transcriptions", async () => {
      const clip = new Blob([new Uint8Array(64)], { type: "audio/webm" });
      const result = await audio.transcribe(client(), clip, {
        model: "gpt-4o-mini-transcribe",
        language: "en",
        include: ["logprobs"],
        response_format: "json",
      });
      assert.equal(typeof data(result).text, "string");
      return result;
    }));

  test("translate", () =>
    assertAccepted("POST", "/audio/translations", () =>
      audio.translate(client(), wav(), { model: "whisper-1", prompt: "A greeting.", temperature: 0 }),
    ));

  test("streamTranscription (stream=true in the form)", () =>
    assertAccepted(
      "POST",
      "/audio/transcriptions",
      () => audio.streamTranscription(client(), wav(), { model: "gpt-4o-mini-transcribe" }).final(),
      { stream: true },
    ));

  test("speech (the audio as a Blob)", () =>
    assertAccepted("POST", "/audio/speech", async () => {
      const result = await audio.speech(client(), "Hello!", {
        model: "gpt-4o-mini-tts",
        voice: "alloy",
        response_format: "mp3",
      });
      assert.ok(data(result) instanceof Blob);
      return result;
    }));

  test("speechStream (the audio bytes as a ReadableStream)", () =>
    assertAccepted("POST", "/audio/speech", async () => {
      const result = await audio.speechStream(client(), "Hello!", {
        model: "gpt-4o-mini-tts",
        voice: "alloy",
        response_format: "pcm",
      });
      const stream = data(result);
      assert.ok(stream instanceof ReadableStream);
      await new Response(stream).arrayBuffer();
      return result;
    }));

  // ------------------------------------------------------------------ images
  test("imageEdit (one image, a mask)", () =>
    assertAccepted("POST", "/images/edits", async () => {
      const result = await images.imageEdit(client(), png(), "Add a red hat.", {
        model: "gpt-image-1",
        mask: png("mask.png"),
        size: "1024x1024",
      });
      assert.equal(typeof data(result).created, "number");
      return result;
    }));

  test("imageVariation", () =>
    assertAccepted("POST", "/images/variations", () =>
      images.imageVariation(client(), png(), { n: 1, size: "256x256" }),
    ));

  test("streamImageGeneration (stream: true, partial_images)", () =>
    assertAccepted(
      "POST",
      "/images/generations",
      () =>
        images
          .streamImageGeneration(client(), {
            model: "gpt-image-1",
            prompt: "A lighthouse.",
            partial_images: 2,
          })
          .final(),
      { stream: true },
    ));

  test("streamImageEdit (multipart, stream=true)", () =>
    assertAccepted(
      "POST",
      "/images/edits",
      () =>
        images
          .streamImageEdit(client(), png(), "Add a hat.", { model: "gpt-image-1", partial_images: 1 })
          .final(),
      { stream: true },
    ));

  // ------------------------------------------------------------------ vector stores
  test("createVectorStore", () =>
    assertAccepted("POST", "/vector_stores", async () => {
      const result = await vs.createVectorStore(client(), {
        name: "Handbook",
        expires_after: { anchor: "last_active_at", days: 7 },
      });
      assert.equal(data(result).object, "vector_store");
      return result;
    }));

  test("vectorStore(id)", () =>
    assertAccepted("GET", "/vector_stores/vs_abc", () => vs.vectorStore(client(), "vs_abc")));

  test("vectorStores", () =>
    assertAccepted("GET", "/vector_stores", () => vs.vectorStores(client(), { limit: 10, order: "desc" })));

  test("deleteVectorStore", () =>
    assertAccepted("DELETE", "/vector_stores/vs_abc", () => vs.deleteVectorStore(client(), "vs_abc")));

  test("addVectorStoreFile", () =>
    assertAccepted("POST", "/vector_stores/vs_abc/files", () =>
      vs.addVectorStoreFile(client(), "vs_abc", "file-abc", { attributes: { team: "docs" } }),
    ));

  test("vectorStoreFiles", () =>
    assertAccepted("GET", "/vector_stores/vs_abc/files", () =>
      vs.vectorStoreFiles(client(), "vs_abc", { filter: "completed", limit: 20 }),
    ));

  test("searchVectorStore", () =>
    assertAccepted("POST", "/vector_stores/vs_abc/search", () =>
      vs.searchVectorStore(client(), "vs_abc", "holiday policy", { max_num_results: 5 }),
    ));

  test("uploadToVectorStore: upload, attach, poll (stopped by its signal)", () => {
    const controller = new AbortController();
    let polls = 0;
    return assertAllAccepted(
      ["POST /files", "POST /vector_stores/vs_abc/files", "GET /vector_stores/vs_abc/files/string"],
      () =>
        vs.uploadToVectorStore(client(), "vs_abc", new File(["# Handbook\n"], "handbook.md"), {
          pollInterval: 1,
          signal: controller.signal,
          onProgress: (p) => {
            // Prism always answers "in_progress": stop after the first poll.
            if (p.phase === "processing" && ++polls === 2) controller.abort();
          },
        }),
      { rejects: RequestAbortedError },
    );
  });

  // ------------------------------------------------------------------ batches
  test("createBatch", () =>
    assertAccepted("POST", "/batches", async () => {
      const result = await batches.createBatch(client(), {
        input_file_id: "file-abc",
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
        metadata: { job: "nightly" },
      });
      assert.equal(data(result).object, "batch");
      return result;
    }));

  test("batch(id)", () =>
    assertAccepted("GET", "/batches/batch_abc", () => batches.batch(client(), "batch_abc")));

  test("batches", () => assertAccepted("GET", "/batches", () => batches.batches(client(), { limit: 5 })));

  test("cancelBatch", () =>
    assertAccepted("POST", "/batches/batch_abc/cancel", () => batches.cancelBatch(client(), "batch_abc")));

  test("batchResults: the batch, then its output file, parsed", () =>
    assertAllAccepted(["GET /batches/batch_abc", "GET /files/string/content"], async () => {
      const lines = [];
      for await (const line of batches.batchResults(client(), "batch_abc")) lines.push(line);
      // Prism's mock file content is the JSON string "string": one line, decoded.
      assert.deepEqual(lines, ["string"]);
    }));

  // ------------------------------------------------------------------ conversations
  test("createConversation", () =>
    assertAccepted("POST", "/conversations", async () => {
      const result = await conversations.createConversation(client(), {
        metadata: { topic: "demo" },
        items: [{ type: "message", role: "user", content: "Hello!" }],
      });
      assert.equal(data(result).object, "conversation");
      return result;
    }));

  test("conversation(id)", () =>
    assertAccepted("GET", "/conversations/conv_abc", () => conversations.conversation(client(), "conv_abc")));

  test("updateConversation", () =>
    assertAccepted("POST", "/conversations/conv_abc", () =>
      conversations.updateConversation(client(), "conv_abc", { topic: "renamed" }),
    ));

  test("deleteConversation", () =>
    assertAccepted("DELETE", "/conversations/conv_abc", () =>
      conversations.deleteConversation(client(), "conv_abc"),
    ));

  test("conversationItems", () =>
    assertAccepted("GET", "/conversations/conv_abc/items", () =>
      conversations.conversationItems(client(), "conv_abc", { limit: 10, order: "asc" }),
    ));

  test("addConversationItems", () =>
    assertAccepted("POST", "/conversations/conv_abc/items", () =>
      conversations.addConversationItems(client(), "conv_abc", [
        { type: "message", role: "user", content: "Hi" },
        { type: "message", role: "assistant", content: "Hello! How can I help?" },
      ]),
    ));

  // ------------------------------------------------------------------ uploads
  test("uploadLargeFile: create, three parts (multipart), complete", () =>
    assertAllAccepted(
      [
        "POST /uploads",
        "POST /uploads/string/parts",
        "POST /uploads/string/parts",
        "POST /uploads/string/parts",
        "POST /uploads/string/complete",
      ],
      async () => {
        const result = await uploadLargeFile(
          client(),
          new File(["line 1\nline 2\nline 3\n"], "train.jsonl", { type: "application/jsonl" }),
          "fine-tune",
          { partSize: 8, concurrency: 2 },
        );
        assert.equal(data(result).status.length > 0, true);
      },
    ));

  // ------------------------------------------------------------------ stored chat completions, responses, models, realtime
  test("chatCompletion(id)", () =>
    assertAccepted("GET", "/chat/completions/chatcmpl_abc", () =>
      chat.chatCompletion(client(), "chatcmpl_abc"),
    ));

  test("chatCompletions", () =>
    assertAccepted("GET", "/chat/completions", () =>
      chat.chatCompletions(client(), { model: "gpt-4.1", limit: 5, order: "desc" }),
    ));

  test("chatCompletionMessages", () =>
    assertAccepted("GET", "/chat/completions/chatcmpl_abc/messages", () =>
      chat.chatCompletionMessages(client(), "chatcmpl_abc", { limit: 5 }),
    ));

  test("deleteChatCompletion", () =>
    assertAccepted("DELETE", "/chat/completions/chatcmpl_abc", () =>
      chat.deleteChatCompletion(client(), "chatcmpl_abc"),
    ));

  test("responseInputItems", () =>
    assertAccepted("GET", "/responses/resp_abc/input_items", () =>
      responseInputItems(client(), "resp_abc", { limit: 5, order: "asc" }),
    ));

  test("model(id)", () => assertAccepted("GET", "/models/gpt-4.1", () => models.model(client(), "gpt-4.1")));

  test("deleteModel(id)", () =>
    assertAccepted("DELETE", "/models/ft%3Agpt-4.1%3Aacme%3Asuffix%3Aabc123", () =>
      models.deleteModel(client(), "ft:gpt-4.1:acme:suffix:abc123"),
    ));

  test("createRealtimeClientSecret", () =>
    assertAccepted("POST", "/realtime/client_secrets", async () => {
      const result = await createRealtimeClientSecret(
        client(),
        { type: "realtime", model: "gpt-realtime", instructions: "Be brief." },
        { expires_after: { anchor: "created_at", seconds: 600 } },
      );
      assert.equal(typeof data(result).value, "string");
      return result;
    }));
}

/** Registers one test per runnable README example (called by registerApiSurfaceTests). */
function registerReadmeExamples(ctx) {
  const examples = readmeExamples();
  test("the README has runnable examples for every area", () => {
    assert.deepEqual(
      examples.map((e) => e.name),
      [
        "call.mjs",
        "audio.mjs",
        "images.mjs",
        "vector-stores.mjs",
        "batches.mjs",
        "conversations.mjs",
        "uploads.mjs",
        "stored.mjs",
        "realtime.mjs",
      ],
    );
  });
  for (const example of examples) {
    test(`README example ${example.name} runs against Prism`, () => {
      // A scratch folder where `@oaikit/core` resolves to this repository's package (its dist/).
      const dir = mkdtempSync(join(tmpdir(), "oaikit-readme-"));
      try {
        mkdirSync(join(dir, "node_modules/@oaikit"), { recursive: true });
        symlinkSync(join(root, "packages/core"), join(dir, "node_modules/@oaikit/core"), "dir");
        writeFileSync(join(dir, example.name), example.code);
        for (const arg of example.args) if (arg in SAMPLES) writeFileSync(join(dir, arg), SAMPLES[arg]);
        const run = spawnSync(process.execPath, [example.name, ...example.args], {
          cwd: dir,
          encoding: "utf8",
          timeout: 60_000,
          env: {
            ...process.env,
            OPENAI_API_KEY: "sk-contract-test",
            OPENAI_BASE_URL: ctx.prismUrl(),
            WAIT_MS: "300",
            NO_COLOR: "1",
          },
        });
        assert.equal(
          run.status,
          0,
          `${example.name} exited with ${run.status}:\n${run.stdout}\n${run.stderr}`,
        );
        assert.ok(run.stdout.trim().length > 0, `${example.name} printed nothing`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}
