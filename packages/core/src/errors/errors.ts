/**
 * Every error oaikit throws. One small hierarchy, in the style of ky's errors: each class says what
 * happened and, where it can, what to do about it. Messages name the method and URL of the request,
 * never a header value (the Authorization header is never printed).
 *
 * What an error holds, at any depth, is safe to log (`./redact.ts`): the URL without credentials in
 * it (`url` fields and messages), and causes copied down to name, message and code — never the
 * `Request`, its headers or the options that ky's and fetch's own errors carry.
 *
 * Bad input is reported with the built-in `TypeError`, at the call that caused it.
 */
import { type Redaction, redactUrl, safeCause, scrubText } from "./redact.js";

export { redactUrl };

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

/** How a transport error's cause is kept: a safe copy (see `./redact.ts`); oaikit's own errors as they are. */
function keptCause(cause: unknown, redaction: Redaction | undefined): unknown {
  return safeCause(cause, redaction, (error) => error instanceof OaikitError);
}

/** What the transport errors accept besides their target. */
export interface TransportErrorOptions {
  /** What went wrong underneath; kept as a safe copy (name, message, code; never a request or headers). */
  cause?: unknown;
  /** Texts to cut out of the cause and the detail (the request's header values, its raw URL). */
  redaction?: Redaction | undefined;
}

