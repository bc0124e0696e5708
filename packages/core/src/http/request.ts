/**
 * `request(urlOrDetails)` and the immutable `HttpRequest` builder (Astra's `http.request`, DESIGN.md §1).
 * Every setter checks its input, returns a new request and leaves the receiver unchanged.
 */

import {
  type ApiKeyFunction,
  type AuthHeader,
  authHeaderEntry,
  type Credential,
} from "../transport/credential.js";
import {
  checkSizeLimit,
  checkTimeout,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_EVENT_SIZE,
  type SizeLimit,
} from "../transport/limits.js";
import type { Hooks, RetryOptions, SendInit, TransportOptions } from "../transport/send.js";
import { describeValue } from "../utils/checks.js";
import {
  type BodyValue,
  type FileOptions,
  type FormValue,
  type PreparedBody,
  type PreparedFile,
  prepareBody,
  prepareFile,
  prepareForm,
} from "./body.js";
import { type SseEvent, sseEvents } from "./events.js";
import { type Exchange, startExchange } from "./exchange.js";
import { HttpResponse } from "./response.js";
import { checkHeader, checkHeaders, checkMethod, checkSignal, checkUrl } from "./validate.js";

/** A file for the table form: a `File`, or a Blob/bytes with a name (and optional field name and type). */
export type FileDetails = File | ({ data: Blob | Uint8Array | ArrayBuffer } & FileOptions);

/** The table form of `request()`: every field but `url` is optional. */
export interface RequestDetails {
  url: string | URL;
  /** Default `"GET"`. Any valid token; upper-cased. */
  method?: string;
  headers?: Record<string, string> | Headers;
  /** Inferred: string → text, bytes → bytes, plain object or array → JSON (see the body table). */
  body?: BodyValue | null;
  /** An urlencoded form (`application/x-www-form-urlencoded`); with `file`, multipart fields. */
  form?: FormValue;
  /** A file to upload as multipart/form-data. */
  file?: FileDetails;
  signal?: AbortSignal;
  /** Total milliseconds for the request, body included (retries too), at most 2147483647; `false` for none. Default: none. */
  timeout?: number | false;
  /** Largest body `execute()` reads, in bytes; `false` for no limit. Default 128 MiB. */
  maxBodyBytes?: number | false;
  /** Largest server-sent event `events()` accepts, in characters; `false` for no limit. Default 16 Mi. */
  maxEventSize?: number | false;
  /** ky's retry options, or a retry limit. Default 0. */
  retry?: RetryOptions | number;
  /** ky's hooks. */
  hooks?: Hooks;
  /** An injected fetch. Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** A key, or a function that fetches one per attempt (see `setApiKey`). */
  apiKey?: string | ApiKeyFunction;
  /** The header that carries `apiKey`: `"authorization"` (Bearer, the default) or `"api-key"`. */
  authHeader?: AuthHeader;
}

const DETAIL_KEYS = new Set([
  "url",
  "method",
  "headers",
  "body",
  "form",
  "file",
  "signal",
  "timeout",
  "retry",
  "hooks",
  "fetch",
  "maxBodyBytes",
  "maxEventSize",
  "apiKey",
  "authHeader",
]);
const BODILESS = new Set(["GET", "HEAD"]);

interface State {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: PreparedBody | undefined;
  form?: readonly [string, string][] | undefined;
  file?: PreparedFile | undefined;
  signal?: AbortSignal | undefined;
  timeout?: number | false | undefined;
  retry?: RetryOptions | number | undefined;
  hooks?: Hooks | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  maxBodyBytes?: SizeLimit | undefined;
  maxEventSize?: SizeLimit | undefined;
  auth?: { key: string | ApiKeyFunction; header: AuthHeader } | undefined;
}

