/** Client-wide and per-call options of the OpenAI client, their checks and their defaults. */

import type { AuthHeader } from "../transport/credential.js";
import {
  checkSizeLimit,
  checkTimeout,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_ERROR_BODY_BYTES,
  DEFAULT_MAX_EVENT_SIZE,
  type SizeLimit,
  type Timeout,
} from "../transport/limits.js";
import { describeValue } from "../utils/checks.js";
import { checkHeaderMap } from "./credentials.js";

export { checkTimeout };

/** What `ClientConfig.resolveURL` is told about a request. */
export interface UrlRequest {
  method: string;
  /** The route's path with its values filled in and its query (`/chat/completions`, `/files/file-1?limit=2`). */
  path: string;
  /** The client's `baseURL`. */
  baseURL: string;
  /** The JSON body, when there is one. */
  body?: unknown;
  /** The multipart body, when there is one. */
  form?: FormData;
}

/** A header map. `null` (per call) removes a header the client would otherwise send. */
export type HeaderMap = Record<string, string | null | undefined>;

/** Options of `new OpenAI(apiKey, config)`. Every field is optional. */
export interface ClientConfig {
  /** API base URL, without a trailing slash. Default: the class's static `baseURL` (`https://api.openai.com/v1`). */
  baseURL?: string;
  /** Model used by chat and Responses calls when the call sets none. Default: the class's static `defaultModel` (`gpt-4.1`). */
  defaultModel?: string;
  /** Headers sent with every request; per-call headers win (case-insensitively). */
  headers?: HeadersInit;
  /** The fetch implementation (an injected transport, lua-openai's `http_provider`). Default: `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Retries after a connection error, 408, 409, 429 or 5xx (POST included). Default 2. */
  maxRetries?: number;
  /**
   * Milliseconds for the whole call: every attempt, the retry waits and reading the body. For a
   * stream it covers everything up to the response headers; the stream timeouts cover the rest.
   * `false` disables it. Default 600 000 (10 minutes). Every timeout is 1 … 2 147 483 647 ms, or `false`.
   */
  timeout?: number | false;
  /**
   * Streams: milliseconds from the request to the first data event (keep-alive comments do not count).
   * `false` disables it. Default 600 000 (10 minutes: a reasoning model may think long before its first token).
   */
  firstByteTimeout?: number | false;
  /**
   * Streams: milliseconds allowed between two data events (keep-alive comments do not count, so a
   * server that only sends `: PROCESSING` forever still times out). `false` disables it. Default 300 000 (5 minutes).
   */
  idleTimeout?: number | false;
  /**
   * Streamed Chat Completions ask for usage (`stream_options: { include_usage: true }`), so
   * `final().usage` is filled without extra code. A call that sets `stream_options` itself wins.
   * Default: the class's static `streamUsage` (true; `Gemini` and the `mistral` preset turn it off,
   * because their servers refuse or ignore the option). Set false for a server that rejects it.
   */
  streamUsage?: boolean;
  /**
   * The header that carries the key: `"authorization"` (`Authorization: Bearer <key>`, the default) or
   * `"api-key"` (`api-key: <key>`: Azure OpenAI's resource keys; `@oaikit/core/azure` sets it).
   */
  authHeader?: AuthHeader;
  /**
   * The URL of each request, for a provider whose paths are not OpenAI's (Azure's deployments form:
   * `@oaikit/core/azure`). Gets the path after `baseURL` as the API names it (query included) and the
   * payload; returns the absolute URL. Default: `baseURL` + path.
   */
  resolveURL?: (request: UrlRequest) => string;
  /** Sent as `OpenAI-Organization` when set. */
  organization?: string;
  /** Sent as `OpenAI-Project` when set. */
  project?: string;
  /**
   * Largest successful body read whole (a JSON answer, a file's content), in bytes. `false` disables
   * it. Default 134 217 728 (128 MiB). A larger body rejects with `ResponseTooLargeError`.
   */
  maxBodyBytes?: number | false;
  /**
   * Largest error body (a non-2xx answer, streams too), in bytes. `false` disables it. Default
   * 1 048 576 (1 MiB). A larger one rejects with `ResponseTooLargeError`.
   */
  maxErrorBodyBytes?: number | false;
  /**
   * Streams: largest server-sent event, in characters (its data plus the line being read). `false`
   * disables it. Default 16 777 216 (16 Mi). A larger one rejects with `ResponseTooLargeError`.
   */
  maxEventSize?: number | false;
}

