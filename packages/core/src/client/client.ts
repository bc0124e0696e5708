/**
 * The lean client: configuration, the transport, and one generic `call`. Every API area
 * (`@oaikit/core/chat`, `/responses`, `/files`, ...) is a set of functions that take a client, so a page
 * pays only for the areas it imports (the pattern of AWS SDK v3's bare-bones clients). `OpenAI` is
 * this client plus every lua-openai method as a one-line delegate.
 */

import { normalizeErrorBody } from "../errors/error-body.js";
import type { RequestTarget } from "../errors/errors.js";
import type { StreamOptions, StreamSource } from "../stream/types.js";
import { type AuthHeader, authHeaderEntry } from "../transport/credential.js";
import { readBlob, readText } from "../transport/read-body.js";
import { decodeBody, isSuccess, requestIdOf } from "../transport/response-meta.js";
import { retryOptions } from "../transport/retry.js";
import { type SendInit, send, type TransportOptions } from "../transport/send.js";
import { describeValue } from "../utils/checks.js";
import {
  type CallSettings,
  type ClientConfig,
  type ClientSettings,
  callSettings,
  clientSettings,
  type HeaderMap,
  type RequestOptions,
} from "./config.js";
import {
  type ApiKey,
  checkClientHeaders,
  clientJSON,
  INSPECT,
  inspectClient,
  readApiKey,
  writeApiKey,
} from "./credentials.js";
import { encodeId } from "./payload.js";
import { encodeQuery, type QueryValue } from "./query.js";
import type { ApiResult } from "./result.js";
import type { KnownRoute, OtherRoute, ReadAs, RouteData, RouteInitArgs } from "./routes.js";

/** An HTTP method of the OpenAI API. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** A route as the official OpenAPI document names it: `"GET /models"`, `"POST /files/{file_id}/content"`. */
export type Route = `${HttpMethod} /${string}`;

/** What a `call` sends, besides the per-call options. */
export interface CallInit extends RequestOptions {
  /** Values of the route's `{placeholders}`; each is checked and encoded like every id. */
  path?: Record<string, string>;
  /**
   * Query parameters; `undefined` values are left out. Lists go out as `name[]=a&name[]=b`, objects as
   * `name[key]=value` (see `./query.ts`).
   */
  query?: Record<string, QueryValue | undefined>;
  /** A JSON body. */
  body?: unknown;
  /** A multipart body (fetch sets its Content-Type with the boundary). */
  form?: FormData;
  /** How a 2xx body is read: decoded (JSON, else text; the default) or as a `Blob` (file content). */
  as?: "decoded" | "blob";
}

/** What an API area needs to open a stream: the source of its request and the stream options. */
export interface StreamOpening {
  source: StreamSource;
  options: Omit<StreamOptions, "onChunk">;
  /** The `Response` the source got, once it got one (for the callback form's `ApiResult`). */
  response(): Response | undefined;
}

/**
 * What a stream request sends: a JSON `body` or a multipart `form`, and the route's `path` and
 * `query` values (filled and encoded as for `call`).
 */
export type StreamPayload = Pick<CallInit, "path" | "query" | "body" | "form">;

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

/**
 * The lean client. Create it with `createClient(apiKey, config)`; pass it to the area functions.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { streamChatCompletion } from "@oaikit/core/chat";
 * const client = createClient(apiKey);
 * for await (const chunk of streamChatCompletion(client, [{ role: "user", content: "Hi" }])) { ... }
 * ```
 */
export class Client {
  /** Default API base of this class; subclasses (Gemini, OpenRouter) override it. */
  static baseURL = "https://api.openai.com/v1";
  /** Default model of this class; subclasses override it. */
  static defaultModel = "gpt-4.1";
  /** Whether streamed Chat Completions ask for usage by default (see `ClientConfig.streamUsage`). */
  static streamUsage = true;

