// @oaikit/core/azure against the one fake server's Azure mode (apps/demo/server/testing/azure.ts), in Node
// and in Chromium: every covered route (chat, Responses, embeddings, images, audio, files, models),
// streamed and not, in the v1 API and in the dated deployments form; what goes on the wire (URL, query,
// key header) is read back from what the resource recorded. Then Entra ID tokens from a key function
// (refreshed after Azure's 401), the content filter's refusals typed, and the options' checks.
import { describe, expect, inject, test } from "vitest";
import type { AzureRequest } from "../../../apps/demo/server/testing/azure.ts";
import { speech, transcribe } from "../src/api/audio.js";
import { streamChatCompletion } from "../src/api/chat.js";
import { embedding } from "../src/api/embeddings.js";
import type { AzureChatCompletionChunk } from "../src/azure/index.js";
import { azure, azureContentFilter } from "../src/azure/index.js";
import { APIError, createClient, OpenAI } from "../src/index.js";

const user = [{ role: "user" as const, content: "Capital of Denmark?" }];

/** A fresh Azure resource on the test server: its endpoint and what it received. */
async function resource() {
  const server = inject("testServerUrl");
  const { endpoint } = (await (await fetch(`${server}/azure`, { method: "POST" })).json()) as {
    endpoint: string;
  };
  return {
    endpoint: `${server}${endpoint}`,
    requests: async () => (await (await fetch(`${server}${endpoint}/requests`)).json()) as AzureRequest[],
  };
}

/** What a recorded request looked like on Azure's side: method, URL after /openai, form, deployment. */
const wire = (r: AzureRequest) =>
  `${r.method} ${r.url.replace(/api-version=[^&]*/, "api-version=V")} ${r.azure.form}${r.azure.deployment ? ` @${r.azure.deployment}` : ""}`;

/** Every covered route once: chat and Responses (streamed and not), embeddings, images, audio, files, models. */
async function everyRoute(client: OpenAI): Promise<string[]> {
  const seen: string[] = [];
  const ok = (what: string, result: { ok: boolean; status: number }) => {
    expect(result.ok, `${what}: status ${result.status}`).toBe(true);
    seen.push(what);
  };
  ok("chat", await client.createChatCompletion(user));
  const stream = streamChatCompletion(client, user);
  const chunks: AzureChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk as AzureChatCompletionChunk);
  const final = await stream.final();
  expect(final.choices[0]?.message.content).toBe("Capital of Denmark.");
  expect(chunks[0]?.prompt_filter_results?.[0]?.content_filter_results.jailbreak?.detected).toBe(false);
  expect(chunks[2]?.choices[0]?.content_filter_results?.sexual?.severity).toBe("safe");
  seen.push("chat stream");
  ok("responses", await client.createResponse("Hi"));
  expect(await client.streamResponse("Hi").text()).toBe("Hello there");
  seen.push("responses stream");
  ok("embeddings", await embedding(client, "text", { model: "emb-dep" }));
  ok("images", await client.imageGeneration({ prompt: "a cat" }));
  const heard = await transcribe(client, new File(["RIFF"], "clip.wav", { type: "audio/wav" }), {
    model: "whisper-dep",
  });
  expect(heard.ok && "text" in heard.data && heard.data.text).toBe("heard clip.wav");
  seen.push("transcription");
  const spoken = await speech(client, "Hello", { model: "tts-dep", voice: "alloy" });
  expect(spoken.ok && (await spoken.data.text())).toBe("ID3 speech");
  seen.push("speech");
  ok("file upload", await client.uploadFile({ data: new Blob(["{}"]), name: "a.jsonl" }, "batch"));
  ok("files", await client.files());
  ok("file", await client.file("file-1"));
  ok("file content", await client.fileContent("file-1"));
  ok("file delete", await client.deleteFile("file-1"));
  ok("models", await client.models());
  return seen;
}

describe("azure(): the v1 API", () => {
  test("every covered route under /openai/v1 with OpenAI's paths, the deployment as model, the key in api-key", async () => {
    const az = await resource();
    const client = new OpenAI("azure-key-1", azure({ endpoint: az.endpoint, deployment: "gpt-4o-dep" }));
    await everyRoute(client);
    const sent = await az.requests();
    expect(sent.map(wire)).toEqual([
      "POST /v1/chat/completions v1",
      "POST /v1/chat/completions v1",
      "POST /v1/responses v1",
      "POST /v1/responses v1",
      "POST /v1/embeddings v1",
      "POST /v1/images/generations v1",
      "POST /v1/audio/transcriptions v1",
      "POST /v1/audio/speech v1",
      "POST /v1/files v1",
      "GET /v1/files v1",
      "GET /v1/files/file-1 v1",
      "GET /v1/files/file-1/content v1",
      "DELETE /v1/files/file-1 v1",
      "GET /v1/models v1",
    ]);
    for (const r of sent) {
      expect([r.headers["api-key"], r.headers.authorization, r.azure.apiVersion]).toEqual([
        "azure-key-1",
        undefined,
        null,
      ]);
    }
    const models = sent.slice(0, 6).map((r) => (r.json as { model?: string }).model);
    expect(models).toEqual(["gpt-4o-dep", "gpt-4o-dep", "gpt-4o-dep", "gpt-4o-dep", "emb-dep", undefined]);
  });

  test('apiVersion "preview" is sent as api-version, beside the call\'s own query', async () => {
    const az = await resource();
    const client = createClient("k", azure({ endpoint: az.endpoint, apiVersion: "preview" }));
    await client.call("GET /files", { query: { limit: 2 } });
    const [r] = await az.requests();
    expect(r?.url).toBe("/v1/files?limit=2&api-version=preview");
  });
});

