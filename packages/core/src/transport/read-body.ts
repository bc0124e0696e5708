/** Reading a response body within what is left of the call's overall timeout. */
import { type RequestTarget, TimeoutError } from "../errors/errors.js";
import { toTransportError } from "./send.js";

/** The clock and signal of one call. */
export interface ReadContext {
  target: RequestTarget;
  signal: AbortSignal | undefined;
  /** The overall timeout of the call, or false. */
  timeout: number | false;
  /** `Date.now()` when the call started. */
  started: number;
}

/**
 * Runs `read` (a body read of `response`) and rejects with a `TimeoutError` (phase `total`) if the
 * call's overall timeout runs out first (the body is then cancelled), with `RequestAbortedError`
 * when the signal aborts it, and with `ConnectionError` when the connection drops mid-body.
 */
export async function readWithin<T>(
  response: Response,
  read: () => Promise<T>,
  ctx: ReadContext,
): Promise<T> {
  const timedOut = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    if (ctx.timeout === false) return await read();
    const remaining = ctx.timeout - (Date.now() - ctx.started);
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          timedOut.abort();
          response.body?.cancel().catch(() => undefined);
          reject(new TimeoutError(ctx.target, "total", ctx.timeout as number));
        },
        Math.max(0, remaining),
      );
    });
    return await Promise.race([read(), expired]);
  } catch (error) {
    throw toTransportError(error, ctx.target, {
      signal: ctx.signal,
      timeoutSignal: timedOut.signal,
      timeout: ctx.timeout,
    });
  } finally {
    clearTimeout(timer);
  }
}
