/**
 * Every error oaikit throws. One small hierarchy, in the style of ky's errors: each class says what
 * happened and, where it can, what to do about it. Messages name the method and URL of the request,
 * never a header value (the Authorization header is never printed).
 *
 * Bad input is reported with the built-in `TypeError`, at the call that caused it.
 */

/** Base class of every error oaikit throws (except `TypeError` for bad input). */
export class OaikitError extends Error {
  override name = "OaikitError";
}

/** Where a request failed: the method and the URL, for messages and for programmatic use. */
export interface RequestTarget {
  method: string;
  url: string;
}

function describe(target: RequestTarget): string {
  return `${target.method} ${redactUrl(target.url)}`;
}

/** Drops credentials (user:pass@) from a URL before it goes into a message. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

/** The request never got an HTTP response: connection refused or reset, DNS, CORS, TLS. */
export class ConnectionError extends OaikitError {
  override name = "ConnectionError";
  /** When this failure cut a stream: what the stream had aggregated before it (set by the stream classes). */
  partial?: unknown;
  readonly method: string;
  readonly url: string;
  constructor(target: RequestTarget, options?: { cause?: unknown; detail?: string }) {
    const detail = options?.detail ?? (options?.cause instanceof Error ? options.cause.message : undefined);
    super(
      `${describe(target)} failed before a complete response arrived${detail ? `: ${detail}` : ""}. ` +
        "Check that the server is reachable (and, in a browser, that it allows this origin through CORS).",
      { cause: options?.cause },
    );
    this.method = target.method;
    this.url = target.url;
  }
}

/** Which clock ran out: the whole request, the wait for the first byte, or the gap between data events. */
export type TimeoutPhase = "total" | "first-byte" | "idle";

/** A timeout fired. `phase` tells which one; raise the matching option if the server is just slow. */
export class TimeoutError extends OaikitError {
  override name = "TimeoutError";
  /** When this failure cut a stream: what the stream had aggregated before it (set by the stream classes). */
  partial?: unknown;
  readonly method: string;
  readonly url: string;
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;
  constructor(target: RequestTarget, phase: TimeoutPhase, timeoutMs: number, options?: { cause?: unknown }) {
    const what =
      phase === "total"
        ? "did not complete"
        : phase === "first-byte"
          ? "received no response"
          : "received no data";
    const option =
      phase === "total" ? "timeout" : phase === "first-byte" ? "firstByteTimeout" : "idleTimeout";
    super(
      `${describe(target)} ${what} within ${timeoutMs} ms. Raise the \`${option}\` option if the server is slow.`,
      options,
    );
    this.method = target.method;
    this.url = target.url;
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the request (an `AbortSignal`, or `stream.abort()`). */
export class RequestAbortedError extends OaikitError {
  override name = "RequestAbortedError";
  /** When this failure cut a stream: what the stream had aggregated before it (set by the stream classes). */
  partial?: unknown;
  readonly method: string;
  readonly url: string;
  constructor(target: RequestTarget, options?: { cause?: unknown }) {
    super(`${describe(target)} was aborted by the caller.`, options);
    this.method = target.method;
    this.url = target.url;
  }
}

/**
 * The normalised form of every provider's error body (OpenAI, Azure, OpenRouter, Groq, Cloudflare's
 * numeric codes, an HTML 502 page). `raw` keeps the body exactly as it arrived.
 */
export interface ApiErrorBody {
  /** Human-readable message; for a non-JSON body, the start of its text. */
  message: string;
  /** Provider error type (`invalid_request_error`, `server_error`, ...), or null. */
  type: string | null;
  /** Provider error code; a string for OpenAI, sometimes a number (OpenRouter, Cloudflare). */
  code: string | number | null;
  /** The request parameter the error is about, or null. */
  param: string | null;
  /** The HTTP status of the response (for an error inside a 200 stream, the status the error names, else 200). */
  status: number;
  /** Provider extras kept as-is: OpenRouter's `metadata`, Azure's `innererror`, Groq's `failed_generation`. */
  metadata?: Record<string, unknown>;
  /** The decoded JSON body, or the text when the body is not JSON. */
  raw: unknown;
}

/** An HTTP error status, thrown where a call cannot return an `ApiResult` (streams, sessions). */
export class APIError extends OaikitError {
  override name = "APIError";
  readonly status: number;
  readonly error: ApiErrorBody;
  readonly headers: Headers | undefined;
  readonly requestId: string | undefined;
  constructor(error: ApiErrorBody, options?: { headers?: Headers; requestId?: string; cause?: unknown }) {
    super(`${error.status} ${error.message}${error.code != null ? ` (${error.code})` : ""}`, {
      cause: options?.cause,
    });
    this.status = error.status;
    this.error = error;
    this.headers = options?.headers;
    this.requestId = options?.requestId;
  }
}

/** An error reported inside a stream that had started with 200. `partial` is what arrived before it. */
export class StreamError<Partial = unknown> extends OaikitError {
  override name = "StreamError";
  readonly error: ApiErrorBody;
  readonly partial: Partial;
  constructor(error: ApiErrorBody, partial: Partial) {
    super(
      `The stream reported an error: ${error.message}${error.code != null ? ` (${error.code})` : ""}. ` +
        "The partial output is on `error.partial`.",
    );
    this.error = error;
    this.partial = partial;
  }
}

/** The stream ended before its terminator (`[DONE]`, a finish_reason, a terminal Responses event). */
export class StreamTruncatedError<Partial = unknown> extends OaikitError {
  override name = "StreamTruncatedError";
  readonly partial: Partial;
  constructor(detail: string, partial: Partial) {
    super(
      `The stream ended before it was complete (${detail}). The partial output is on \`error.partial\`; ` +
        "retry the request to get the whole reply.",
    );
    this.partial = partial;
  }
}

/** What the two session errors share: the HTTP status (when there was one) and the raw body. */
abstract class SessionError extends OaikitError {
  readonly status: number | undefined;
  readonly raw: unknown;
  constructor(message: string, options: { status?: number; raw: unknown; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.raw = options.raw;
  }
}

/** A ChatSession call failed; the message is lua-openai's text (`Bad status: 400: message (code)`). */
export class ChatSessionError extends SessionError {
  override name = "ChatSessionError";
}

/** A ResponsesChatSession call failed; the message is lua-openai's text (`Request failed with status: N`). */
export class ResponsesSessionError extends SessionError {
  override name = "ResponsesSessionError";
}
