/** Client-wide and per-call options of the OpenAI client. */

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
   * `false` disables it. Default 600 000 (10 minutes).
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
  /** Sent as `OpenAI-Organization` when set. */
  organization?: string;
  /** Sent as `OpenAI-Project` when set. */
  project?: string;
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
}

/** Default overall timeout: 10 minutes, like the official SDKs (LLM calls are slow). */
export const DEFAULT_TIMEOUT_MS = 600_000;
/** Default wait for a stream's first data event: 10 minutes. */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 600_000;
/** Default longest gap between two data events of a stream: 5 minutes. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** Default number of retries. */
export const DEFAULT_MAX_RETRIES = 2;

/** Checks a timeout option; `where` names it in the message. */
export function checkTimeout(value: unknown, where: string): number | false | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(
      `${where} must be a positive number of milliseconds or false (got ${String(value)}).`,
    );
  }
  return value;
}

/** Checks a retry count. */
export function checkMaxRetries(value: unknown, where: string): number | undefined {
  if (value === undefined) return value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${where} must be a non-negative integer (got ${String(value)}).`);
  }
  return value;
}
