/**
 * The client's retry policy, expressed as ky `RetryOptions` (the transport hands them to ky): no retry
 * loop of our own. ky decides when to ask (attempts left, method allowed); `shouldRetry` below decides
 * whether, and `delay` how long to wait.
 */
import { isHTTPError, type RetryOptions } from "ky";
import { isRetryableError } from "../errors/error-body.js";

/** First backoff wait, in ms; doubled per retry. */
const INITIAL_DELAY_MS = 500;
/** Longest backoff wait, in ms. */
const MAX_DELAY_MS = 8_000;
/** A server-given wait (`retry-after-ms`, `retry-after`) is honoured up to this; longer ones fall back to backoff. */
const MAX_SERVER_DELAY_MS = 60_000;

/** Every method: LLM calls are POSTs, and the API tells us (x-should-retry) when a retry is unsafe. */
const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const;

/**
 * The wait a response asks for, in ms: `retry-after-ms` (OpenAI's, a number of ms), else `retry-after`
 * (seconds, or an HTTP date). Undefined when absent, unparsable, negative or above one minute.
 */
export function serverRetryDelay(headers: Headers, now = Date.now()): number | undefined {
  let ms: number | undefined;
  const afterMs = headers.get("retry-after-ms");
  if (afterMs !== null && afterMs.trim() !== "" && Number.isFinite(Number(afterMs))) ms = Number(afterMs);
  if (ms === undefined) {
    const after = headers.get("retry-after");
    if (after !== null && after.trim() !== "") {
      const seconds = Number(after);
      if (Number.isFinite(seconds)) ms = seconds * 1000;
      else {
        const date = Date.parse(after);
        if (!Number.isNaN(date)) ms = Math.max(0, date - now);
      }
    }
  }
  return ms !== undefined && ms >= 0 && ms <= MAX_SERVER_DELAY_MS ? ms : undefined;
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... capped at 8 s, each cut by up to 25 %. */
export function backoffDelay(attempt: number, random = Math.random()): number {
  const base = Math.min(INITIAL_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
  return base * (1 - 0.25 * random);
}

/**
 * The ky retry options of one call. `maxRetries` retries (so `maxRetries + 1` attempts) after a
 * connection error, 408, 409, 429 or 5xx; `x-should-retry: true|false` overrides the status; a 429
 * `insufficient_quota` is never retried. A timeout is not retried (the overall timeout covers retries).
 *
 * Each call gets a fresh object: `shouldRetry` stores the server's wait for the `delay` that ky calls
 * right after it.
 */
export function retryOptions(maxRetries: number): RetryOptions {
  let serverDelay: number | undefined;
  return {
    limit: maxRetries,
    methods: [...METHODS],
    // With `shouldRetry` set, ky asks it about every non-2xx; these lists only matter when it abstains.
    statusCodes: [408, 409, 429, 500, 502, 503, 504],
    afterStatusCodes: [],
    retryOnTimeout: false,
    backoffLimit: Number.POSITIVE_INFINITY,
    jitter: undefined,
    shouldRetry: ({ error }) => {
      serverDelay = undefined;
      if (!isHTTPError(error)) return undefined; // ky's default: network errors yes, anything else no
      const { status, headers } = error.response;
      const hint = headers.get("x-should-retry");
      let retry: boolean;
      if (hint === "true") retry = true;
      else if (hint === "false") retry = false;
      else retry = isRetryableError(status, error.data);
      if (retry) serverDelay = serverRetryDelay(headers);
      return retry;
    },
    delay: (attempt) => {
      const wait = serverDelay ?? backoffDelay(attempt);
      serverDelay = undefined;
      return wait;
    },
  };
}