/** The request never got an HTTP response: connection refused or reset, DNS, CORS, TLS. */
export class ConnectionError extends OaikitError {
  override name = "ConnectionError";
  /** When this failure cut a stream: what the stream had aggregated before it (set by the stream classes). */
  partial?: unknown;
  readonly method: string;
  /** The request's URL, without credentials (see `redactUrl`). */
  readonly url: string;
  constructor(target: RequestTarget, options?: TransportErrorOptions & { detail?: string | undefined }) {
    const redaction = { url: target.url, ...options?.redaction };
    const raw = options?.detail ?? (options?.cause instanceof Error ? options.cause.message : undefined);
    const detail = raw === undefined ? undefined : scrubText(raw, redaction);
    super(
      `${describe(target)} failed before a complete response arrived${detail ? `: ${detail}` : ""}. ` +
        "Check that the server is reachable (and, in a browser, that it allows this origin through CORS).",
      { cause: keptCause(options?.cause, redaction) },
    );
    this.method = target.method;
    this.url = redactUrl(target.url);
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
  /** The request's URL, without credentials (see `redactUrl`). */
  readonly url: string;
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;
  constructor(
    target: RequestTarget,
    phase: TimeoutPhase,
    timeoutMs: number,
    options?: TransportErrorOptions,
  ) {
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
      { cause: keptCause(options?.cause, { url: target.url, ...options?.redaction }) },
    );
    this.method = target.method;
    this.url = redactUrl(target.url);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The caller aborted the request (an `AbortSignal`, or `stream.abort()`). Its `cause` is the caller's
 * own abort reason, kept as given; when there is none, a safe copy of the transport's error.
 */
export class RequestAbortedError extends OaikitError {
  override name = "RequestAbortedError";
  /** When this failure cut a stream: what the stream had aggregated before it (set by the stream classes). */
  partial?: unknown;
  readonly method: string;
  /** The request's URL, without credentials (see `redactUrl`). */
  readonly url: string;
  constructor(target: RequestTarget, options?: { cause?: unknown }) {
    super(`${describe(target)} was aborted by the caller.`, options);
    this.method = target.method;
    this.url = redactUrl(target.url);
  }
}

/**
 * The server answered with a redirect (301, 302, 303, 307, 308 with a `Location`, or a browser's
 * opaque redirect). oaikit never follows one: following would send the configured headers (the key,
 * `api-key`, `OpenAI-Organization`, ...) to whatever address the server names, and a 301/302/303
 * would turn a POST into a GET to another URL. Call the final address directly instead.
 */
export class RedirectError extends OaikitError {
  override name = "RedirectError";
  readonly method: string;
  /** The request's URL, without credentials (see `redactUrl`). */
  readonly url: string;
  /** The redirect status; 0 for a browser's opaque redirect (the browser hides status and location). */
  readonly status: number;
  /** Where the server pointed, as an absolute URL without credentials; undefined when the runtime hides it. */
  readonly location: string | undefined;
  constructor(target: RequestTarget, details: { status: number; location?: string | null | undefined }) {
    let location: string | undefined;
    if (details.location) {
      try {
        location = redactUrl(new URL(details.location, target.url).href);
      } catch {
        location = undefined;
      }
    }
    super(
      `${describe(target)} was answered with a redirect${details.status ? ` (${details.status})` : ""} to ` +
        `${location ?? "an address the browser does not reveal"}. oaikit does not follow redirects: that would ` +
        "send your credentials and headers to the new address, or turn the call into another one (a POST into a GET). " +
        "Use the final address directly (as baseURL, or as the request URL).",
    );
    this.method = target.method;
    this.url = redactUrl(target.url);
    this.status = details.status;
    this.location = location;
  }
}

/**
 * The API key function (`apiKey` given as a function) failed: it threw (its error is the `cause`, as
 * thrown), or it returned something that is not a key fetch can send; the attempt that needed the
 * key was not sent. The message never quotes what the function returned.
 */
export class CredentialError extends OaikitError {
  override name = "CredentialError";
  readonly method: string;
  /** The request's URL, without credentials (see `redactUrl`). */
  readonly url: string;
  constructor(target: RequestTarget, what: string, options?: { cause?: unknown }) {
    super(
      `${describe(target)} could not be authenticated: the apiKey function ${what} (the value is not shown here). ` +
        "Make it resolve to the key as a string; its own error, if any, is on `error.cause`.",
      options,
    );
    this.method = target.method;
    this.url = redactUrl(target.url);
  }
}

/** Which size limit a response broke: a body read whole, an error body, or one server-sent event. */
export type SizeLimitKind = "body" | "error-body" | "event";

/**
 * A response was larger than a size limit (`maxBodyBytes`, `maxErrorBodyBytes` or `maxEventSize`);
 * reading stopped there and the connection was released. Raise the option (or pass `false`) if the
 * server is trusted and the answer really is that large.
 */
export class ResponseTooLargeError extends OaikitError {
  override name = "ResponseTooLargeError";
  /** When this failure cut a stream: what the stream had aggregated before it (set by the stream classes). */
  partial?: unknown;
  /** The request's method (undefined when a standalone `SseDecoder` was given no target). */
  readonly method: string | undefined;
  /** The request's URL (undefined when a standalone `SseDecoder` was given no target). */
  readonly url: string | undefined;
  /** The HTTP status of the response whose body was too large. */
  readonly status: number | undefined;
  /** What was too large. */
  readonly kind: SizeLimitKind;
  /** The limit that was exceeded: bytes for a body, characters for an event. */
  readonly limit: number;
  /** The option that sets this limit. */
  readonly option: string;
  constructor(
    target: RequestTarget | undefined,
    details: { kind: SizeLimitKind; limit: number; option: string; status?: number | undefined },
  ) {
    const what =
      details.kind === "event"
        ? `sent a server-sent event larger than ${details.limit} characters`
        : `sent ${details.kind === "error-body" ? "an error body" : "a body"} larger than ${details.limit} bytes`;
    super(
      `${target ? describe(target) : "The server"} ${what}${details.status !== undefined ? ` (status ${details.status})` : ""}; ` +
        `reading stopped. Raise the \`${details.option}\` option (or set it to false) if the server is trusted.`,
    );
    this.method = target?.method;
    this.url = target && redactUrl(target.url);
    this.status = details.status;
    this.kind = details.kind;
    this.limit = details.limit;
    this.option = details.option;
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

/** One problem a schema found in a value: Standard Schema's issue shape (`path` as plain keys). */
export interface SchemaIssue {
  message: string;
  /** Where in the value, outermost key first; absent or empty for the value itself. */
  path?: readonly PropertyKey[];
}

/** `a.b[0]: message; ...` for messages: the first few issues only. */
function describeIssues(issues: readonly SchemaIssue[]): string {
  const shown = issues.slice(0, 3).map((issue) => {
    const path = (issue.path ?? [])
      .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i ? "." : ""}${String(key)}`))
      .join("");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return shown.join("; ") + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : "");
}

/**
 * The model refused to give the structured answer (Chat Completions' `message.refusal`, a Responses
 * `refusal` content part). `refusal` is the model's text, word for word; `raw` the whole answer.
 */
export class RefusalError extends OaikitError {
  override name = "RefusalError";
  /** The model's refusal text, as it came. */
  readonly refusal: string;
  /** The `chat.completion` or `response` object that carried the refusal. */
  readonly raw: unknown;
  constructor(refusal: string, raw: unknown) {
    super(
      "The model refused to answer in the requested format. Its text is on `error.refusal`: show it, " +
        "or rephrase the request.",
    );
    this.refusal = refusal;
    this.raw = raw;
  }
}

/** Why an answer was not usable: cut off, not JSON, or JSON that the schema rejects. */
export type InvalidAnswerReason = "incomplete" | "not-json" | "schema";

/**
 * The model's structured answer (or a tool call's arguments) could not be used: it was cut off
 * (`incomplete`), is not JSON (`not-json`), or does not match the schema (`schema`, with `issues`).
 * `text` is the raw text, word for word; `raw` the whole answer.
 */
export class InvalidAnswerError extends OaikitError {
  override name = "InvalidAnswerError";
  readonly reason: InvalidAnswerReason;
  /** The model's text, as it came. */
  readonly text: string;
  /** What the schema rejected (empty unless `reason` is `"schema"`). */
  readonly issues: readonly SchemaIssue[];
  /** The `chat.completion` or `response` object that carried the answer. */
  readonly raw: unknown;
  constructor(
    reason: InvalidAnswerReason,
    details: { text: string; raw: unknown; issues?: readonly SchemaIssue[]; detail?: string },
  ) {
    const issues = details.issues ?? [];
    const what =
      reason === "incomplete"
        ? `was cut off before it was complete${details.detail ? ` (${details.detail})` : ""}. Raise ` +
          "`max_completion_tokens` (Chat Completions) or `max_output_tokens` (Responses), or ask for less"
        : reason === "not-json"
          ? "is not valid JSON. Check that the server supports JSON-schema response formats (a " +
            "server that ignores them answers in prose), or retry"
          : `does not match the schema: ${describeIssues(issues)}. Keep \`strict\` on (the server then ` +
            "holds the model to the schema), or retry";
    super(`The model's answer ${what}. The raw text is on \`error.text\`.`);
    this.reason = reason;
    this.text = details.text;
    this.issues = issues;
    this.raw = details.raw;
  }
}

/**
 * A tool's `execute` threw while `runTools` ran with `onToolError: "throw"`. The tool's own error is
 * the `cause`; `steps` holds what the run had done before.
 */
export class ToolExecutionError extends OaikitError {
  override name = "ToolExecutionError";
  readonly toolName: string;
  readonly toolCallId: string;
  /** The steps of the run so far (the one whose tool failed included). */
  steps: unknown[] = [];
  constructor(toolName: string, toolCallId: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `The tool \`${toolName}\` failed: ${detail}. Its error is on \`error.cause\`; leave \`onToolError\` ` +
        'at "send" to hand errors back to the model instead.',
      { cause },
    );
    this.toolName = toolName;
    this.toolCallId = toolCallId;
  }
}
