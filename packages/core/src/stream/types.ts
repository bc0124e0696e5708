/**
 * The seam between the stream classes and whoever opens the HTTP request (the OpenAI client). The
 * client supplies a `StreamSource`; the stream decides when to call it (lazily, on first use), owns the
 * abort signal it passes in, and turns the `Response` into chunks, an aggregate and typed errors.
 */
import type { RequestTarget } from "../errors/errors.js";

/** Opens the HTTP request of a stream. Supplied by the client; called at most once per stream. */
export interface StreamSource {
  /** Method and URL, for error messages (`POST https://api.openai.com/v1/chat/completions`). */
  target: RequestTarget;
  /**
   * Sends the request and resolves with the `Response` for any HTTP status (the stream checks the
   * status itself). Rejects only with transport errors (`ConnectionError`, `TimeoutError`,
   * `RequestAbortedError`). `signal` aborts when the stream is aborted or a stream timeout fires: pass
   * it to fetch.
   */
  start(signal: AbortSignal): Promise<Response>;
  /**
   * Optional: continues the stream on a new connection after a cut (a connection error, a body that
   * ended before its terminator, a timeout). Resolves with the next `Response` (the same rules as
   * `start`); the stream reads it with a fresh SSE decoder, and its protocol drops the events it
   * delivered already. Rejects to give up: with `cut.error` to fail the stream with the cut itself, or
   * with the error that ended the attempt. Without it, a cut fails the stream. Supplied by the client
   * for Responses background streams (`streamResponse(client, input, { background: true })`).
   */
  resume?(cut: StreamCut): Promise<Response>;
  /**
   * Optional: called once when the stream is aborted by its user (`abort()`, the `signal`, a `break`
   * out of `for await`, a cancelled `toReadableStream()`), after the connection was closed; not when
   * it fails on its own. A background response's source cancels the response on the server here.
   */
  cancel?(reason: unknown): void;
}

/** What `StreamSource.resume` is told about a cut. */
export interface StreamCut {
  /** The typed error the cut would end the stream with (its `partial` is not filled in yet). */
  error: Error;
  /** Aborts when the stream is aborted or fails: pass it to fetch and to any wait. */
  signal: AbortSignal;
}

/**
 * Options of a stream. Timeouts are in milliseconds (1 … 2147483647); leave one out or pass `false` to
 * disable it (the one rule of every timeout option, `transport/limits.ts`).
 */
export interface StreamOptions<Raw = unknown> {
  /**
   * Longest wait from the start of the request to the first data event (keep-alive comments do not
   * count). On expiry: `TimeoutError` with `phase: "first-byte"`. When left out, `idleTimeout` (if set)
   * also bounds this wait; `false` turns it off. The OpenAI client passes its defaults (10 min / 5 min).
   */
  firstByteTimeout?: number | false;
  /**
   * Longest gap between two data events once data has started (keep-alive comments do not count, so a
   * server that only sends `: OPENROUTER PROCESSING` forever still times out). On expiry:
   * `TimeoutError` with `phase: "idle"`. Both timeouts measure the server, not the reader: a consumer
   * that pauses between two reads longer than this gets no timeout while the server keeps sending.
   */
  idleTimeout?: number | false;
  /**
   * Largest server-sent event, in characters (its data plus the line being read). Default 16 Mi;
   * `false` for no limit. Past it: `ResponseTooLargeError` (kind `"event"`) with the partial aggregate.
   */
  maxEventSize?: number | false;
  /**
   * Largest error body (a non-2xx answer) read for the `APIError`, in bytes. Default 1 MiB; `false`
   * for no limit. Past it: `ResponseTooLargeError` (kind `"error-body"`).
   */
  maxErrorBodyBytes?: number | false;
  /** Aborts the stream (→ `RequestAbortedError`, the partial aggregate stays on `currentSnapshot()`). */
  signal?: AbortSignal;
  /**
   * lua-openai's callback form: called with every raw chunk (Chat Completions) or event (Responses),
   * unfiltered, in order, before it is yielded. An exception thrown here ends the stream with it.
   */
  onChunk?: (raw: Raw) => void;
}

/** What arrived with the response head. */
export interface StreamResponseInfo {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** `x-request-id` (or `request-id`), when the server sent one. */
  requestId: string | undefined;
  /** The response's URL (redirects are never followed; empty when the `Response` was built by hand). */
  url: string;
}

/** Why a stream ended; `complete` is the only clean outcome. */
export type StreamEndReason =
  | "complete"
  | "error-event"
  | "truncated"
  | "invalid-json"
  | "invalid-data"
  | "aborted"
  | "timeout"
  | "connection"
  | "http-error"
  | "too-large";

/** Diagnostics about the SSE framing of a finished (or failed) stream, for logs and tests. */
export interface StreamDiagnostics {
  /** Data events received (not counting comments and the `[DONE]` terminator). */
  events: number;
  /** Keep-alive comments received (`: OPENROUTER PROCESSING`). */
  comments: number;
  /** Whether a `[DONE]` terminator was seen (including an undispatched one at EOF, corpus file 27). */
  done: boolean;
  /** Data left undispatched at EOF that was dropped unparsed (a line cut mid-way, corpus file 10). */
  droppedTrailingData: string | undefined;
  /** Lines the SSE parser could not use (unknown fields), kept for debugging. At most 20. */
  ignoredLines: string[];
  /** Why the stream ended; undefined while it runs. */
  endReason: StreamEndReason | undefined;
  /** Connections that continued the stream after a cut (`StreamSource.resume`). */
  reconnects: number;
}
