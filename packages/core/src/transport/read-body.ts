/**
 * Reading a response body: the one reader the client, the stream classes and the request builder
 * share. It bounds the read in time (what is left of the call's total timeout) and, for a body read
 * whole, in size; it maps every failure to the transport's typed errors.
 *
 * - Time: the clock starts when the call started (`started`); the timer is armed only when reading
 *   begins and cleared when it ends, whichever way it ends (and it is unref'd: a body nobody reads
 *   never keeps a process alive). When it fires, the body is cancelled and
 *   the read rejects with `TimeoutError` (phase `total`).
 * - Size: a `Content-Length` above the limit fails before reading; otherwise bytes are counted as
 *   they arrive and the body is cancelled as soon as the count passes the limit
 *   (`ResponseTooLargeError`). Nothing above the limit is kept.
 * - Errors: the caller's abort → `RequestAbortedError`; a connection cut mid-body → `ConnectionError`.
 */
import {
  type RequestTarget,
  ResponseTooLargeError,
  type SizeLimitKind,
  TimeoutError,
} from "../errors/errors.js";
import { startTimer, type Timer } from "../utils/timers.js";
import type { SizeLimit, Timeout } from "./limits.js";
import { toTransportError } from "./send.js";

/** The clock and signal of one call, and the size limit of this read. */
export interface BodyReadContext {
  target: RequestTarget;
  /** The caller's signal: when it is aborted, a failed read is a `RequestAbortedError`. */
  signal?: AbortSignal | undefined;
  /** The call's total timeout, or false. */
  timeout?: Timeout | undefined;
  /** `Date.now()` when the call started (the total timeout counts from there). */
  started?: number | undefined;
  /** The size limit of a whole-body read, or false. Ignored by `bodyChunks` (a stream has none). */
  maxBytes?: SizeLimit | undefined;
  /** Which limit `maxBytes` is, for the error. Default `"body"`. */
  kind?: SizeLimitKind | undefined;
  /** The option that sets `maxBytes`, for the error message. Default `"maxBodyBytes"`. */
  option?: string | undefined;
}

/**
 * The body's chunks as they arrive (empty chunks skipped), within what is left of the total timeout.
 * Stopping early (`break`, `return`, an exception in the consumer) cancels the body. A body can be
 * read once; a second call throws a `TypeError`.
 */
export async function* bodyChunks(
  response: Response,
  ctx: BodyReadContext,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (response.bodyUsed || response.body?.locked) {
    throw new TypeError(
      "The response body can be read only once: keep the chunks (or events) from the first pass, or send the request again.",
    );
  }
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  let finished = false;
  let timedOut = false;
  let timer: Timer | undefined;
  const timeout = ctx.timeout;
  if (typeof timeout === "number") {
    const remaining = Math.max(0, timeout - (Date.now() - (ctx.started ?? Date.now())));
    timer = startTimer(() => {
      timedOut = true;
      reader.cancel().catch(() => undefined);
    }, remaining);
  }
  const expired = () => new TimeoutError(ctx.target, "total", timeout as number);
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch (error) {
        finished = true;
        if (timedOut) throw expired();
        throw toTransportError(error, ctx.target, { signal: ctx.signal, timeout });
      }
      if (timedOut) {
        finished = true;
        throw expired();
      }
      if (step.done) {
        finished = true;
        return;
      }
      if (step.value.byteLength > 0) yield step.value;
    }
  } finally {
    clearTimeout(timer);
    // The consumer stopped early (break, return, a throwing callback): release the connection.
    if (!finished) reader.cancel().catch(() => undefined);
  }
}

/** The whole body as bytes, within the total timeout and the size limit (see the module comment). */
export async function readBytes(response: Response, ctx: BodyReadContext): Promise<Uint8Array> {
  const limit = ctx.maxBytes ?? false;
  const tooLarge = () =>
    new ResponseTooLargeError(ctx.target, {
      kind: ctx.kind ?? "body",
      limit: limit as number,
      option: ctx.option ?? "maxBodyBytes",
      status: response.status,
    });
  if (limit !== false) {
    const declared = Number(response.headers.get("content-length") ?? Number.NaN);
    if (declared > limit) {
      response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
  }
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of bodyChunks(response, ctx)) {
    length += part.byteLength;
    if (limit !== false && length > limit) throw tooLarge(); // leaving the loop cancels the body
    parts.push(part);
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const all = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return all;
}

const utf8 = new TextDecoder();

/** The whole body as UTF-8 text (a leading BOM dropped, as `Response.text()` does). */
export async function readText(response: Response, ctx: BodyReadContext): Promise<string> {
  return utf8.decode(await readBytes(response, ctx));
}

/** The whole body as a `Blob` typed with the response's Content-Type (as `Response.blob()` does). */
export async function readBlob(response: Response, ctx: BodyReadContext): Promise<Blob> {
  const bytes = await readBytes(response, ctx);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], {
    type: response.headers.get("content-type") ?? "",
  });
}
