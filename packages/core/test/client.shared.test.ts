// The OpenAI client against the shared test server's OpenAI routes: what each method sends (method,
// path, headers, body) and the ApiResult it resolves to. Runs in Node and in Chromium.
import { describe, expect, test } from "vitest";
import { createResponse } from "../src/api/responses.js";
import { ChatSession, createClient, OpenAI, ResponsesChatSession } from "../src/index.js";
import { clientHeaders, scenario } from "./client-scenario.js";

const user = [{ role: "user" as const, content: "Hi" }];

describe("what each method sends", () => {
  test("createChatCompletion: POST /chat/completions with model default, messages and only the set params", async () => {
    const s = await scenario();
    const client = new OpenAI("sk-test", { baseURL: s.baseURL });
    const result = await client.createChatCompletion(user, {
      temperature: 0.5,
      max_tokens: undefined,
      stop: null,
    });
    const [req] = await s.requests();
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/chat/completions");
    expect(req?.json).toEqual({ model: "gpt-4.1", messages: user, temperature: 0.5, stop: null });
    expect(req?.bodyText).not.toContain("max_tokens");
    expect(clientHeaders(req!)).toEqual({
      authorization: "Bearer sk-test",
      "content-type": "application/json",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status).toBe(200);
    expect(result.data.choices[0]?.message.content).toBe("Hello there");
    expect(result.requestId).toBe("req_test");
    expect(result.headers.get("content-type")).toContain("application/json");
  });

  test("params override the defaults (model), and defaultModel is used otherwise", async () => {
    const s = await scenario();
    const client = new OpenAI(undefined, { baseURL: s.baseURL, defaultModel: "my-model" });
    await client.createChatCompletion(user);
    await client.createChatCompletion(user, { model: "other" });
    const [a, b] = await s.requests();
    expect(a?.json).toEqual({ model: "my-model", messages: user });
    expect(b?.json).toEqual({ model: "other", messages: user });
  });

  test("createResponse (the area function, on the lean client): POST /responses with { model, input } and the params", async () => {
    const s = await scenario();
    const client = createClient("k", { baseURL: s.baseURL });
    const result = await createResponse(client, "Say hello", { instructions: "Be brief", store: undefined });
    const [req] = await s.requests();
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/responses");
    expect(req?.json).toEqual({ model: "gpt-4.1", input: "Say hello", instructions: "Be brief" });
    expect(result.ok && result.data.id).toBe("resp_test");
  });

  test("response / deleteResponse / cancelResponse: URL-encoded ids, no body, no Content-Type", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const got = await client.response("resp/1?x#y");
    const deleted = await client.deleteResponse("resp 2");
    const cancelled = await client.cancelResponse("resp_3");
    const reqs = await s.requests();
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /responses/resp%2F1%3Fx%23y",
      "DELETE /responses/resp%202",
      "POST /responses/resp_3/cancel",
    ]);
    for (const req of reqs) {
      expect(req.bodyText).toBe("");
      expect(clientHeaders(req)).toEqual({ authorization: "Bearer k" });
    }
    expect(got.ok && got.data.id).toBe("resp/1?x#y");
    expect(deleted.ok && deleted.data.deleted).toBe(true);
    expect(cancelled.ok && cancelled.data.status).toBe("cancelled");
  });

  test("completion / embedding / moderation send only what the user set (no stale lua-openai defaults)", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const completion = await client.completion("Tell me a joke.");
    await client.completion(["a", "b"], { model: "gpt-3.5-turbo-instruct", max_tokens: 5 });
    const embedding = await client.embedding("text", { model: "text-embedding-3-small" });
    await client.embedding(["x", "y"]);
    const moderation = await client.moderation("text");
    const reqs = await s.requests();
    expect(reqs.map((r) => [r.method, r.path, r.json])).toEqual([
      ["POST", "/completions", { prompt: "Tell me a joke." }],
      ["POST", "/completions", { prompt: ["a", "b"], model: "gpt-3.5-turbo-instruct", max_tokens: 5 }],
      ["POST", "/embeddings", { input: "text", model: "text-embedding-3-small" }],
      ["POST", "/embeddings", { input: ["x", "y"] }],
      ["POST", "/moderations", { input: "text" }],
    ]);
    expect(completion.ok && completion.data.choices[0]?.text).toBe("This is a completion response.");
    expect(embedding.ok && embedding.data.data[0]?.embedding).toEqual([0.25, -0.5]);
    expect(moderation.ok && moderation.data.results[0]?.flagged).toBe(false);
  });

  test("models / files / file / deleteFile / fileContent: GETs and DELETEs without a body", async () => {
    const s = await scenario();
    const client = new OpenAI(undefined, { baseURL: s.baseURL });
    const models = await client.models();
    const files = await client.files();
    const file = await client.file("file-a/b");
    const deleted = await client.deleteFile("file-1");
    const content = await client.fileContent("file 1");
    const reqs = await s.requests();
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /models",
      "GET /files",
      "GET /files/file-a%2Fb",
      "DELETE /files/file-1",
      "GET /files/file%201/content",
    ]);
    for (const req of reqs) expect(clientHeaders(req)).toEqual({});
    expect(models.ok && models.data.data[0]?.id).toBe("test-model");
    expect(files.ok && files.data.data).toEqual([]);
    expect(file.ok && file.data.id).toBe("file-a/b");
    expect(deleted.ok && deleted.data.deleted).toBe(true);
    expect(content.ok).toBe(true);
    if (!content.ok) return;
    expect(content.data).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await content.data.arrayBuffer())]).toEqual([0x7b, 0x7d, 0x0a, 0xff]);
  });

  test("imageGeneration: params verbatim, undefined left out", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const result = await client.imageGeneration({ model: "gpt-image-1.5", prompt: "a cat", size: undefined });
    const [req] = await s.requests();
    expect([req?.method, req?.path, req?.json]).toEqual([
      "POST",
      "/images/generations",
      { model: "gpt-image-1.5", prompt: "a cat" },
    ]);
    expect(result.ok && result.data.data?.[0]?.b64_json).toBe("aGVsbG8=");
  });

  test("uploadFile: multipart with the file name, the purpose, and fetch's own boundary", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL });
    const fromFile = await client.uploadFile(
      new File(['{"a":1}\n'], "data.jsonl", { type: "application/jsonl" }),
      "batch",
    );
    const fromBytes = await client.uploadFile(
      { data: new Uint8Array([1, 2, 3]), name: "b.bin" },
      "user_data",
    );
    const fromText = await client.uploadFile({ data: "hello", name: "c.txt" }, "assistants");
    const reqs = await s.requests();
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /files", "POST /files", "POST /files"]);
    expect(reqs[0]?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(reqs[0]?.headers.authorization).toBe("Bearer k");
    expect(reqs[0]?.multipart?.fields).toEqual({ purpose: "batch" });
    expect(reqs[0]?.multipart?.files).toEqual([
      { field: "file", filename: "data.jsonl", type: "application/jsonl", size: 8, text: '{"a":1}\n' },
    ]);
    expect(reqs[1]?.multipart?.files[0]?.filename).toBe("b.bin");
    expect(reqs[1]?.multipart?.files[0]?.size).toBe(3);
    expect(reqs[2]?.multipart?.files[0]?.text).toBe("hello");
    expect(fromFile.ok && fromFile.data.filename).toBe("data.jsonl");
    expect(fromBytes.ok && fromBytes.data.purpose).toBe("user_data");
    expect(fromText.ok && fromText.data.bytes).toBe(5);
  });
});