describe("azure(): the dated deployments form", () => {
  test("model routes under /deployments/{deployment}, the others under /openai, api-version on every request", async () => {
    const az = await resource();
    const client = new OpenAI(
      "azure-key-2",
      azure({ endpoint: `${az.endpoint}/openai/`, apiVersion: "2025-04-01-preview", deployment: "prod" }),
    );
    await everyRoute(client);
    const sent = await az.requests();
    expect(sent.map(wire)).toEqual([
      "POST /deployments/prod/chat/completions?api-version=V dated @prod",
      "POST /deployments/prod/chat/completions?api-version=V dated @prod",
      "POST /responses?api-version=V dated",
      "POST /responses?api-version=V dated",
      "POST /deployments/prod/embeddings?api-version=V dated @prod",
      "POST /deployments/prod/images/generations?api-version=V dated @prod",
      "POST /deployments/prod/audio/transcriptions?api-version=V dated @prod",
      "POST /deployments/prod/audio/speech?api-version=V dated @prod",
      "POST /files?api-version=V dated",
      "GET /files?api-version=V dated",
      "GET /files/file-1?api-version=V dated",
      "GET /files/file-1/content?api-version=V dated",
      "DELETE /files/file-1?api-version=V dated",
      "GET /models?api-version=V dated",
    ]);
    expect(new Set(sent.map((r) => r.azure.apiVersion))).toEqual(new Set(["2025-04-01-preview"]));
  });

  test("without a deployment option, each request's model is its deployment (JSON and multipart)", async () => {
    const az = await resource();
    const client = createClient("k", azure({ endpoint: az.endpoint, apiVersion: "2024-10-21" }));
    await embedding(client, "x", { model: "emb-small" });
    await transcribe(client, new Blob(["RIFF"], { type: "audio/wav" }), { model: "whisper east" });
    expect((await az.requests()).map((r) => r.azure.deployment)).toEqual(["emb-small", "whisper east"]);
    expect(() => client.call("POST /embeddings", { body: { input: "x" } as never })).toThrow(
      /deployments form needs a deployment for \/embeddings/,
    );
  });
});

describe("azure(): Entra ID tokens and Azure's errors", () => {
  test("auth: 'entra' sends the token function's token as a Bearer; Azure's 401 on an expired one refreshes it", async () => {
    const az = await resource();
    const told: boolean[] = [];
    const token = ({ refresh }: { refresh: boolean }) => {
      told.push(refresh);
      return refresh ? "fresh-token" : "expired-token";
    };
    const client = createClient(token, azure({ endpoint: az.endpoint, auth: "entra" }));
    const result = await client.call("GET /models");
    expect(result.ok).toBe(true);
    expect(told).toEqual([false, true]);
    const sent = await az.requests();
    expect(sent.map((r) => [r.azure.auth, r.headers.authorization, r.headers["api-key"]])).toEqual([
      ["bearer", "Bearer expired-token", undefined],
      ["bearer", "Bearer fresh-token", undefined],
    ]);
  });

  test("Azure's own error body (no key) is normalised: status, code and message", async () => {
    const az = await resource();
    const result = await createClient(undefined, azure({ endpoint: az.endpoint })).call("GET /models");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect([result.status, result.error.code]).toEqual([401, "401"]);
    expect(result.error.message).toMatch(/^Access denied due to invalid subscription key/);
    expect(azureContentFilter(result.error)).toBeUndefined();
  });

  test("a content-filter refusal is typed: from a call's result and from a stream's APIError", async () => {
    const az = await resource();
    const client = new OpenAI("k", azure({ endpoint: az.endpoint }));
    const refused = [{ role: "user" as const, content: "[content-filter] something" }];
    const result = await client.createChatCompletion(refused);
    expect(result.ok).toBe(false);
    const filter = azureContentFilter(result.ok ? undefined : result.error);
    expect(filter).toMatchObject({
      param: "prompt",
      innerCode: "ResponsibleAIPolicyViolation",
      filtered: ["sexual"],
      results: { sexual: { filtered: true, severity: "high" }, hate: { filtered: false, severity: "safe" } },
    });
    expect(filter?.message).toMatch(/^The response was filtered due to the prompt triggering/);
    const error = await client
      .streamChatCompletion(refused)
      .final()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(azureContentFilter(error as APIError)?.filtered).toEqual(["sexual"]);
  });
});

describe("azure(options) checks", () => {
  test("a resource name gives https://{resource}.openai.azure.com; the forms' base URLs", () => {
    expect(azure({ resource: "my-res" })).toMatchObject({
      baseURL: "https://my-res.openai.azure.com/openai/v1",
      authHeader: "api-key",
    });
    expect(azure({ resource: "my-res", auth: "entra", deployment: "d" })).toMatchObject({
      authHeader: "authorization",
      defaultModel: "d",
    });
    expect(azure({ endpoint: "https://x.example.com/openai/v1/", apiVersion: "2024-10-21" }).baseURL).toBe(
      "https://x.example.com/openai",
    );
  });

  test.each([
    [{}, /give either resource .* or endpoint/],
    [{ resource: "a", endpoint: "https://a" }, /give either resource/],
    [{ resource: "https://a.openai.azure.com" }, /resource must be the resource's name/],
    [{ endpoint: "a.openai.azure.com" }, /endpoint must be an http\(s\) URL/],
    [{ resource: "a", apiVersion: "2024" }, /neither a dated version/],
    [{ resource: "a", auth: "key" }, /auth must be "api-key" or "entra"/],
    [{ resource: "a", deployment: "" }, /deployment must be a non-empty string/],
  ])("azure(%j) is refused", (options, message) => {
    expect(() => azure(options as never)).toThrow(message);
  });
});
