/**
 * `OpenAI`: lua-openai's client in TypeScript. Every method sends one request through the transport
 * (ky, with the client's retry policy and timeout) and resolves to an `ApiResult` for every HTTP
 * status; transport failures, timeouts, aborts and bad arguments throw typed errors.
 */

import { normalizeErrorBody } from "../errors/error-body.js";
import { APIError, type RequestTarget } from "../errors/errors.js";
import { type ChatDeltaCallback, parseCompletionChunk } from "../stream/chat-delta.js";
import { ChatCompletionStream } from "../stream/chat-stream.js";
import { CompletionStream } from "../stream/completion-stream.js";
import type { EventStream } from "../stream/event-stream.js";
import { ResponseStream } from "../stream/response-stream.js";
import type { StreamOptions, StreamSource } from "../stream/types.js";
import { readBlob, readText } from "../transport/read-body.js";
import { decodeBody, isSuccess, requestIdOf } from "../transport/response-meta.js";
import { retryOptions } from "../transport/retry.js";
import { send, type TransportOptions } from "../transport/send.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatMessage,
} from "../types/chat.js";
import type {
  Completion,
  CompletionCreateParams,
  Deleted,
  EmbeddingCreateParams,
  EmbeddingList,
  FileObject,
  ImageGenerateParams,
  ImagesResponse,
  List,
  Model,
  ModerationResult,
} from "../types/endpoints.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";
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
  checkClientHeaders,
  clientJSON,
  INSPECT,
  inspectClient,
  readApiKey,
  writeApiKey,
} from "./credentials.js";
import {
  checkCallback,
  checkMessages,
  checkPresent,
  describeValue,
  encodeId,
  mergeDefined,
} from "./payload.js";
import type { ApiResult } from "./result.js";
import { type FileInput, toFormData } from "./upload.js";

/** What a request carries: JSON, a multipart form, or nothing. */
type Body = { json: unknown } | { form: FormData } | undefined;

/** How the body of a successful answer is read: decoded (JSON or text), or as a Blob (file content). */
type Decode = "auto" | "blob";

/** Where a stream's source leaves the last `Response` it got, for the callback form's `ApiResult`. */
interface ResponseHolder {
  response?: Response;
}

/**
 * The OpenAI client (and, through `baseURL`, any OpenAI-compatible server).
 *
 * ```ts
 * const client = new OpenAI(apiKey);
 * const result = await client.createChatCompletion([{ role: "user", content: "Hi" }]);
 * if (result.ok) console.log(result.data.choices[0]?.message.content);
 * ```
 */
export class OpenAI {
  /** Default API base of this class; subclasses (Gemini, OpenRouter) override it. */
  static baseURL = "https://api.openai.com/v1";
  /** Default model of this class; subclasses override it. */
  static defaultModel = "gpt-4.1";

  /**
   * The API key; without one, no `Authorization` header is sent (local servers). Checked when set
   * (`./credentials.ts`), and kept outside the object: never serialised, logged or cloned.
   */
  get apiKey(): string | undefined {
    return readApiKey(this);
  }
  set apiKey(value: string | undefined) {
    writeApiKey(this, value, "client.apiKey");
  }
  /** The API base URL of this client (no trailing slash). Mutable, like the seed's `api_base`. */
  baseURL: string;
  /** The model used when a chat or Responses call names none. Mutable, like the seed's `default_model`. */
  defaultModel: string;
  /** The configuration this client was created with (a copy). */
  readonly config: Readonly<ClientConfig>;

  readonly #headers: Headers;
  /** The checked bounds (timeouts, retries, size limits) of every call. */
  readonly #defaults: ClientSettings;