describe("headers", () => {
  test("no key: no Authorization; organization, project and client headers; per-call headers win", async () => {
    const s = await scenario();
    const client = new OpenAI(undefined, {
      baseURL: s.baseURL,
      organization: "org-1",
      project: "proj-1",
      headers: { "X-Client": "a", "X-Both": "client" },
    });
    await client.models({ headers: { "x-both": "call", "X-Call": "b" } });
    await client.createChatCompletion(user, {}, undefined, { headers: { "OpenAI-Project": null } });
    const [get, post] = await s.requests();
    expect(clientHeaders(get!)).toEqual({
      "openai-organization": "org-1",
      "openai-project": "proj-1",
      "x-client": "a",
      "x-both": "call",
      "x-call": "b",
    });
    expect(clientHeaders(post!)).toEqual({
      "content-type": "application/json",
      "openai-organization": "org-1",
      "x-client": "a",
      "x-both": "client",
    });
  });

  test("client headers can replace the Authorization scheme (Azure-style api-key)", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL, headers: { authorization: "Custom xyz" } });
    await client.models();
    const [req] = await s.requests();
    expect(req?.headers.authorization).toBe("Custom xyz");
  });
});

describe("ApiResult", () => {
  test("201 is success", async () => {
    const s = await scenario([{ status: 201, json: { id: "x" } }]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).models();
    expect(result).toMatchObject({ ok: true, status: 201, data: { id: "x" } });
  });

  test("a 4xx JSON error: ok false, normalised error, raw data, request id, no throw", async () => {
    const body = {
      error: {
        message: "Incorrect API key provided: sk-xxx.",
        type: "invalid_request_error",
        param: null,
        code: "invalid_api_key",
      },
    };
    const s = await scenario([{ status: 401, json: body, headers: { "x-request-id": "req_401" } }]);
    const result = await new OpenAI("sk-xxx", { baseURL: s.baseURL }).models();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(401);
    expect(result.data).toEqual(body);
    expect(result.requestId).toBe("req_401");
    expect(result.error).toMatchObject({
      message: "Incorrect API key provided: sk-xxx.",
      type: "invalid_request_error",
      code: "invalid_api_key",
      param: null,
      status: 401,
    });
    expect((await s.requests()).length).toBe(1); // 401 is not retried
  });

  test("a 404 with a plain-text body: data is the text, error.message its start", async () => {
    const s = await scenario([
      { status: 404, text: "no such thing", headers: { "content-type": "text/plain" } },
    ]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).file("f");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(404);
    expect(result.data).toBe("no such thing");
    expect(result.error.message).toContain("no such thing");
  });

  test("a 200 that is not JSON: ok with the text as data", async () => {
    const s = await scenario([
      { status: 200, text: "plain words", headers: { "content-type": "text/plain" } },
    ]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).models();
    expect(result).toMatchObject({ ok: true, status: 200, data: "plain words" });
  });

  test("a 200 with a JSON body but a text content type is still decoded (lua-openai's pcall decode)", async () => {
    const s = await scenario([{ status: 200, text: '{"a":1}', headers: { "content-type": "text/plain" } }]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).models();
    expect(result).toMatchObject({ ok: true, data: { a: 1 } });
  });

  test("a 5xx after the retries: ok false with the last answer", async () => {
    const s = await scenario([
      {
        status: 500,
        json: { error: { message: "boom", type: "server_error" } },
        headers: { "retry-after-ms": "1" },
      },
      {
        status: 500,
        json: { error: { message: "boom", type: "server_error" } },
        headers: { "retry-after-ms": "1" },
      },
      {
        status: 503,
        json: { error: { message: "last", type: "server_error" } },
        headers: { "retry-after-ms": "1" },
      },
    ]);
    const result = await new OpenAI("k", { baseURL: s.baseURL }).models();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(503);
    expect(result.error.message).toBe("last");
    expect((await s.requests()).length).toBe(3);
  });
});

