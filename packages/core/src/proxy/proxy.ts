/**
 * `createProxy`: the key proxy, a Web-standard `(request) => Promise<Response>` handler. Its checks run
 * cheapest first, and nothing reaches the upstream before all of them passed:
 *
 *   CORS preflight → origin → route (the allow-list) → authorize (the user) → requests per minute →
 *   body (size; JSON or multipart) → model → open streams → upstream (the server's key added)
 *
 * The upstream's answer goes back with its status: a 2xx body handed on as it arrives (SSE untouched,
 * nothing buffered; the upstream's body itself, which the runtime pipes natively, unless an open stream
 * is counted, when `passThrough` notes its end; a page that goes away cancels the upstream request), an error body
 * read (bounded) with any copy of the key cut out. An upstream 401 (the server's key refused, after one
 * fresh key from a key function) becomes a 502: it is the operator's problem, not the page's, and
 * OpenAI's 401 text quotes part of the key.
 */
import { CredentialError, RequestAbortedError } from "../errors/errors.js";
import { authHeaderEntry, type Credential } from "../transport/credential.js";
import { send } from "../transport/send.js";
import {
  type BodyFacts,
  bodyFacts,
  pageHeaders,
  passThrough,
  readRequestBody,
  upstreamHeaders,
} from "./forward.js";
import { openStream, takeRequest } from "./limits.js";
import { type ProxyLogEntry, type ProxyOptions, type ProxySettings, proxySettings } from "./options.js";
import { corsHeaders, errorResponse, originAllowed, type ProxyErrorCode, preflight } from "./respond.js";
import { matchRoute } from "./routes.js";

/** A Worker's execution context, as far as the proxy uses it: `waitUntil` keeps a promise alive past the response. */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * The proxy: a fetch handler for Workers (`export default { fetch: proxy }`: it gets `env` and `ctx`),
 * Deno.serve, Bun.serve and Node adapters. `context.waitUntil`, when given, keeps the limit store's
 * bookkeeping alive after a stream ends.
 */
export type ProxyHandler<Env = unknown> = (
  request: Request,
  env?: Env,
  context?: WaitUntilContext,
) => Promise<Response>;

/** Largest upstream error body read (to cut the key out of it), in bytes. */
const MAX_ERROR_BODY_BYTES = 1_048_576;

/**
 * A key proxy for OpenAI-compatible APIs (see the module comment). Every option is checked here; a
 * mistake is a `TypeError` at start-up, not a surprise at the first request.
 *
 * ```ts
 * const proxy = createProxy({
 *   apiKey: process.env.OPENAI_API_KEY ?? "",
 *   upstream: "https://api.openai.com/v1",
 *   authorize: (request) => userOfSession(request.headers.get("authorization")),
 *   allow: { origins: ["https://app.example.com"], models: ["gpt-4.1-mini"] },
 *   limits: { requestsPerMinute: 30, concurrentStreams: 2 },
 * });
 * ```
 */
export function createProxy<Env = unknown>(options: ProxyOptions<Env>): ProxyHandler<Env> {
  const settings = proxySettings(options);
  return (request, env, context) => new Exchange(settings, request, env as Env, context).run();
}

/** One request through the proxy. */
class Exchange<Env> {
  readonly #s: ProxySettings<Env>;
  readonly #request: Request;
  readonly #env: Env;
  readonly #context: WaitUntilContext | undefined;
  readonly #url: URL;
  readonly #started = Date.now();
  readonly #entry: ProxyLogEntry;
  /** CORS headers for every answer, once the origin is known to be allowed. */
  #cors: Record<string, string> = {};
  /** The keys this request used (to cut them out of error bodies and messages). */
  readonly #keys: string[] = [];

  constructor(
    settings: ProxySettings<Env>,
    request: Request,
    env: Env,
    context: WaitUntilContext | undefined,
  ) {
    this.#s = settings;
    this.#request = request;
    this.#env = env;
    this.#context = typeof context?.waitUntil === "function" ? context : undefined;
    this.#url = new URL(request.url);
    this.#entry = { outcome: "refused", status: 0, method: request.method, ms: 0 };
  }

