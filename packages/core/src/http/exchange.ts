/**
 * One request of the builder and the reading of its body, under one total timeout. `send()` (ky) owns
 * the timeout up to the response headers; after them, the transport's body reader bounds the read by
 * what is left of it (and a whole-body read by `maxBodyBytes`).
 */
import type { RequestTarget } from "../errors/errors.js";
import type { SizeLimit } from "../transport/limits.js";
import { bodyChunks, readBytes } from "../transport/read-body.js";
import { type SendInit, send, type TransportOptions } from "../transport/send.js";

/** A response whose body is read through `chunks()` (once) or `readAll()`. */
export interface Exchange {
  response: Response;
  target: RequestTarget;
  /** The body's chunks as they arrive (empty chunks skipped); rejects with typed errors. */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
  /** The whole body, up to `maxBodyBytes`. */
  readAll(): Promise<Uint8Array>;
}

/** Sends `init` and returns the response with a body reader bound to the rest of the timeout. */
export async function startExchange(
  init: SendInit,
  options: TransportOptions,
  maxBodyBytes: SizeLimit,
): Promise<Exchange> {
  const target: RequestTarget = { method: init.method, url: init.url };
  const started = Date.now();
  const response = await send(init, options);
  const ctx = { target, signal: options.signal, timeout: options.timeout, started };
  return {
    response,
    target,
    chunks: () => bodyChunks(response, ctx),
    readAll: () => readBytes(response, { ...ctx, maxBytes: maxBodyBytes }),
  };
}
