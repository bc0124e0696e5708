// The cross-runtime smoke cases: the same file runs in Chromium, Node 22, Node 24, Deno, workerd and
// Bun. It uses only web-platform APIs (fetch, Blob, AbortController, TextEncoder) and receives the SDK
// module from the runtime's entry, so each runtime imports @oaikit/core its own way. Every case talks
// to the smoke routes of the one fake server (apps/demo/server/testing/smoke.ts) on 127.0.0.1.

/** The user message of the echo cases: multi-byte characters catch a UTF-8 sequence split by the network. */
export const MESSAGE = "héllo wörld ✓ from oaikit";

/** The reply the smoke server gives to MESSAGE. */
export const REPLY = `Echo: ${MESSAGE}`;

/**
 * Runs every case and returns one result per case. Never throws: a failing case is a result.
 * @param {{ sdk: any, baseURL: string, runtime: string, version: string }} options
 * @returns {Promise<{ runtime: string, version: string, passed: number, failed: number,
 *   results: { name: string, ok: boolean, ms: number, error?: string }[] }>}
 */
export async function runSmoke({ sdk, baseURL, runtime, version }) {
  const results = [];
  for (const [name, fn] of Object.entries(cases)) {
    const started = Date.now();
    try {
      await withTimeout(fn({ sdk, baseURL }), 10_000, name);
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      results.push({ name, ok: false, ms: Date.now() - started, error: message });
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return { runtime, version, passed, failed: results.length - passed, results };
}

/** A client for the smoke server: no key (local server), fast retries. */
function client(sdk, baseURL, config = {}) {
  return new sdk.OpenAI(undefined, { baseURL, defaultModel: "smoke-model", ...config });
}

/** The names of the cases, so a runner can count them as failed when a runtime does not start at all. */
export function caseNames() {
  return Object.keys(cases);
}

const cases = {
  /** GET /models: a JSON call that resolves to an ApiResult. */
  async "json: models()"({ sdk, baseURL }) {
    const result = await client(sdk, baseURL).models();
    equal(result.ok, true, "result.ok");
    equal(result.status, 200, "status");
    equal(result.data.object, "list", "data.object");
    equal(result.data.data[0].id, "smoke-model", "first model id");
    equal(typeof result.headers.get, "function", "headers is a Headers");
  },

  /** POST /chat/completions without streaming: the JSON body goes out, the echo comes back. */
  async "json: createChatCompletion()"({ sdk, baseURL }) {
    const result = await client(sdk, baseURL).createChatCompletion([{ role: "user", content: MESSAGE }]);
    equal(result.ok, true, `result.ok (${JSON.stringify(result.error ?? null)})`);
    equal(result.data.choices[0].message.content, REPLY, "reply");
    equal(result.requestId?.startsWith("req_smoke_"), true, "requestId from x-request-id");
  },

  /** An HTTP error is a result, not an exception, with the normalised error body. */
  async "json: HTTP 400 is ok:false"({ sdk, baseURL }) {
    const result = await client(sdk, baseURL).createChatCompletion([{ role: "user", content: MESSAGE }], {
      model: "smoke-bad-request",
    });
    equal(result.ok, false, "result.ok");
    equal(result.status, 400, "status");
    equal(result.error.message, "The model `smoke-bad-request` does not exist.", "error.message");
    equal(result.error.code, "model_not_found", "error.code");
    equal(result.error.param, "model", "error.param");
  },

  /** A streamed chat completion: every chunk arrives, deltas join into final()'s content. */
  async "stream: chat completion + final()"({ sdk, baseURL }) {
    const stream = await client(sdk, baseURL).streamChatCompletion([{ role: "user", content: MESSAGE }]);
    let text = "";
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices?.[0]?.delta?.content ?? "";
    }
    const final = await stream.final();
    equal(text, REPLY, "joined deltas");
    equal(final.choices[0].message.content, REPLY, "final() content");
    equal(final.choices[0].finish_reason, "stop", "finish_reason");
    equal(final.usage?.total_tokens, 8, "usage from the last chunk");
    equal(chunks >= 5, true, `several chunks (got ${chunks})`);
  },

  /** A streamed Responses call: output_text deltas, final() is the response.completed object. */
  async "stream: responses + final()"({ sdk, baseURL }) {
    const stream = await client(sdk, baseURL).streamResponse(MESSAGE);
    let text = "";
    const types = new Set();
    for await (const event of stream) {
      types.add(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    const final = await stream.final();
    equal(text, REPLY, "joined deltas");
    equal(final.status, "completed", "final().status");
    equal(final.output[0].content[0].text, REPLY, "final() output text");
    equal(types.has("response.completed"), true, "saw response.completed");
  },

  /** A multipart upload: the server parses the form and sees the same bytes, name and purpose. */
  async "multipart: uploadFile()"({ sdk, baseURL }) {
    const content = `{"prompt":"${MESSAGE}"}\n`;
    const file = new Blob([content], { type: "application/jsonl" });
    const result = await client(sdk, baseURL).uploadFile({ data: file, name: "smoke.jsonl" }, "batch");
    equal(result.ok, true, `result.ok (${JSON.stringify(result.error ?? null)})`);
    equal(result.data.smoke_content_type, "multipart/form-data", "content type");
    equal(result.data.filename, "smoke.jsonl", "filename");
    equal(result.data.purpose, "batch", "purpose");
    equal(result.data.smoke_text, content, "file content");
    equal(result.data.bytes, new TextEncoder().encode(content).byteLength, "bytes");
  },

  /** Aborting a stream mid-way: the iteration ends with RequestAbortedError, the server sees the close. */
  async "abort: stream.abort() mid-stream"({ sdk, baseURL }) {
    const id = Math.random().toString(36).slice(2);
    const api = client(sdk, baseURL, { defaultModel: `smoke-stall:${id}` });
    const stream = await api.streamChatCompletion([{ role: "user", content: MESSAGE }]);
    const started = Date.now();
    let caught;
    let text = "";
    try {
      for await (const chunk of stream) {
        text += chunk.choices?.[0]?.delta?.content ?? "";
        if (text === "partial") stream.abort();
      }
    } catch (error) {
      caught = error;
    }
    equal(
      caught instanceof sdk.RequestAbortedError,
      true,
      `RequestAbortedError (got ${describeError(caught)})`,
    );
    equal(Date.now() - started < 5_000, true, "abort is prompt");
    // The abort must reach the socket, not only stop the reader: the server notices the close.
    let closed = false;
    for (let i = 0; i < 40 && !closed; i++) {
      const seen = await fetch(`${baseURL}/__smoke/closed?id=${id}`).then((r) => r.json());
      closed = seen.closed;
      if (!closed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    equal(closed, true, "server saw the connection close");
  },

  /** A 429 with retry-after-ms is retried (POST included) and the second attempt succeeds. */
  async "retry: 429 then 200"({ sdk, baseURL }) {
    const key = Math.random().toString(36).slice(2);
    const api = client(sdk, baseURL, { defaultModel: `smoke-429-once:${key}`, maxRetries: 2 });
    const started = Date.now();
    const result = await api.createChatCompletion([{ role: "user", content: MESSAGE }]);
    equal(result.ok, true, `result.ok (status ${result.status})`);
    equal(result.headers.get("x-smoke-attempt"), "2", "answered by the second attempt");
    equal(result.data.choices[0].message.content, REPLY, "reply");
    // retry-after-ms (50 ms) wins over retry-after (3 s).
    const waited = Date.now() - started;
    equal(waited < 2_500, true, `waited retry-after-ms, not retry-after (${waited} ms)`);
  },
};

function equal(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

function describeError(value) {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}

function withTimeout(promise, ms, name) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`case "${name}" did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
