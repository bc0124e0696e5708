// The proxy suite's page cases: run in Chromium, in a page of another origin than the proxy, with the
// real client (@oaikit/core, bundled by esbuild) calling a proxy that runs in Node, Deno, Bun or workerd.
// The upstream behind the proxy is a scenario of the one fake server; its answers are chosen by the
// runner's `respond` (run.mjs) from the markers below. Each case returns nothing or throws; the runner
// adds the checks only it can make (what the upstream received, the proxy's logs, raw sockets).

/** The SSE the upstream writes for a streamed chat, piece by piece (multi-byte text, a keep-alive comment). */
export const STREAM_PIECES = [
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"smoke-model","choices":[{"index":0,"delta":{"role":"assistant","content":"héllo "}}]}\n\n',
  ": keep-alive\n\n",
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"smoke-model","choices":[{"index":0,"delta":{"content":"wörld ✓"}}]}\n\n',
  'data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"smoke-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
  "data: [DONE]\n\n",
];

/** The text of STREAM_PIECES' deltas. */
export const STREAM_TEXT = "héllo wörld ✓";

/** A message that makes the upstream send one delta ("partial") and then stall until its client leaves. */
export const HANG = "[hang]";
/** A message that makes the upstream stream slowly: "slow " and "stream" about half a second apart, then its end. */
export const SLOW = "[slow]";
/** A message that makes the upstream answer 401 (the server's key refused). */
export const UPSTREAM_401 = "[upstream-401]";

/**
 * Runs every case against the proxy at `proxyURL` (its `/v1`). `sdk` is @oaikit/core's root entry and
 * the chat area; `requestsURL` lists what the upstream scenario received (for the cancellation case);
 * `skip` names cases a runtime cannot run (the runner says why).
 * Returns one result per case and every response body the page read (the runner checks them for the key).
 */