  async run(): Promise<Response> {
    const s = this.#s;
    const request = this.#request;
    const origin = request.headers.get("origin");
    if (request.method === "OPTIONS" && request.headers.has("access-control-request-method")) {
      return this.#log(preflight(request, s.cors, s.methods), "refused");
    }
    if (origin !== null && !originAllowed(s.cors, origin)) {
      const shown = origin.slice(0, 100);
      return this.#refuse(
        403,
        "origin_not_allowed",
        `Pages of ${shown} may not call this proxy (allow.origins).`,
      );
    }
    this.#cors = corsHeaders(s.cors, origin);

    const { pathname } = this.#url;
    const below = pathname.startsWith(`${s.basePath}/`) ? pathname.slice(s.basePath.length) : undefined;
    const match = below === undefined ? undefined : matchRoute(s.routes, request.method, below);
    if (!match) {
      const shown = `${request.method} ${pathname}`.slice(0, 120);
      return this.#refuse(403, "route_not_allowed", `This proxy does not forward ${shown}.`);
    }
    this.#entry.route = match.template;

    let user: string | null | undefined;
    try {
      user = await s.options.authorize(request, this.#env);
    } catch {
      user = undefined;
    }
    if (typeof user !== "string" || user === "") {
      return this.#refuse(
        401,
        "unauthorized",
        "The proxy did not recognise who sent this request: sign in again.",
      );
    }
    this.#entry.user = user;