  /**
   * @param apiKey - sent as `Authorization: Bearer <apiKey>`; omit it for servers that need none.
   * @param config - base URL, default model, headers, fetch, retries, timeouts (see `ClientConfig`).
   */
  constructor(apiKey?: string, config: ClientConfig = {}) {
    writeApiKey(
      this,
      apiKey,
      "new OpenAI(apiKey, config)",
      "pass the options as the second argument, e.g. new OpenAI(undefined, { baseURL }).",
    );
    if (typeof config !== "object" || config === null) {
      throw new TypeError(
        `new OpenAI(apiKey, config): config must be an object (got ${describeValue(config)}).`,
      );
    }
    const statics = this.constructor as typeof OpenAI;
    this.config = { ...config };
    this.baseURL = (config.baseURL ?? statics.baseURL).replace(/\/+$/, "");
    this.defaultModel = config.defaultModel ?? statics.defaultModel;
    this.#defaults = clientSettings(config);
    if (config.fetch !== undefined && typeof config.fetch !== "function") {
      throw new TypeError("config.fetch must be a fetch-compatible function.");
    }
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

  // ---------------------------------------------------------------- Responses API

  /**
   * `POST /responses`. With `{ stream: true }`, `onEvent` gets every raw event and the result's
   * `data` is the final response object (`response.completed`); use `streamResponse` for an iterator.
   */
  createResponse(
    input: ResponseInput,
    params?: ResponseCreateParams,
    onEvent?: (event: ResponseStreamEvent) => void,
    options?: RequestOptions,
  ): Promise<ApiResult<ResponseObject>> {
    const payload = this.#responsePayload(input, params);
    checkCallback(onEvent, "onEvent");
    return this.#create(ResponseStream, "/responses", payload, options, onEvent);
  }

  /**
   * `POST /responses` with `stream: true`, as a `ResponseStream`: iterate its raw events, or await
   * `final()` (the `response.completed` object) or `text()`.
   */
  streamResponse(
    input: ResponseInput,
    params?: ResponseCreateParams,
    options?: RequestOptions,
  ): ResponseStream {
    const payload = this.#responsePayload(input, params);
    payload.stream = true;
    return this.#openStream(ResponseStream, "/responses", payload, options, undefined, {});
  }

  /** `GET /responses/{id}`: a stored response. */
  response(responseId: string, options?: RequestOptions): Promise<ApiResult<ResponseObject>> {
    const id = encodeId(responseId, "response_id is required");
    return this.#call("GET", `/responses/${id}`, undefined, options);
  }

  /** `DELETE /responses/{id}`. */
  deleteResponse(responseId: string, options?: RequestOptions): Promise<ApiResult<Deleted>> {
    const id = encodeId(responseId, "response_id is required");
    return this.#call("DELETE", `/responses/${id}`, undefined, options);
  }

  /** `POST /responses/{id}/cancel` (no body): cancels a background response. */
  cancelResponse(responseId: string, options?: RequestOptions): Promise<ApiResult<ResponseObject>> {
    const id = encodeId(responseId, "response_id is required");
    return this.#call("POST", `/responses/${id}/cancel`, undefined, options);
  }

  // ---------------------------------------------------------------- Chat Completions

  /**
   * `POST /chat/completions`. `params` are sent as given (undefined keys left out), over
   * `{ model: defaultModel, messages }`. With `{ stream: true }`, `onChunk` gets every raw chunk and
   * the result's `data` is the aggregated `chat.completion`; use `streamChatCompletion` for an iterator.
   */
  createChatCompletion(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    onChunk?: (chunk: ChatCompletionChunk) => void,
    options?: RequestOptions,
  ): Promise<ApiResult<ChatCompletion>> {
    checkMessages(messages);
    checkCallback(onChunk, "onChunk");
    const payload = this.#modelPayload({ messages }, params);
    return this.#create(ChatCompletionStream, "/chat/completions", payload, options, onChunk);
  }

  /**
   * `POST /chat/completions` with `stream: true`, as a `ChatCompletionStream`: iterate its raw chunks,
   * or await `final()` (the aggregated `chat.completion`) or `text()`.
   */
  streamChatCompletion(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    options?: RequestOptions,
  ): ChatCompletionStream {
    checkMessages(messages);
    const payload = this.#modelPayload({ messages }, params);
    payload.stream = true;
    return this.#openStream(ChatCompletionStream, "/chat/completions", payload, options, undefined, {});
  }

  /**
   * The seed's legacy alias of `createChatCompletion`. When streaming, `onChunk(delta, raw)` fires
   * only for `chat.completion.chunk` objects with exactly one choice; `delta` is
   * `{ content?, index, tool_calls? }` and `String(delta)` is its text.
   *
   * @deprecated Use `createChatCompletion` (raw chunks) or `streamChatCompletion`.
   */
  chat(
    messages: ChatMessage[],
    params?: ChatCompletionCreateParams,
    onChunk?: ChatDeltaCallback,
    options?: RequestOptions,
  ): Promise<ApiResult<ChatCompletion>> {
    checkCallback(onChunk, "onChunk");
    const filtered =
      onChunk &&
      ((raw: ChatCompletionChunk) => {
        const delta = parseCompletionChunk(raw);
        if (delta) onChunk(delta, raw);
      });
    return this.createChatCompletion(messages, params, filtered, options);
  }

  // ---------------------------------------------------------------- Other endpoints

  /**
   * `POST /completions` (legacy). Only `prompt` and what `params` sets are sent: no default model,
   * temperature or max_tokens (pass `model`, most servers require it). With `{ stream: true }`,
   * `data` is the aggregated `text_completion` (use `streamCompletion` for the chunks).
   */
  completion(
    prompt: string | string[],
    params?: CompletionCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResult<Completion>> {
    const payload = promptPayload(prompt, params);
    return this.#create(CompletionStream, "/completions", payload, options, undefined);
  }

  /** `POST /completions` with `stream: true`, as a `CompletionStream` (raw chunks, `final()`, `text()`). */
  streamCompletion(
    prompt: string | string[],
    params?: CompletionCreateParams,
    options?: RequestOptions,
  ): CompletionStream {
    const payload = promptPayload(prompt, params);
    payload.stream = true;
    return this.#openStream(CompletionStream, "/completions", payload, options, undefined, {});
  }

  /** `POST /embeddings`. Only `input` and what `params` sets are sent (pass `model`). */
  embedding(
    input: EmbeddingCreateParams["input"],
    params?: EmbeddingCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResult<EmbeddingList>> {
    checkPresent(input, "input must be provided");
    const payload = mergeDefined({ input } as Record<string, unknown>, params);
    return this.#call("POST", "/embeddings", { json: payload }, options);
  }

  /** `POST /moderations`. Only `input` and what `params` sets are sent. */
  moderation(
    input: string | string[] | Record<string, unknown>[],
    params?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<ApiResult<ModerationResult>> {
    checkPresent(input, "input must be provided");
    const payload = mergeDefined({ input } as Record<string, unknown>, params);
    return this.#call("POST", "/moderations", { json: payload }, options);
  }

  /** `GET /models`. */
  models(options?: RequestOptions): Promise<ApiResult<List<Model>>> {
    return this.#call("GET", "/models", undefined, options);
  }

  /** `GET /files`. */
  files(options?: RequestOptions): Promise<ApiResult<List<FileObject>>> {
    return this.#call("GET", "/files", undefined, options);
  }

  /** `GET /files/{id}`: a file's metadata. */
  file(fileId: string, options?: RequestOptions): Promise<ApiResult<FileObject>> {
    return this.#call("GET", `/files/${encodeId(fileId, "file_id is required")}`, undefined, options);
  }

  /** `DELETE /files/{id}`. */
  deleteFile(fileId: string, options?: RequestOptions): Promise<ApiResult<Deleted>> {
    return this.#call("DELETE", `/files/${encodeId(fileId, "file_id is required")}`, undefined, options);
  }

  /**
   * `GET /files/{id}/content`. On success `data` is a `Blob` (file content may be binary; use
   * `await data.text()` for JSONL); on failure, the decoded error body as usual.
   */
  fileContent(fileId: string, options?: RequestOptions): Promise<ApiResult<Blob>> {
    const id = encodeId(fileId, "file_id is required");
    return this.#call("GET", `/files/${id}/content`, undefined, options, "blob");
  }

  /**
   * `POST /files` (multipart): uploads a `File`, a `Blob` with a name (`{ data, name }`), bytes or a
   * string with a name. `purpose` is the API's (`assistants`, `batch`, `fine-tune`, `user_data`, ...).
   */
  uploadFile(file: FileInput, purpose: string, options?: RequestOptions): Promise<ApiResult<FileObject>> {
    if (typeof purpose !== "string" || purpose === "") {
      throw new TypeError(
        'purpose must be provided, e.g. "assistants", "batch", "fine-tune" or "user_data".',
      );
    }
    return this.#call("POST", "/files", { form: toFormData(file, { purpose }) }, options);
  }

  /** `POST /images/generations`: `params` are sent verbatim (undefined keys left out). */
  imageGeneration(params: ImageGenerateParams, options?: RequestOptions): Promise<ApiResult<ImagesResponse>> {
    if (typeof params !== "object" || params === null || Array.isArray(params)) {
      throw new TypeError(
        `imageGeneration(params): params must be an object such as { model, prompt } (got ${describeValue(params)}).`,
      );
    }
    return this.#call("POST", "/images/generations", { json: mergeDefined({}, params) }, options);
  }

  // ---------------------------------------------------------------- plumbing

  /** `{ model, ...fields }` with the set `params` over it (the client's default model unless overridden). */
  #modelPayload(fields: Record<string, unknown>, params: object | undefined): Record<string, unknown> {
    return mergeDefined({ model: this.defaultModel, ...fields }, params as Record<string, unknown>);
  }

  /** The payload of a Responses call, after checking `input` (the seed's assertion text). */
  #responsePayload(input: ResponseInput, params: ResponseCreateParams | undefined): Record<string, unknown> {
    checkPresent(input, "input must be provided: a string or an array of input items.");
    return this.#modelPayload({ input }, params);
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
    if (apiKey) headers.set("authorization", `Bearer ${apiKey}`);
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

  /** The transport options of one attempt series: the client's fetch, the call's retries and timeout. */
  /** The request to send (URL, headers, encoded body) and its target for errors. */
  #request(method: string, path: string, body: Body, settings: CallSettings) {
    const target: RequestTarget = { method, url: `${this.baseURL}${path}` };
    const json = body && "json" in body ? JSON.stringify(body.json) : undefined;
    const headers = this.#requestHeaders(
      json === undefined ? undefined : "application/json",
      settings.headers,
    );
    return {
      target,
      request: { ...target, headers, body: json ?? (body && "form" in body ? body.form : null) },
    };
  }

  #transportOptions(settings: CallSettings, signal: AbortSignal | undefined): TransportOptions {
    return {
      fetch: this.config.fetch,
      retry: retryOptions(settings.maxRetries),
      timeout: settings.timeout,
      signal,
    };
  }