/** Checks the rules that involve several fields; `where` names the call that broke one. */
function checkCombination(state: State, where: string): void {
  const payload = state.body ? "a body" : state.file ? "a file" : state.form ? "a form" : undefined;
  if (payload && BODILESS.has(state.method)) {
    throw new TypeError(
      `${where}: a ${state.method} request cannot carry ${payload} (fetch forbids it). ` +
        'Set the method first: request(url).setMethod("POST").setBody(...).',
    );
  }
  if (state.body && (state.form || state.file)) {
    throw new TypeError(
      `${where}: a request has either a body (setBody) or a form/file (setForm/setFile), not both. ` +
        "Remove one of them (setBody(null), or build a new request).",
    );
  }
  if (state.file && Object.keys(state.headers).some((name) => name.toLowerCase() === "content-type")) {
    throw new TypeError(
      `${where}: a file upload is multipart/form-data with a boundary that fetch generates; ` +
        "remove your Content-Type header so the boundary is not lost.",
    );
  }
}

/** An HTTP request, immutable: every setter returns a new `HttpRequest`. Nothing is sent before `execute*()`. */
export class HttpRequest {
  readonly #state: State;

  /** @internal Use `request()`. */
  constructor(state: State, where = "request") {
    checkCombination(state, where);
    this.#state = Object.freeze({ ...state });
  }

  /** The method, upper-cased. */
  get method(): string {
    return this.#state.method;
  }

  /** The absolute URL. */
  get url(): string {
    return this.#state.url;
  }