export async function runProxyCases({ sdk, proxyURL, requestsURL, skip = [] }) {
  const texts = [];
  const client = (user, config = {}) =>
    new sdk.OpenAI(user ? `tok-${user}` : undefined, {
      baseURL: `${proxyURL}/v1`,
      defaultModel: "smoke-model",
      maxRetries: 0,
      ...config,
    });
  const keep = (result) => {
    texts.push(JSON.stringify(result.data ?? null));
    return result;
  };
  const chat = (text) => [{ role: "user", content: text }];

  const cases = {
    async "stream: the deltas and final() come through the proxy"() {
      const stream = client("alice").streamChatCompletion(chat("Hi"));
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
      equal(text, STREAM_TEXT, "joined deltas");
      equal((await stream.final()).choices[0].finish_reason, "stop", "finish_reason");
    },

    async "stream: the bytes arrive exactly as the upstream wrote them"() {
      const response = await fetch(`${proxyURL}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer tok-bytes", "content-type": "application/json" },
        body: JSON.stringify({ model: "smoke-model", messages: chat("Hi"), stream: true }),
      });
      equal(response.status, 200, "status");
      const bytes = new Uint8Array(await response.arrayBuffer());
      const expected = new TextEncoder().encode(STREAM_PIECES.join(""));
      equal(bytes.length, expected.length, "byte count");
      equal(
        bytes.every((byte, i) => byte === expected[i]),
        true,
        "the same bytes",
      );
    },

    async "a JSON call comes back as an ApiResult"() {
      const result = keep(await client("alice").createChatCompletion(chat("Hi")));
      equal(result.ok, true, `ok (${JSON.stringify(result.error ?? null)})`);
      equal(result.data.choices[0].message.content, "Echo: Hi", "reply");
    },

    async "no token, a wrong token: 401 unauthorized"() {
      for (const user of [undefined, "nobody!"]) {
        const result = keep(await client(user).models());
        equal(result.status, 401, "status");
        equal(result.error.code, "unauthorized", "error.code");
      }
    },

    async "a route outside the allow-list (files): 403"() {
      const result = keep(await client("alice").files());
      equal([result.status, result.error.code].join(" "), "403 route_not_allowed", "status and code");
    },

    async "a model outside the allow-list: 403"() {
      const result = keep(await client("alice").createChatCompletion(chat("Hi"), { model: "gpt-4.1" }));
      equal([result.status, result.error.code].join(" "), "403 model_not_allowed", "status and code");
    },

    async "a body over the limit (64 KiB): 413"() {
      const result = keep(await client("alice").createChatCompletion(chat("x".repeat(70_000))));
      equal([result.status, result.error.code].join(" "), "413 request_too_large", "status and code");
    },

    async "over 30 requests a minute: 429 with Retry-After"() {
      // The window is the clock's minute: start away from its end, so all 31 fall in one window.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 50_000) await sleep(60_100 - intoMinute);
      const rate = client("rate");
      for (let i = 0; i < 30; i++) equal(keep(await rate.models()).status, 200, `request ${i + 1}`);
      const refused = keep(await rate.models());
      equal([refused.status, refused.error.code].join(" "), "429 rate_limit_exceeded", "the 31st");
      const wait = Number(refused.headers.get("retry-after"));
      equal(wait >= 1 && wait <= 60, true, `retry-after ${wait}`);
    },

    async "a second stream while one is open: 429; allowed again once the first has ended"() {
      const first = client("streams").streamChatCompletion(chat(SLOW));
      const iterator = first[Symbol.asyncIterator]();
      equal(
        (await iterator.next()).value?.choices[0]?.delta?.content,
        "slow ",
        "the first stream's first delta",
      );
      const second = await client("streams")
        .streamChatCompletion(chat("Hi"))
        .final()
        .catch((error) => error);
      equal(second?.name, "APIError", `the second stream failed with ${second}`);
      equal(`${second.status} ${second.error.code}`, "429 concurrency_limit_exceeded", "status and code");
      while (!(await iterator.next()).done) {
        // the rest of the first stream
      }
      equal((await first.final()).choices[0].finish_reason, "stop", "the first stream ended");
      // The client stops reading at [DONE]; the proxy counts the end when its upstream body ends, an
      // instant later (a Durable Object: a round trip later), so the next stream is allowed soon after.
      const deadline = Date.now() + 5_000;
      for (;;) {
        const third = await client("streams")
          .streamChatCompletion(chat("Hi"))
          .text()
          .catch((error) => error);
        if (third === STREAM_TEXT) break;
        if (Date.now() > deadline)
          throw new Error(`no stream allowed 5 s after the first ended (last: ${third})`);
        await sleep(100);
      }
    },

    async "aborting in the page closes the upstream request"() {
      const marker = `${HANG} cancel-${Math.random().toString(36).slice(2)}`;
      const stream = client("cancel").streamChatCompletion(chat(marker));
      await stream[Symbol.asyncIterator]().next();
      stream.abort();
      const deadline = Date.now() + 8_000;
      for (;;) {
        const requests = await (await fetch(requestsURL)).json();
        const upstream = requests.find((r) => r.bodyText.includes(marker));
        if (upstream?.reply.closed) return;
        if (Date.now() > deadline)
          throw new Error(
            `the upstream request is still open 8 s after the abort (${upstream ? "seen" : "never seen"})`,
          );
        await sleep(100);
      }
    },

    async "an upstream 401 (the server's key refused) is a 502 of the proxy's own"() {
      const result = keep(await client("alice").createChatCompletion(chat(UPSTREAM_401)));
      equal([result.status, result.error.code].join(" "), "502 upstream_key_refused", "status and code");
    },

    async "a header the proxy does not forward fails the CORS preflight"() {
      const error = await client("alice", { headers: { "x-stainless-os": "MacOS" } })
        .models()
        .catch((e) => e);
      equal(
        error?.name,
        "ConnectionError",
        `a CORS failure (got ${error?.name ?? JSON.stringify(error?.status)})`,
      );
    },
  };

  const results = [];
  for (const [name, fn] of Object.entries(cases)) {
    if (skip.includes(name)) continue;
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ name, ok: false, ms: Date.now() - started, error: String(error?.stack ?? error) });
    }
  }
  return { results, texts };
}

function equal(actual, expected, what) {
  if (actual !== expected)
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
