/**
 * One request and the reading of its body, under one total timeout. `send()` (ky) owns the timeout
 * up to the response headers; after them, what is left of the budget bounds the body read, by
 * aborting the fetch's signal. Body-read failures are mapped to the same typed errors as `send()`'s.
 */
import type { RequestTarget } from "../errors/errors.js";
import { type SendInit, send, type TransportOptions, toTransportError } from "../transport/send.js";

/** A response whose body is read through `chunks()` (once) or `readAll()`. */
export interface Exchange {
  response: Response;
  target: RequestTarget;
  /** The body's chunks as they arrive (empty chunks skipped); rejects with typed errors. */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
  /** The whole body. */
  readAll(): Promise<Uint8Array>;
}

const now = () => globalThis.performance?.now() ?? Date.now();

/** Sends `init` and returns the response with a body reader bound to the rest of the timeout. */
export async function startExchange(init: SendInit, options: TransportOptions): Promise<Exchange> {
  const target: RequestTarget = { method: init.method, url: init.url };
  const started = now();
  const timeout = options.timeout;
  const deadline = typeof timeout === "number" ? new AbortController() : undefined;
  const signal =
    deadline && options.signal
      ? AbortSignal.any([options.signal, deadline.signal])
      : (deadline?.signal ?? options.signal);
  const response = await send(init, { ...options, signal });

  let timer: ReturnType<typeof setTimeout> | undefined;
  if (deadline && typeof timeout === "number") {
    const remaining = Math.max(0, timeout - (now() - started));
    timer = setTimeout(() => deadline.abort(), remaining);
  }
  const context = { signal: options.signal, timeoutSignal: deadline?.signal, timeout };
  let taken = false;

  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    if (taken)
      throw new TypeError(
        "The response body can be read only once: keep the chunks (or events) from the first pass, or send the request again.",
      );
    taken = true;
    const reader = response.body?.getReader();
    let finished = false;
    try {
      if (!reader) {
        finished = true;
        return;
      }
      for (;;) {
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch (error) {
          finished = true;
          throw toTransportError(error, target, context);
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
      if (!finished) void reader?.cancel().catch(() => undefined);
    }
  }

  async function readAll(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let length = 0;
    for await (const part of chunks()) {
      parts.push(part);
      length += part.byteLength;
    }
    const all = new Uint8Array(length);
    let offset = 0;
    for (const part of parts) {
      all.set(part, offset);
      offset += part.byteLength;
    }
    return all;
  }

  return { response, target, chunks, readAll };
}