  /**
   * The API key, or the function that fetches it per request (`ApiKeyFunction`); without one, no
   * `Authorization` header is sent (local servers). Checked when set (`./credentials.ts`), and kept
   * outside the object: never serialised, logged or cloned.
   */
  get apiKey(): ApiKey | undefined {
    return readApiKey(this);
  }
  set apiKey(value: ApiKey | undefined) {
    writeApiKey(this, value, "client.apiKey");
  }
  /** The API base URL of this client (no trailing slash). Mutable, like lua-openai's `api_base`. */
  baseURL: string;
  /** The model used when a chat or Responses call names none. Mutable, like lua-openai's `default_model`. */
  defaultModel: string;
  /** Whether streamed Chat Completions ask for usage (`stream_options.include_usage`). Mutable. */
  streamUsage: boolean;
  /** The configuration this client was created with (a copy). */
  readonly config: Readonly<ClientConfig>;

  readonly #headers: Headers;
  readonly #authHeader: AuthHeader;
  /** The checked bounds (timeouts, retries, size limits) of every call. */
  readonly #defaults: ClientSettings;

  /**
   * @param apiKey - sent as `Authorization: Bearer <apiKey>`; omit it for servers that need none. A
   *   function is called for every request (`{ refresh: true }` once after a 401, and the request is
   *   sent again with the fresh key).
   * @param config - base URL, default model, headers, fetch, retries, timeouts (see `ClientConfig`).
   */
  constructor(apiKey?: ApiKey, config: ClientConfig = {}) {
    const statics = this.constructor as typeof Client;
    const name = statics.name === "Client" ? "createClient" : `new ${statics.name}`;
    writeApiKey(
      this,
      apiKey,
      `${name}(apiKey, config)`,
      `pass the options as the second argument, e.g. ${name}(undefined, { baseURL }).`,
    );
    if (typeof config !== "object" || config === null) {
      throw new TypeError(
        `${name}(apiKey, config): config must be an object (got ${describeValue(config)}).`,
      );
    }
    this.config = { ...config };
    this.baseURL = (config.baseURL ?? statics.baseURL).replace(/\/+$/, "");
    this.defaultModel = config.defaultModel ?? statics.defaultModel;
    if (config.streamUsage !== undefined && typeof config.streamUsage !== "boolean") {
      throw new TypeError(
        `config.streamUsage must be true or false (got ${describeValue(config.streamUsage)}).`,
      );
    }
    this.streamUsage = config.streamUsage ?? statics.streamUsage;
    this.#defaults = clientSettings(config);
    if (config.fetch !== undefined && typeof config.fetch !== "function") {
      throw new TypeError("config.fetch must be a fetch-compatible function.");
    }
    if (config.resolveURL !== undefined && typeof config.resolveURL !== "function") {
      throw new TypeError("config.resolveURL must be a function that returns the request's URL.");
    }
    const authHeader = config.authHeader ?? "authorization";
    if (authHeader !== "authorization" && authHeader !== "api-key") {
      throw new TypeError(
        `config.authHeader must be "authorization" or "api-key" (got ${describeValue(authHeader)}).`,
      );
    }
    this.#authHeader = authHeader;
    this.#headers = checkClientHeaders(
      config.headers,
      { organization: config.organization, project: config.project },
      "config",
    );
  }

  /** `JSON.stringify(client)`: base URL and default model; never the key or a header value. */
  toJSON(): { baseURL: string; defaultModel: string } {
    return clientJSON(this);
  }

  /** `console.log(client)` in Node: the same, plus whether a key is set and the header names. */
  [INSPECT](
    _depth: number,
    options: unknown,
    inspect?: (value: unknown, options: unknown) => string,
  ): string {
    return inspectClient(this, [...this.#headers.keys()], options, inspect);
  }

  /**
   * Any route of the API, with the client's headers, retries, timeout and error handling. Resolves to
   * an `ApiResult` for every HTTP status; transport failures, timeouts and aborts throw typed errors.
   *
   * A route of OpenAI's OpenAPI document is typed by its method and path: `init.path`, `query`, `body`
   * (JSON) and `form` (multipart, built with `multipart()` from `@oaikit/core/files`) are checked, and
   * `data` is the route's 2xx schema (`as: "blob"` gives a `Blob`). Other routes (a provider's own)
   * take an untyped `CallInit`; so does any route with an explicit type argument, `call<MyType>(...)`.
   *
   * ```ts
   * const job = await client.call("GET /fine_tuning/jobs/{fine_tuning_job_id}", {
   *   path: { fine_tuning_job_id: "ftjob-abc" },
   * }); // ApiResult<FineTuningJob>
   * ```
   */
  call<R extends KnownRoute, A extends ReadAs = "decoded">(
    route: R,
    ...init: RouteInitArgs<R, A>
  ): Promise<ApiResult<A extends "blob" ? Blob : RouteData<R>>>;
  /** A route the OpenAPI document does not have (or any route, with an explicit type argument): untyped. */
  call<T = unknown, R extends Route = Route>(
    route: R & OtherRoute<R>,
    init?: CallInit,
  ): Promise<ApiResult<T>>;
  call(route: Route, init: CallInit = {}): Promise<ApiResult<unknown>> {
    // Everything is checked before anything async, so bad input throws at the call.
    if (typeof init !== "object" || init === null) {
      throw new TypeError(`call("${route}", init): init must be an object (got ${describeValue(init)}).`);
    }
    const { method, path } = this.#route(route, init);
    if (init.body !== undefined && init.form !== undefined) {
      throw new TypeError(`call("${route}", init): pass either body (JSON) or form (multipart), not both.`);
    }
    if (init.form !== undefined && !(init.form instanceof FormData)) {
      throw new TypeError(
        `call("${route}", init): form must be a FormData (got ${describeValue(init.form)}).`,
      );
    }
    const settings = this.#settings(init);
    return this.#send(this.#request(method, path, init, settings), init, settings);
  }

  /**
   * The request of a stream (`route` with `payload`: `{ body }` for JSON, `{ form }` for multipart, and
   * the route's `path` and `query`; the client's retries before the first byte) and the stream options
   * of the call. Used by the streaming API areas; you rarely need it.
   */
  openStream(route: Route, payload: StreamPayload, options?: RequestOptions): StreamOpening {
    const { method, path } = this.#route(route, payload);
    const settings = this.#settings(options);
    const { target, request } = this.#request(method, path, payload, settings);
    let last: Response | undefined;
    return {
      source: {
        target,
        start: async (signal: AbortSignal) => {
          last = await send(request, this.#transportOptions(settings, signal));
          return last;
        },
      },
      options: {
        firstByteTimeout: settings.firstByteTimeout,
        idleTimeout: settings.idleTimeout,
        maxEventSize: settings.maxEventSize,
        maxErrorBodyBytes: settings.maxErrorBodyBytes,
        signal: settings.signal,
      },
      response: () => last,
    };
  }

  // ---------------------------------------------------------------- plumbing

  /** Splits and checks a route; fills its `{placeholders}` from `init.path` (each encoded like an id). */
  #route(route: unknown, init: StreamPayload): { method: string; path: string } {
    const space = typeof route === "string" ? route.indexOf(" ") : -1;
    const method = space > 0 ? (route as string).slice(0, space) : "";
    const template = space > 0 ? (route as string).slice(space + 1) : "";
    if (!METHODS.has(method) || !template.startsWith("/")) {
      throw new TypeError(
        `A route is "METHOD /path" as the OpenAPI document names it, e.g. "GET /models" (got ${describeValue(route)}).`,
      );
    }
    const values = init?.path ?? {};
    let path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (!Object.hasOwn(values, name)) {
        throw new TypeError(`call("${route}"): init.path.${name} is required.`);
      }
      // The id's own name, as the API documents it: `response_id is required (a non-empty string; got ...)`.
      return encodeId(values[name], `${name} is required`);
    });
    if (init?.query !== undefined) {
      const text = encodeQuery(init.query, `call("${route}")`);
      if (text) path += `?${text}`;
    }
    return { method, path };
  }

  /** The settings of one call: per-call options over the client's. */
  #settings(options: RequestOptions | undefined): CallSettings {
    return callSettings(this.#defaults, options);
  }

  /**
   * The headers of a request: Authorization (with a key), Content-Type (only with a JSON body; a
   * form's is set by fetch with its boundary), OpenAI-Organization/-Project, the client's headers,
   * then the call's (a `null` removes one). Nothing else: extra headers break CORS on local servers.
   */
  #requestHeaders(contentType: string | undefined, perCall: HeaderMap | undefined): Headers {
    const headers = new Headers();
    const apiKey = readApiKey(this);
    // A key function is asked per attempt by the transport (`../transport/credential.ts`).
    if (typeof apiKey === "string") headers.set(...authHeaderEntry(this.#authHeader, apiKey));
    if (contentType) headers.set("content-type", contentType);
    if (this.config.organization) headers.set("openai-organization", this.config.organization);
    if (this.config.project) headers.set("openai-project", this.config.project);
    this.#headers.forEach((value, name) => {
      headers.set(name, value);
    });
    for (const [name, value] of Object.entries(perCall ?? {})) {
      if (value === null) headers.delete(name);
      else if (value !== undefined) headers.set(name, value);
    }
    return headers;
  }

  /** The request to send (URL, headers, encoded body) and its target for errors. */
  #request(
    method: string,
    path: string,
    init: CallInit,
    settings: CallSettings,
  ): { target: RequestTarget; request: SendInit } {
    const target: RequestTarget = { method, url: this.#url(method, path, init) };
    const json = init.body === undefined ? undefined : JSON.stringify(init.body);
    const headers = this.#requestHeaders(
      json === undefined ? undefined : "application/json",
      settings.headers,
    );
    return { target, request: { ...target, headers, body: json ?? init.form ?? null } };
  }

  /** The absolute URL of a request: `baseURL` + path, unless `config.resolveURL` says otherwise. */
  #url(method: string, path: string, init: CallInit): string {
    const resolve = this.config.resolveURL;
    // What it returns is checked where every URL is: fetch refuses one that is not absolute.
    return resolve
      ? resolve({ method, path, baseURL: this.baseURL, body: init.body, form: init.form })
      : `${this.baseURL}${path}`;
  }

  /** The transport options of one attempt series: the client's fetch, the call's retries and timeout. */
  #transportOptions(settings: CallSettings, signal: AbortSignal | undefined): TransportOptions {
    const apiKey = readApiKey(this);
    return {
      fetch: this.config.fetch,
      retry: retryOptions(settings.maxRetries),
      timeout: settings.timeout,
      signal,
      credential: typeof apiKey === "function" ? { key: apiKey, header: this.#authHeader } : undefined,
    };
  }

  async #send(
    { target, request }: { target: RequestTarget; request: SendInit },
    init: CallInit,
    settings: CallSettings,
  ): Promise<ApiResult<unknown>> {
    const started = Date.now();
    const response = await send(request, this.#transportOptions(settings, settings.signal));
    const ctx = { target, signal: settings.signal, timeout: settings.timeout, started };
    const meta = responseMeta(response);
    if (isSuccess(response.status)) {
      const body = { ...ctx, maxBytes: settings.maxBodyBytes };
      const data =
        init.as === "blob" ? await readBlob(response, body) : decodeBody(await readText(response, body));
      return { ok: true, ...meta, data };
    }
    const errorBody = {
      ...ctx,
      maxBytes: settings.maxErrorBodyBytes,
      kind: "error-body" as const,
      option: "maxErrorBodyBytes",
    };
    const data = decodeBody(await readText(response, errorBody));
    return { ok: false, ...meta, error: normalizeErrorBody(response.status, data), data };
  }
}

/** What every `ApiResult` carries about the response: status, headers and request id. */
export function responseMeta(response: Response): {
  status: number;
  headers: Headers;
  requestId: string | undefined;
} {
  return { status: response.status, headers: response.headers, requestId: requestIdOf(response.headers) };
}

/**
 * The lean client (lua-openai's `openai.new`): configuration and transport, no endpoint methods.
 * Pass it to the area functions (`streamChatCompletion(client, ...)`), to `new ChatSession(client)`,
 * or use `client.call("GET /models")` for any route. `new OpenAI(...)` has every method on one object.
 */
export function createClient(apiKey?: ApiKey, config?: ClientConfig): Client {
  return new Client(apiKey, config);
}