  /** Sends one JSON/form/bodiless request and turns the answer into an `ApiResult`. */
  #call<T>(
    method: string,
    path: string,
    body: Body,
    options: RequestOptions | undefined,
    decode: Decode = "auto",
  ): Promise<ApiResult<T>> {
    // Settled before anything async, so a bad option throws at the call, like every other bad input.
    return this.#send(method, path, body, this.#settings(options), decode);
  }

  async #send<T>(
    method: string,
    path: string,
    body: Body,
    settings: CallSettings,
    decode: Decode,
  ): Promise<ApiResult<T>> {
    const { target, request } = this.#request(method, path, body, settings);
    const started = Date.now();
    const response = await send(request, this.#transportOptions(settings, settings.signal));
    const ctx = { target, signal: settings.signal, timeout: settings.timeout, started };
    const meta = responseMeta(response);
    if (isSuccess(response.status)) {
      const body = { ...ctx, maxBytes: settings.maxBodyBytes };
      const data =
        decode === "blob" ? await readBlob(response, body) : decodeBody(await readText(response, body));
      return { ok: true, ...meta, data: data as T };
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

  /** The source of a stream: POST `payload` to `path`, with the client's retries before the first byte. */
  #streamSource(
    path: string,
    payload: Record<string, unknown>,
    settings: CallSettings,
    holder: ResponseHolder,
  ): StreamSource {
    const { target, request } = this.#request("POST", path, { json: payload }, settings);
    return {
      target,
      start: async (signal: AbortSignal) => {
        const response = await send(request, this.#transportOptions(settings, signal));
        holder.response = response;
        return response;
      },
    };
  }

  /**
   * `POST path` with `payload`: as one JSON call, or, when `payload.stream` is set, as a stream of
   * `Stream`'s kind run to its end (`onChunk` per raw chunk, the aggregate as `data`).
   */
  #create<Raw, T>(
    Stream: new (source: StreamSource, options: StreamOptions<Raw>) => EventStream<Raw, T>,
    path: string,
    payload: Record<string, unknown>,
    options: RequestOptions | undefined,
    onChunk: ((raw: Raw) => void) | undefined,
  ): Promise<ApiResult<T>> {
    if (!payload.stream) return this.#call("POST", path, { json: payload }, options);
    const holder: ResponseHolder = {};
    return this.#collect(this.#openStream(Stream, path, payload, options, onChunk, holder), holder);
  }

  /** A stream of `Stream`'s kind on `path`, with the call's stream timeouts and signal. */
  #openStream<Raw, S>(
    Stream: new (source: StreamSource, options: StreamOptions<Raw>) => S,
    path: string,
    payload: Record<string, unknown>,
    options: RequestOptions | undefined,
    onChunk: ((raw: Raw) => void) | undefined,
    holder: ResponseHolder,
  ): S {
    const settings = this.#settings(options);
    return new Stream(this.#streamSource(path, payload, settings, holder), {
      firstByteTimeout: settings.firstByteTimeout,
      idleTimeout: settings.idleTimeout,
      maxEventSize: settings.maxEventSize,
      maxErrorBodyBytes: settings.maxErrorBodyBytes,
      signal: settings.signal,
      onChunk,
    });
  }

  /**
   * The callback form of a stream: runs it to the end and resolves to an `ApiResult` whose `data` is
   * the aggregate. A non-2xx answer is `{ ok: false }`; an error inside the stream or a truncation
   * throws (`StreamError` / `StreamTruncatedError`, with `.partial`).
   */
  async #collect<Raw, T>(stream: EventStream<Raw, T>, holder: ResponseHolder): Promise<ApiResult<T>> {
    try {
      const data = await stream.final();
      return { ok: true, ...responseMeta(holder.response as Response), data };
    } catch (error) {
      if (!(error instanceof APIError)) throw error;
      const headers = error.headers ?? holder.response?.headers ?? new Headers();
      return {
        ok: false,
        status: error.status,
        error: error.error,
        data: error.error.raw,
        headers,
        requestId: error.requestId ?? requestIdOf(headers),
      };
    }
  }
}

/** The payload of a legacy completion call, after checking `prompt`. */
function promptPayload(prompt: unknown, params: CompletionCreateParams | undefined): Record<string, unknown> {
  checkPresent(prompt, "prompt must be provided: a string or an array of strings.");
  return mergeDefined({ prompt }, params as Record<string, unknown>);
}

/** What every `ApiResult` carries about the response: status, headers and request id. */
function responseMeta(response: Response): {
  status: number;
  headers: Headers;
  requestId: string | undefined;
} {
  return { status: response.status, headers: response.headers, requestId: requestIdOf(response.headers) };
}

/** `createClient(apiKey, config)` is `new OpenAI(apiKey, config)` (the seed's `openai.new`). */
export function createClient(apiKey?: string, config?: ClientConfig): OpenAI {
  return new OpenAI(apiKey, config);
}