/**
 * Per-call options: the last argument of every client method. They never go into the JSON payload.
 *
 * ```ts
 * await client.models({ signal: AbortSignal.timeout(5_000), headers: { "X-Trace": "1" } });
 * ```
 */
export interface RequestOptions {
  /** Aborts the call; it rejects with `RequestAbortedError`. */
  signal?: AbortSignal;
  /** Extra headers for this call; they win over the client's. `null` removes a header. */
  headers?: HeaderMap;
  /** Overrides the client's `timeout` for this call. */
  timeout?: number | false;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Overrides the client's `firstByteTimeout` for this stream. */
  firstByteTimeout?: number | false;
  /** Overrides the client's `idleTimeout` for this stream. */
  idleTimeout?: number | false;
  /** Overrides the client's `maxBodyBytes` for this call. */
  maxBodyBytes?: number | false;
  /** Overrides the client's `maxErrorBodyBytes` for this call. */
  maxErrorBodyBytes?: number | false;
  /** Overrides the client's `maxEventSize` for this stream. */
  maxEventSize?: number | false;
}

/** Default overall timeout: 10 minutes, like the official SDKs (LLM calls are slow). */
export const DEFAULT_TIMEOUT_MS = 600_000;
/** Default wait for a stream's first data event: 10 minutes. */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 600_000;
/** Default longest gap between two data events of a stream: 5 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** Default number of retries. */
export const DEFAULT_MAX_RETRIES = 2;

/** Checks a retry count. */
export function checkMaxRetries(value: unknown, where: string): number | undefined {
  if (value === undefined) return value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where} must be a non-negative integer (got ${describeValue(value)}).`);
  }
  return value;
}

/** The client-wide bounds of every call: the checked `ClientConfig` options with their defaults. */
export interface ClientSettings {
  timeout: Timeout;
  maxRetries: number;
  firstByteTimeout: Timeout;
  idleTimeout: Timeout;
  maxBodyBytes: SizeLimit;
  maxErrorBodyBytes: SizeLimit;
  maxEventSize: SizeLimit;
}

/** The resolved settings of one call: per-call options over the client's. */
export interface CallSettings extends ClientSettings {
  signal: AbortSignal | undefined;
  headers: HeaderMap | undefined;
}

/** Checks the bound options of a `ClientConfig` (a `TypeError` naming the option) and fills in the defaults. */
export function clientSettings(config: ClientConfig): ClientSettings {
  return {
    timeout: checkTimeout(config.timeout, "config.timeout") ?? DEFAULT_TIMEOUT_MS,
    maxRetries: checkMaxRetries(config.maxRetries, "config.maxRetries") ?? DEFAULT_MAX_RETRIES,
    firstByteTimeout:
      checkTimeout(config.firstByteTimeout, "config.firstByteTimeout") ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS,
    idleTimeout: checkTimeout(config.idleTimeout, "config.idleTimeout") ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxBodyBytes: checkSizeLimit(config.maxBodyBytes, "config.maxBodyBytes") ?? DEFAULT_MAX_BODY_BYTES,
    maxErrorBodyBytes:
      checkSizeLimit(config.maxErrorBodyBytes, "config.maxErrorBodyBytes") ?? DEFAULT_MAX_ERROR_BODY_BYTES,
    maxEventSize: checkSizeLimit(config.maxEventSize, "config.maxEventSize") ?? DEFAULT_MAX_EVENT_SIZE,
  };
}

/** The settings of one call: the checked per-call options over the client's settings. */
export function callSettings(client: ClientSettings, options: RequestOptions | undefined): CallSettings {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`Request options must be an object (got ${describeValue(options)}).`);
  }
  const o = options ?? {};
  return {
    signal: o.signal,
    headers: checkHeaderMap(o.headers, "options.headers"),
    timeout: checkTimeout(o.timeout, "options.timeout") ?? client.timeout,
    maxRetries: checkMaxRetries(o.maxRetries, "options.maxRetries") ?? client.maxRetries,
    firstByteTimeout: checkTimeout(o.firstByteTimeout, "options.firstByteTimeout") ?? client.firstByteTimeout,
    idleTimeout: checkTimeout(o.idleTimeout, "options.idleTimeout") ?? client.idleTimeout,
    maxBodyBytes: checkSizeLimit(o.maxBodyBytes, "options.maxBodyBytes") ?? client.maxBodyBytes,
    maxErrorBodyBytes:
      checkSizeLimit(o.maxErrorBodyBytes, "options.maxErrorBodyBytes") ?? client.maxErrorBodyBytes,
    maxEventSize: checkSizeLimit(o.maxEventSize, "options.maxEventSize") ?? client.maxEventSize,
  };
}
