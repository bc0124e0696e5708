// The contract test: every request the OpenAI client can send is checked against OpenAI's own
// OpenAPI document by Prism (`prism mock`), which validates the request and answers 422 when it does
// not match the schema. Run with `node --test-reporter=spec tests/contract/prism.test.mjs` on Node
// ≥ 24.18 (Prism's requirement; the node_modules Node). Needs `pnpm run build` first.
//
// The document is tests/contract/openai.openapi.yaml; Prism silently skips validation of an operation
// whose schema has `nullable` without a sibling `type` (see tests/contract/README.md), so a cleaned
// copy is derived into a temp dir at test time. Prism cannot stream: for `stream: true` calls only
// the request is checked (the client's reaction to Prism's JSON answer is not the point here).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { request } from "../../packages/core/dist/http/index.js";
import * as sdk from "../../packages/core/dist/index.js";
import { freePort, startService } from "../lib/service.mjs";
import { registerApiSurfaceTests } from "./api-surface.contract.mjs";
import { registerAzureTests } from "./azure.contract.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const prismCli = join(root, "node_modules/@stoplight/prism-cli/dist/index.js");
const START_TIMEOUT_MS = 90_000;

/** Every response Prism gave to the client, in order (the client's fetch is wrapped to see them). */
const seen = [];
let prism;
let client;
let workDir;

/**
 * Parses the OpenAPI document and drops every `nullable` key that has no sibling `type`: Prism's
 * validator refuses such schemas and then silently validates nothing for that operation. Also drops
 * the `Transfer-Encoding` response header `POST /audio/speech` declares: Prism mocks it as
 * `Transfer-Encoding: string` next to a Content-Length, a response every HTTP client refuses.
 */
function deriveSpec(yamlText) {
  const doc = parse(yamlText, { maxAliasCount: -1 });
  let dropped = 0;
  const walk = (value) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") {
      if ("nullable" in value && !("type" in value)) {
        delete value.nullable;
        dropped++;
      }
      if (value.headers && typeof value.headers === "object") delete value.headers["Transfer-Encoding"];
      Object.values(value).forEach(walk);
    }
  };
  walk(doc);
  return { doc, dropped };
}

