/** Waiting between two calls of a multi-step helper (polling a processing file). */
import { RequestAbortedError, type RequestTarget } from "../errors/errors.js";

/** Resolves after `ms`, or rejects with `RequestAbortedError` (for `target`) when `signal` aborts first. */
export function wait(ms: number, signal: AbortSignal | undefined, target: RequestTarget): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RequestAbortedError(target, { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new RequestAbortedError(target, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The wait the server asks for before the next poll (`openai-poll-after-ms`), else `fallback`. */
export function pollDelay(headers: Headers, fallback: number): number {
  const asked = Number(headers.get("openai-poll-after-ms"));
  return Number.isFinite(asked) && asked > 0 && asked <= 60_000 ? asked : fallback;
}