    if (s.requestsPerMinute !== undefined) {
      const wait = await this.#limits(() => takeRequest(s.store, user, s.requestsPerMinute as number));
      if (wait instanceof Response) return wait;
      if (wait !== undefined) {
        return this.#refuse(
          429,
          "rate_limit_exceeded",
          `Too many requests: ${s.requestsPerMinute} a minute. Retry in ${wait} s.`,
          {
            "retry-after": String(wait),
            "retry-after-ms": String(wait * 1000),
          },
        );
      }
    }

    let body: Uint8Array<ArrayBuffer> | undefined;
    let facts: BodyFacts = { model: undefined, stream: this.#url.searchParams.get("stream") === "true" };
    if (request.method !== "GET") {
      const read = await readRequestBody(request, s.maxBodyBytes);
      if (read === "too-large") {
        return this.#refuse(
          413,
          "request_too_large",
          `The request body is larger than this proxy accepts (${s.maxBodyBytes} bytes).`,
        );
      }
      const found = await bodyFacts(read, request.headers.get("content-type") ?? "");
      if (!found)
        return this.#refuse(
          400,
          "invalid_request_body",
          "The request body is not a valid JSON object or form.",
        );
      body = read;
      facts = found;
    }
    this.#entry.model = facts.model;
    this.#entry.stream = facts.stream;

    if (
      s.models &&
      body &&
      body.byteLength > 0 &&
      (facts.model === undefined || !s.models(facts.model, user))
    ) {
      const what =
        facts.model === undefined
          ? "Name a model: this proxy"
          : `The model ${JSON.stringify(facts.model).slice(0, 80)} is not one this proxy`;
      return this.#refuse(403, "model_not_allowed", `${what} forwards only the models it allows.`);
    }

    let release: (() => Promise<void>) | undefined;
    if (facts.stream && s.concurrentStreams !== undefined) {
      const opened = await this.#limits(() => openStream(s.store, user, s.concurrentStreams as number));
      if (opened instanceof Response) return opened;
      if (!opened) {
        return this.#refuse(
          429,
          "concurrency_limit_exceeded",
          `Too many streams open at once (${s.concurrentStreams}): wait until one ends.`,
          { "x-should-retry": "false" },
        );
      }
      release = () => {
        const done = opened();
        this.#context?.waitUntil(done);
        return done;
      };
      // The page went away (a Worker learns it through request.signal, with enable_request_signal).
      request.signal?.addEventListener("abort", () => void release?.(), { once: true });
    }
    try {
      return await this.#forward(`${match.path}${this.#url.search}`, body, release);
    } catch (error) {
      void release?.();
      throw error;
    }
  }

  /** Sends the request upstream with the server's key, and the answer back to the page. */
  async #forward(
    path: string,
    body: Uint8Array<ArrayBuffer> | undefined,
    release: (() => Promise<void>) | undefined,
  ): Promise<Response> {
    const { options, upstream, requestHeaders, responseHeaders } = this.#s;
    const header = options.authHeader ?? "authorization";
    const headers = upstreamHeaders(this.#request, requestHeaders, options.upstreamHeaders ?? {});
    let credential: Credential | undefined;
    const { apiKey } = options;
    if (typeof apiKey === "string") {
      this.#keys.push(apiKey);
      headers.set(...authHeaderEntry(header, apiKey));
    } else {
      credential = {
        header,
        key: async (context) => {
          const key = await apiKey({ ...context, env: this.#env });
          if (typeof key === "string") this.#keys.push(key);
          return key;
        },
      };
    }
    let answer: Response;
    try {
      answer = await send(
        {
          method: this.#request.method,
          url: `${upstream}${path}`,
          headers,
          body: body?.byteLength ? body : null,
        },
        { fetch: options.fetch, retry: 0, timeout: false, signal: this.#request.signal, credential },
      );
    } catch (error) {
      void release?.();
      const message = this.#scrub(error instanceof Error ? error.message : String(error));
      if (error instanceof RequestAbortedError) {
        return this.#log(new Response(null, { status: 499 }), "failed", {
          code: "client_closed",
          error: message,
        });
      }
      if (error instanceof CredentialError) {
        return this.#fail(500, "proxy_key_unavailable", "The proxy could not get its API key.", message);
      }
      return this.#fail(502, "upstream_unreachable", "The upstream API could not be reached.", message);
    }
    if (answer.status === 401) {
      void release?.();
      void answer.body?.cancel().catch(() => undefined);
      return this.#fail(
        502,
        "upstream_key_refused",
        "The upstream API refused the proxy's key; the proxy's operator must check it.",
        "upstream answered 401",
      );
    }
    const headersOut = pageHeaders(answer, responseHeaders, this.#cors);
    if (!answer.ok || !answer.body) {
      void release?.();
      const text = answer.body ? this.#scrub(await boundedText(answer)) : null;
      return this.#log(new Response(text, { status: answer.status, headers: headersOut }), "forwarded");
    }
    return this.#log(
      new Response(release ? passThrough(answer.body, release) : answer.body, {
        status: answer.status,
        headers: headersOut,
      }),
      "forwarded",
    );
  }

  /** Runs a limit store call; a store that fails refuses the request (503) rather than let it through. */
  async #limits<T>(call: () => Promise<T>): Promise<T | Response> {
    try {
      return await call();
    } catch (error) {
      return this.#fail(
        503,
        "limits_unavailable",
        "The proxy cannot count requests right now; retry soon.",
        this.#scrub(String(error)),
      );
    }
  }

  #refuse(
    status: number,
    code: ProxyErrorCode,
    message: string,
    headers: Record<string, string> = {},
  ): Response {
    this.#entry.code = code;
    return this.#log(errorResponse(status, code, message, { ...this.#cors, ...headers }), "refused");
  }

  #fail(status: number, code: ProxyErrorCode, message: string, detail: string): Response {
    this.#entry.code = code;
    this.#entry.error = detail;
    return this.#log(errorResponse(status, code, message, this.#cors), "failed");
  }

  #log(response: Response, outcome: ProxyLogEntry["outcome"], extra: Partial<ProxyLogEntry> = {}): Response {
    const log = this.#s.options.log;
    if (log) {
      Object.assign(this.#entry, extra, { outcome, status: response.status, ms: Date.now() - this.#started });
      try {
        log({ ...this.#entry });
      } catch {
        // A failing logger must not fail the request.
      }
    }
    return response;
  }

  /** `text` with every key this request used cut out. */
  #scrub(text: string): string {
    let out = text;
    for (const key of this.#keys) if (key.length >= 8) out = out.split(key).join("REDACTED");
    return out;
  }
}

/** An error body's text, at most `MAX_ERROR_BODY_BYTES` (the rest is dropped). */
async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let size = 0;
  for (;;) {
    const next = await reader?.read();
    if (!next || next.done) break;
    size += next.value.byteLength;
    text += decoder.decode(next.value, { stream: true });
    if (size > MAX_ERROR_BODY_BYTES) {
      await reader?.cancel().catch(() => undefined);
      break;
    }
  }
  return text + decoder.decode();
}