/** Starts `prism mock` on 127.0.0.1 and waits (bounded) until it answers. */
async function startPrism(specPath) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const prism = await startService({
    name: "prism",
    command: process.execPath,
    args: [prismCli, "mock", "-h", "127.0.0.1", "-p", String(port), specPath],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    readyUrl: `${url}/models`,
    timeoutMs: START_TIMEOUT_MS,
  });
  console.log(`# prism mock ready on ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, stop: prism.stop, log: prism.log };
}

/** A fetch that records what Prism answered (status and its `sl-violations` header). */
async function recordingFetch(input, init) {
  const request = new Request(input, init);
  const response = await fetch(request);
  seen.push({
    method: request.method,
    path: new URL(request.url).pathname,
    search: new URL(request.url).search,
    status: response.status,
    violations: requestViolations(response.headers.get("sl-violations")),
    // Prism's 422 body lists what was wrong; keep it for the assertion message.
    problem: response.status === 422 ? (await response.clone().text()).slice(0, 2000) : undefined,
  });
  return response;
}

/**
 * The request violations in Prism's `sl-violations` header (a JSON list, sometimes prefixed with
 * "Too many violations! "), or null. Violations located in `response` are Prism's own generated mock
 * body disagreeing with the document: not about the client, so ignored.
 */
function requestViolations(header) {
  if (header === null) return null;
  const found = header.match(/\{"location":\["request"[^}]*\}/g);
  return found ? found.join(", ") : null;
}

/**
 * Runs one client call and asserts that Prism accepted every request it sent: the route matched, the
 * answer is 2xx (422 is Prism's "request does not match the schema") and its `sl-violations` header
 * names no request violation. Stream calls may reject afterwards (Prism answers JSON, not SSE): only the request counts.
 */
async function assertAccepted(method, path, call, { stream = false } = {}) {
  const from = seen.length;
  try {
    const result = await call();
    if (!stream && result && typeof result === "object" && "ok" in result) {
      assert.equal(result.ok, true, `${method} ${path}: ApiResult not ok: ${JSON.stringify(result.error)}`);
    }
  } catch (error) {
    if (!stream) throw error;
  }
  const sent = seen.slice(from);
  assert.ok(sent.length >= 1, `${method} ${path}: the client sent no request`);
  for (const response of sent) {
    assert.equal(
      `${response.method} ${response.path}`,
      `${method} ${path}`,
      "the endpoint the client called",
    );
    assert.ok(
      response.status >= 200 && response.status < 300,
      `${method} ${path}: Prism answered ${response.status} ${response.problem ?? ""}`,
    );
    assert.equal(response.violations, null, `${method} ${path}: sl-violations: ${response.violations}`);
  }
}

const messages = [
  { role: "developer", content: "Answer in one word." },
  { role: "user", content: "Say hello." },
];

describe("the client's requests match OpenAI's OpenAPI document (Prism)", { timeout: 180_000 }, () => {
  before(
    async () => {
      const { doc, dropped } = deriveSpec(
        readFileSync(join(root, "tests/contract/openai.openapi.yaml"), "utf8"),
      );
      assert.ok(dropped > 0, "the document is expected to have nullable keys without a type");
      workDir = mkdtempSync(join(tmpdir(), "oaikit-prism-"));
      const specPath = join(workDir, "openai.openapi.json");
      writeFileSync(specPath, JSON.stringify(doc));
      prism = await startPrism(specPath);
      client = new sdk.OpenAI("sk-contract-test", {
        baseURL: prism.url,
        fetch: recordingFetch,
        maxRetries: 0,
        timeout: 20_000,
        firstByteTimeout: 10_000,
        idleTimeout: 10_000,
      });
    },
    { timeout: START_TIMEOUT_MS + 30_000 },
  );
  after(async () => {
    await prism?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  // ------------------------------------------------------------------ proving the check can fail
  test("Prism rejects an invalid request (messages missing) with 422", async () => {
    const response = await fetch(`${prism.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-contract-test", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4.1" }),
    });
    assert.equal(response.status, 422);
    assert.match(await response.text(), /messages/);
  });

  test("a client call with an out-of-range parameter is caught (temperature 5)", async () => {
    await assert.rejects(
      assertAccepted("POST", "/chat/completions", () =>
        client.createChatCompletion(messages, { model: "gpt-4.1", temperature: 5 }),
      ),
      /Prism answered 422|not ok/,
    );
  });

  test("a stream: true request that breaks the schema is caught too", async () => {
    await assert.rejects(
      assertAccepted(
        "POST",
        "/responses",
        () => client.streamResponse("Say hello.", { model: "gpt-4.1", temperature: 5 }).final(),
        { stream: true },
      ),
      /Prism answered 422/,
    );
  });

  // ------------------------------------------------------------------ Chat Completions
  test("createChatCompletion", () =>
    assertAccepted("POST", "/chat/completions", () =>
      client.createChatCompletion(messages, {
        model: "gpt-4.1",
        temperature: 0.2,
        max_completion_tokens: 16,
      }),
    ));

  test("createChatCompletion with stream: true and a chunk callback", () =>
    assertAccepted(
      "POST",
      "/chat/completions",
      () => client.createChatCompletion(messages, { model: "gpt-4.1", stream: true }, () => {}),
      { stream: true },
    ));

  test("streamChatCompletion (stream_options.include_usage)", () =>
    assertAccepted(
      "POST",
      "/chat/completions",
      () =>
        client
          .streamChatCompletion(messages, { model: "gpt-4.1", stream_options: { include_usage: true } })
          .final(),
      { stream: true },
    ));

  test("chat (lua-openai's deprecated alias)", () =>
    assertAccepted("POST", "/chat/completions", () => client.chat(messages, { model: "gpt-4.1" })));

  test("a chat completion with tools and a tool result", () =>
    assertAccepted("POST", "/chat/completions", () =>
      client.createChatCompletion(
        [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: '{"celsius":21}' },
        ],
        {
          model: "gpt-4.1",
          tools: [
            {
              type: "function",
              function: {
                name: "get_weather",
                parameters: { type: "object", properties: { city: { type: "string" } } },
              },
            },
          ],
        },
      ),
    ));

  // ------------------------------------------------------------------ Responses
  test("createResponse", () =>
    assertAccepted("POST", "/responses", () =>
      client.createResponse("Say hello.", { model: "gpt-4.1", instructions: "Be brief." }),
    ));

  test("createResponse with stream: true and an event callback", () =>
    assertAccepted(
      "POST",
      "/responses",
      () => client.createResponse("Say hello.", { model: "gpt-4.1", stream: true }, () => {}),
      { stream: true },
    ));

  test("streamResponse", () =>
    assertAccepted("POST", "/responses", () => client.streamResponse("Say hello.").final(), {
      stream: true,
    }));

  test("response(id)", () => assertAccepted("GET", "/responses/resp_123", () => client.response("resp_123")));

  test("deleteResponse(id)", () =>
    assertAccepted("DELETE", "/responses/resp_123", () => client.deleteResponse("resp_123")));

  test("cancelResponse(id)", () =>
    assertAccepted("POST", "/responses/resp_123/cancel", () => client.cancelResponse("resp_123")));

  // Background mode: the create request, the resume request (a GET with stream and starting_after)
  // and the cancel an abort() sends. Prism answers JSON, so each stream then fails: only requests count.
  test("streamResponse with background: true", () =>
    assertAccepted(
      "POST",
      "/responses",
      () => client.streamResponse("Say hello.", { model: "gpt-4.1", background: true }).final(),
      { stream: true },
    ));

  test("resumeResponse(id, { startingAfter }): GET /responses/{id}?stream=true&starting_after=N", async () => {
    const from = seen.length;
    await assertAccepted(
      "GET",
      "/responses/resp_123",
      () => client.resumeResponse("resp_123", { startingAfter: 3 }).final(),
      { stream: true },
    );
    assert.deepEqual(
      seen.slice(from).map((r) => r.search),
      ["?stream=true&starting_after=3"],
      "the query of the resume request",
    );
  });

  test("abort() of a background stream: POST /responses/{id}/cancel", async () => {
    // Prism cannot stream: the create request is answered here with a stream that names its response
    // and then stays open; everything else goes to Prism.
    const created = `event: response.created\ndata: ${JSON.stringify({
      type: "response.created",
      sequence_number: 0,
      response: { id: "resp_123", object: "response", status: "in_progress", output: [] },
    })}\n\n`;
    const background = new sdk.OpenAI("sk-contract-test", {
      baseURL: prism.url,
      maxRetries: 0,
      fetch: (input, init) => {
        const request = new Request(input, init);
        if (request.method !== "POST" || new URL(request.url).pathname !== "/responses") {
          return recordingFetch(request);
        }
        const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(created)) });
        return Promise.resolve(new Response(body, { headers: { "content-type": "text/event-stream" } }));
      },
    });
    await assertAccepted(
      "POST",
      "/responses/resp_123/cancel",
      async () => {
        const from = seen.length;
        const stream = background.streamResponse("Say hello.", { background: true });
        await assert.rejects(async () => {
          for await (const _event of stream) stream.abort();
        }, sdk.RequestAbortedError);
        for (let i = 0; i < 200 && seen.length === from; i++) await new Promise((r) => setTimeout(r, 25));
      },
      { stream: true },
    );
  });

  // ------------------------------------------------------------------ other endpoints
  test("completion (legacy)", () =>
    assertAccepted("POST", "/completions", () =>
      client.completion("Say hello.", { model: "gpt-3.5-turbo-instruct", max_tokens: 8 }),
    ));

  test("embedding", () =>
    assertAccepted("POST", "/embeddings", () =>
      client.embedding("Say hello.", { model: "text-embedding-3-small" }),
    ));

  test("moderation", () =>
    assertAccepted("POST", "/moderations", () =>
      client.moderation("Say hello.", { model: "omni-moderation-latest" }),
    ));

  test("models", () => assertAccepted("GET", "/models", () => client.models()));

  test("files", () => assertAccepted("GET", "/files", () => client.files()));

  test("file(id)", () => assertAccepted("GET", "/files/file-abc123", () => client.file("file-abc123")));

  test("deleteFile(id)", () =>
    assertAccepted("DELETE", "/files/file-abc123", () => client.deleteFile("file-abc123")));

  test("fileContent(id)", () =>
    assertAccepted("GET", "/files/file-abc123/content", () => client.fileContent("file-abc123")));

  test("uploadFile (multipart)", () =>
    assertAccepted("POST", "/files", () =>
      client.uploadFile(
        { data: '{"prompt":"hi"}\n', name: "batch.jsonl", type: "application/jsonl" },
        "batch",
      ),
    ));

  test("imageGeneration", () =>
    assertAccepted("POST", "/images/generations", () =>
      client.imageGeneration({
        model: "gpt-image-1",
        prompt: "A lighthouse at dusk.",
        n: 1,
        size: "1024x1024",
      }),
    ));

  // ------------------------------------------------------------------ the other API areas and client.call
  registerApiSurfaceTests({ seen, assertAccepted, client: () => client, prismUrl: () => prism.url });

  // ------------------------------------------------------------------ Azure OpenAI (v1 and deployments form)
  registerAzureTests({ assertAccepted, fetch: recordingFetch, prismUrl: () => prism.url });

  // ------------------------------------------------------------------ sessions and the HTTP builder
  test("ChatSession.send", () =>
    assertAccepted("POST", "/chat/completions", () =>
      new sdk.ChatSession(client, { model: "gpt-4.1" }).send("Say hello."),
    ));

  test("ResponsesChatSession.send", () =>
    assertAccepted("POST", "/responses", () =>
      new sdk.ResponsesChatSession(client, { model: "gpt-4.1" }).send("Say hello."),
    ));

  test("request() builder: a JSON body inferred from an object", async () => {
    const from = seen.length;
    const response = await request({
      url: `${prism.url}/chat/completions`,
      method: "POST",
      body: { model: "gpt-4.1", messages },
    })
      .setHeader("Authorization", "Bearer sk-contract-test")
      .execute();
    assert.equal(seen.length, from, "the builder does not use the client's fetch");
    assert.equal(response.statusCode(), 200, await response.body().text());
    assert.equal(response.headers()["sl-violations"], undefined);
  });
});