  /** A copy of the headers set on this request (not including the inferred Content-Type). */
  headers(): Record<string, string> {
    return { ...this.#state.headers };
  }

  #with(patch: Partial<State>, where: string): HttpRequest {
    return new HttpRequest({ ...this.#state, ...patch }, where);
  }

  /** Sets the method: any valid RFC 9110 token (custom ones too), upper-cased. */
  setMethod(method: string): HttpRequest {
    return this.#with({ method: checkMethod(method, "setMethod") }, "setMethod");
  }

  /** Sets one header, replacing any header of the same name (case-insensitive). */
  setHeader(name: string, value: string): HttpRequest {
    checkHeader(name, value, "setHeader");
    // A null-prototype record: "__proto__" (a valid header name) is a key like any other, not a setter.
    const headers: Record<string, string> = Object.create(null);
    for (const [key, existing] of Object.entries(this.#state.headers)) {
      if (key.toLowerCase() !== name.toLowerCase()) headers[key] = existing;
    }
    headers[name] = value;
    return this.#with({ headers }, "setHeader");
  }

  /** Replaces all headers. */
  setHeaders(headers: Record<string, string> | Headers): HttpRequest {
    return this.#with({ headers: checkHeaders(headers, "setHeaders") }, "setHeaders");
  }

  /**
   * Sets an urlencoded form (replacing any previous form). With `setFile`, its fields go into the
   * multipart body beside the file. Not combinable with `setBody`.
   */
  setForm(form: FormValue): HttpRequest {
    return this.#with({ form: prepareForm(form, "setForm") }, "setForm");
  }

  /**
   * Sets the body, with its type inferred: a string is text (`text/plain;charset=UTF-8`), bytes
   * (`Uint8Array`, `ArrayBuffer`, array of integers 0..255) are `application/octet-stream`, a Blob is
   * its bytes with its own type, a plain object or any other array is JSON (`application/json`).
   * A Content-Type header of your own wins. `null` removes the body.
   */
  setBody(body: BodyValue | null): HttpRequest {
    return this.#with({ body: body === null ? undefined : prepareBody(body, "setBody") }, "setBody");
  }

  /**
   * Sets a file to upload as multipart/form-data: a `File`, or a Blob or bytes with a name. As in
   * Astra, the field name and the part's filename are the file name (pass `{ fieldName: "file" }`
   * for APIs that want a fixed field). In Node, `fileFromPath()` from `@oaikit/core/node` reads a path.
   */
  setFile(file: Blob | Uint8Array | ArrayBuffer, nameOrOptions?: string | FileOptions): HttpRequest {
    return this.#with({ file: prepareFile(file, nameOrOptions, "setFile") }, "setFile");
  }

  /** Sets the total timeout in milliseconds (headers and body, retries included); `false` for none. */
  setTimeout(timeout: number | false): HttpRequest {
    return this.#with({ timeout: checkTimeout(timeout, "setTimeout: the timeout") }, "setTimeout");
  }

  /**
   * Sets the largest body `execute()` / `executeTask()` read whole, in bytes (default 128 MiB);
   * `false` for no limit. A larger body rejects with `ResponseTooLargeError`.
   */
  setMaxBodyBytes(limit: number | false): HttpRequest {
    return this.#with({ maxBodyBytes: checkSizeLimit(limit, "setMaxBodyBytes") }, "setMaxBodyBytes");
  }

  /**
   * Sets the largest server-sent event `events()` accepts, in characters of its data and of the line
   * being read (default 16 Mi); `false` for no limit. A larger one rejects with `ResponseTooLargeError`.
   */
  setMaxEventSize(limit: number | false): HttpRequest {
    return this.#with({ maxEventSize: checkSizeLimit(limit, "setMaxEventSize") }, "setMaxEventSize");
  }

  /** Sets an AbortSignal; aborting it rejects with `RequestAbortedError`. */
  setSignal(signal: AbortSignal | undefined): HttpRequest {
    return this.#with({ signal: checkSignal(signal, "setSignal") }, "setSignal");
  }

  /**
   * Authenticates the request with a key: a string is sent as `Authorization: Bearer <key>` (or
   * `api-key: <key>` with `header: "api-key"`); a function is asked for the key before each attempt,
   * and after a 401 once more with `{ refresh: true }`, and the request is sent again with the fresh
   * key (one attempt beyond the retry limit). It runs in ky's hooks, before your own hooks. A header
   * of the same name set with `setHeader` wins over it. A string key is a header like any other (no refresh).
   */
  setApiKey(apiKey: string | ApiKeyFunction, header: AuthHeader = "authorization"): HttpRequest {
    return this.#with({ auth: checkAuth(apiKey, header, "setApiKey") }, "setApiKey");
  }

  /** Sets ky's retry options (or a limit). Default 0; ky retries only GET/PUT/HEAD/DELETE/OPTIONS unless `methods` says otherwise. */
  setRetry(retry: RetryOptions | number): HttpRequest {
    if (typeof retry !== "number" && (retry === null || typeof retry !== "object")) {
      throw new TypeError("setRetry: pass a retry limit (a number) or ky's retry options object.");
    }
    return this.#with({ retry }, "setRetry");
  }

  /** The fetch-level request this builder describes (headers with the inferred Content-Type, the body). */
  #init(): SendInit {
    const { url, method, body, form, file, auth } = this.#state;
    // Header by header: fetch's record conversion (`new Headers(record)`) drops a "__proto__" key.
    const headers = new Headers();
    if (typeof auth?.key === "string") headers.set(...authHeaderEntry(auth.header, auth.key));
    for (const [name, value] of Object.entries(this.#state.headers)) headers.set(name, value);
    let payload: BodyInit | undefined;
    if (body) {
      payload = body.payload;
      if (!headers.has("content-type")) headers.set("content-type", body.contentType);
    } else if (file) {
      const data = new FormData();
      for (const [key, value] of form ?? []) data.append(key, value);
      data.append(file.fieldName, file.blob, file.name);
      payload = data; // fetch sets multipart/form-data with its boundary
    } else if (form) {
      payload = new URLSearchParams(form as [string, string][]); // fetch sets the urlencoded type
    }
    return { method, url, headers, body: payload ?? null };
  }

  #options(): TransportOptions {
    const { signal, timeout, retry, hooks, fetch, auth } = this.#state;
    const credential: Credential | undefined =
      typeof auth?.key === "function" ? { key: auth.key, header: auth.header } : undefined;
    return { signal, timeout, retry, hooks, fetch, credential };
  }

  #start(): Promise<Exchange> {
    return startExchange(this.#init(), this.#options(), this.#state.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * Sends the request and reads the whole body. Resolves for every HTTP status (check `status`);
   * rejects with `ConnectionError`, `TimeoutError` or `RequestAbortedError`, with `RedirectError` for a
   * redirect (never followed: your headers never reach another address) and `ResponseTooLargeError`
   * for a body above `maxBodyBytes`.
   */
  async execute(): Promise<HttpResponse> {
    const exchange = await this.#start();
    const bytes = await exchange.readAll();
    return new HttpResponse(exchange.response, bytes, this.#state.method, this.#state.url);
  }

  /**
   * Starts the request, calls `callback(response)` when it has arrived (awaiting it if it returns a
   * promise), and returns the promise of the response. An error thrown by the callback rejects it.
   */
  executeTask(callback: (response: HttpResponse) => unknown): Promise<HttpResponse> {
    if (typeof callback !== "function") throw new TypeError("executeTask: pass a callback function.");
    return this.execute().then(async (response) => {
      await callback(response);
      return response;
    });
  }

  /**
   * Streams the body: calls `callback(chunk)` once per received chunk, in order, awaiting it before the
   * next one. Each `chunk` is an `HttpResponse` with the response's status, headers and URL whose
   * `body()` is that chunk's bytes (raw transport chunks: they may split lines, JSON and UTF-8
   * characters). Unlike Astra there is no initial empty-body call: the returned promise resolves, when
   * the body has ended, to the response head (status, headers, URL; empty body), and that is the end
   * signal. It rejects with `ConnectionError` if the connection breaks mid-body, with the timeout and
   * abort errors, or with the callback's own error (the stream is then cancelled).
   */
  executeStreaming(callback: (chunk: HttpResponse) => unknown): Promise<HttpResponse> {
    if (typeof callback !== "function") throw new TypeError("executeStreaming: pass a callback function.");
    const { method, url } = this.#state;
    return (async () => {
      const exchange = await this.#start();
      for await (const chunk of exchange.chunks()) {
        await callback(new HttpResponse(exchange.response, chunk, method, url));
      }
      return new HttpResponse(exchange.response, new Uint8Array(0), method, url);
    })();
  }

  /**
   * The body as an async iterable of byte chunks: `for await (const chunk of req.stream())`. The
   * request starts on first iteration (or on `response()`). Iterate it once.
   */
  stream(): HttpStream<Uint8Array> {
    return new HttpStream(
      () => this.#start(),
      (chunks) => chunks,
      this.#state,
    );
  }

  /**
   * The body parsed as server-sent events (the streams' own decoder, `SseDecoder`): `{ event?, id?, data }`
   * per event. Check `await events.response()` for the status if the server may answer with an error.
   * An event larger than `maxEventSize` rejects with `ResponseTooLargeError`.
   */
  events(): HttpStream<SseEvent> {
    const { method, url } = this.#state;
    const maxEventSize = this.#state.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    return new HttpStream(
      () => this.#start(),
      (chunks) => sseEvents(chunks, { target: { method, url }, maxEventSize }),
      this.#state,
    );
  }
}

/** A streamed body: async-iterable once; `response()` gives the status and headers. */
export class HttpStream<T> implements AsyncIterable<T> {
  readonly #start: () => Promise<Exchange>;
  readonly #map: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<T>;
  readonly #target: { method: string; url: string };
  #exchange: Promise<Exchange> | undefined;
  #iterated = false;

  /** @internal */
  constructor(
    start: () => Promise<Exchange>,
    map: (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<T>,
    target: { method: string; url: string },
  ) {
    this.#start = start;
    this.#map = map;
    this.#target = { method: target.method, url: target.url };
  }

  #started(): Promise<Exchange> {
    this.#exchange ??= this.#start();
    return this.#exchange;
  }

  /** The response head (status, headers, URL; empty body). Starts the request if it has not started. */
  async response(): Promise<HttpResponse> {
    const exchange = await this.#started();
    return new HttpResponse(exchange.response, new Uint8Array(0), this.#target.method, this.#target.url);
  }

  /** Iterates the body. Rejects with `ConnectionError` on a cut, and with the timeout/abort errors. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated)
      throw new TypeError("This stream has already been iterated; call stream() again for a new request.");
    this.#iterated = true;
    const started = () => this.#started();
    const map = this.#map;
    async function* run(): AsyncGenerator<T, void, undefined> {
      const exchange = await started();
      yield* map(exchange.chunks());
    }
    return run();
  }
}

/**
 * Starts building a request (Astra's `http.request`): a URL string, or the table form
 * `{ url, method, headers, body, form, file, signal, timeout, retry, hooks, fetch }`. Checks every
 * field and throws a `TypeError` for bad input; sends nothing until `execute*()`.
 */
export function request(urlOrDetails: string | URL | RequestDetails): HttpRequest {
  if (typeof urlOrDetails === "string" || urlOrDetails instanceof URL) {
    return new HttpRequest({ url: checkUrl(urlOrDetails, "request"), method: "GET", headers: {} });
  }
  if (urlOrDetails === null || typeof urlOrDetails !== "object" || Array.isArray(urlOrDetails)) {
    throw new TypeError(
      `request: expected a URL string or { url, method, headers, body, ... }, got ${describeValue(urlOrDetails)}.`,
    );
  }
  const details = urlOrDetails;
  const unknown = Object.keys(details).filter((key) => !DETAIL_KEYS.has(key));
  if (unknown.length > 0) {
    throw new TypeError(
      `request: unknown field${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}. ` +
        `Known fields: ${[...DETAIL_KEYS].join(", ")}.`,
    );
  }
  if (details.url === undefined) throw new TypeError('request: the "url" field is required.');
  if (details.fetch !== undefined && typeof details.fetch !== "function") {
    throw new TypeError("request: fetch must be a function (a fetch implementation).");
  }
  if (details.hooks !== undefined && (details.hooks === null || typeof details.hooks !== "object")) {
    throw new TypeError("request: hooks must be ky's hooks object ({ beforeRequest: [...], ... }).");
  }
  let file: PreparedFile | undefined;
  if (details.file !== undefined) {
    const given = details.file;
    file =
      typeof File !== "undefined" && given instanceof File
        ? prepareFile(given, undefined, "request")
        : given !== null && typeof given === "object" && "data" in given
          ? prepareFile(given.data, given, "request")
          : prepareFile(given, undefined, "request");
  }
  const retry = details.retry;
  if (retry !== undefined && typeof retry !== "number" && (retry === null || typeof retry !== "object")) {
    throw new TypeError("request: retry must be a retry limit (a number) or ky's retry options object.");
  }
  return new HttpRequest({
    url: checkUrl(details.url, "request"),
    method: details.method === undefined ? "GET" : checkMethod(details.method, "request"),
    headers: details.headers === undefined ? {} : checkHeaders(details.headers, "request"),
    body:
      details.body === undefined || details.body === null ? undefined : prepareBody(details.body, "request"),
    form: details.form === undefined ? undefined : prepareForm(details.form, "request"),
    file,
    signal: checkSignal(details.signal, "request"),
    timeout: checkTimeout(details.timeout, "request: timeout"),
    maxBodyBytes: checkSizeLimit(details.maxBodyBytes, "request: maxBodyBytes"),
    maxEventSize: checkSizeLimit(details.maxEventSize, "request: maxEventSize"),
    retry,
    hooks: details.hooks,
    fetch: details.fetch,
    auth:
      details.apiKey === undefined
        ? undefined
        : checkAuth(details.apiKey, details.authHeader ?? "authorization", "request"),
  });
}

/** Checks a key (a string fetch can send, or a key function) and its header; the `TypeError` never quotes the key. */
function checkAuth(
  apiKey: unknown,
  header: unknown,
  where: string,
): { key: string | ApiKeyFunction; header: AuthHeader } {
  if (header !== "authorization" && header !== "api-key") {
    throw new TypeError(
      `${where}: the auth header must be "authorization" or "api-key" (got ${describeValue(header)}).`,
    );
  }
  if (typeof apiKey === "function") return { key: apiKey as ApiKeyFunction, header };
  if (typeof apiKey !== "string" || apiKey === "") {
    throw new TypeError(
      `${where}: apiKey must be a non-empty string or a function that returns one (got ${describeValue(apiKey)}).`,
    );
  }
  checkHeader(header, authHeaderEntry(header, apiKey)[1], where);
  return { key: apiKey, header };
}