describe("bad input is a TypeError that says what to do", () => {
  const client = new OpenAI("k", { baseURL: "http://127.0.0.1:9/v1" });
  test.each([
    ["response(undefined)", () => client.response(undefined as unknown as string), /response_id is required/],
    ["deleteResponse('')", () => client.deleteResponse(""), /response_id is required/],
    ["cancelResponse(1)", () => client.cancelResponse(1 as unknown as string), /response_id is required/],
    ["file(undefined)", () => client.file(undefined as unknown as string), /file_id is required/],
    ["deleteFile(null)", () => client.deleteFile(null as unknown as string), /file_id is required/],
    ["fileContent('')", () => client.fileContent(""), /file_id is required/],
    ["embedding()", () => client.embedding(undefined), /input must be provided/],
    ["moderation(null)", () => client.moderation(null as unknown as string), /input must be provided/],
    ["completion()", () => client.completion(undefined as unknown as string), /prompt must be provided/],
    [
      "createResponse()",
      () => client.createResponse(undefined as unknown as string),
      /input must be provided/,
    ],
    [
      "createChatCompletion('hi')",
      () => client.createChatCompletion("hi" as unknown as []),
      /messages must be an array/,
    ],
    [
      "createChatCompletion([1])",
      () => client.createChatCompletion([1] as unknown as []),
      /messages\[0\] must be/,
    ],
    [
      "streamChatCompletion({})",
      () => client.streamChatCompletion({} as unknown as []),
      /messages must be an array/,
    ],
    [
      "createChatCompletion cb",
      () => client.createChatCompletion(user, {}, "x" as unknown as () => void),
      /onChunk must be a function/,
    ],
    [
      "imageGeneration('cat')",
      () => client.imageGeneration("cat" as unknown as { prompt: string }),
      /params must be an object/,
    ],
    ["uploadFile(blob)", () => client.uploadFile(new Blob(["x"]), "batch"), /has no file name/],
    [
      "uploadFile no purpose",
      () => client.uploadFile(new File(["x"], "a.txt"), ""),
      /purpose must be provided/,
    ],
    [
      "params array",
      () => client.completion("p", [] as unknown as Record<string, unknown>),
      /Options must be a plain object/,
    ],
    ["timeout -1", () => client.models({ timeout: -1 }), /options.timeout must be a positive number/],
  ])("%s", (_name, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  test("constructor checks", () => {
    expect(() => new OpenAI({ baseURL: "x" } as unknown as string)).toThrow(/apiKey must be a string/);
    expect(() => new OpenAI("k", { maxRetries: 1.5 })).toThrow(
      /config.maxRetries must be a non-negative integer/,
    );
    expect(() => new OpenAI("k", { timeout: 0 })).toThrow(/config.timeout/);
  });
});

describe("configuration", () => {
  test("baseURL: the static default, a config override, a trailing slash removed", () => {
    expect(new OpenAI().baseURL).toBe("https://api.openai.com/v1");
    expect(new OpenAI().defaultModel).toBe("gpt-4.1");
    expect(new OpenAI(undefined, { baseURL: "http://x/v1/" }).baseURL).toBe("http://x/v1");
  });

  test("the injected fetch carries every request", async () => {
    const seen: string[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const request = new Request(input, init);
      seen.push(`${request.method} ${request.url}`);
      return new Response(JSON.stringify({ object: "list", data: [] }), {
        headers: { "content-type": "application/json" },
      });
    };
    const client = new OpenAI("k", { baseURL: "http://provider.invalid/v1", fetch });
    const result = await client.models();
    expect(result).toMatchObject({ ok: true, data: { object: "list", data: [] } });
    expect(seen).toEqual(["GET http://provider.invalid/v1/models"]);
  });

  test("the client instance's baseURL can be reassigned (lua-openai's api_base idiom)", async () => {
    const s = await scenario();
    const client = new OpenAI();
    client.baseURL = s.baseURL;
    const result = await client.models();
    expect(result.ok).toBe(true);
  });
});

describe("sessions on a client", () => {
  test("new ChatSession(client) / new ResponsesChatSession(client) run through this client", async () => {
    const s = await scenario();
    const client = new OpenAI("k", { baseURL: s.baseURL, defaultModel: "session-model" });
    const chat = new ChatSession(client, { temperature: 0.75 });
    expect(chat).toBeInstanceOf(ChatSession);
    expect(await chat.send("Who are you?")).toBe("Hello there");
    const streamed: string[] = [];
    expect(await new ChatSession(client).send("Hi", (chunk) => streamed.push(String(chunk)))).toBe(
      "Hello there",
    );
    expect(streamed.join("")).toBe("Hello there");
    const responses = new ResponsesChatSession(client);
    expect(responses).toBeInstanceOf(ResponsesChatSession);
    expect((await responses.send("Hello")).getOutputText()).toBe("Hello there");
    const reqs = await s.requests();
    expect(reqs.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /chat/completions",
      "POST /chat/completions",
      "POST /responses",
    ]);
    expect(reqs[0]?.json).toEqual({
      model: "session-model",
      messages: [{ role: "user", content: "Who are you?" }],
      temperature: 0.75,
    });
    expect(reqs[1]?.json).toMatchObject({ stream: true });
  });
});
