/** Small helpers shared by the two session classes. */
import { APIError, type ApiErrorBody, RequestAbortedError, StreamTruncatedError } from "../errors.js";

/** Why a streamed reply ended early, in the observer's terms. */
export type IncompleteReason = "error" | "aborted" | "truncated";

/** Maps the error that ended a stream to the observer's reason. */
export function incompleteReason(error: unknown, signal: AbortSignal | undefined): IncompleteReason {
  if (error instanceof RequestAbortedError || signal?.aborted) return "aborted";
  if (error instanceof StreamTruncatedError) return "truncated";
  return "error";
}

/**
 * Calls an observer callback. Observers must not throw; if one does, the session's state stays
 * consistent and the error is reported asynchronously (as an uncaught error) instead of being lost.
 */
export function notify<A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A): void {
  if (!callback) return;
  try {
    callback(...args);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** One signal that aborts when any of `signals` does (AbortSignal.any, without relying on it). */
export function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  const controller = new AbortController();
  for (const signal of present) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Copies `source`'s keys onto `target`, skipping undefined values and the keys in `skip`. */
export function assignDefined(
  target: Record<string, unknown>,
  source: Record<string, unknown> | undefined,
  skip: readonly string[] = [],
): Record<string, unknown> {
  if (!source) return target;
  for (const [key, value] of Object.entries(source)) {
    if (value !== undefined && !skip.includes(key)) target[key] = value;
  }
  return target;
}

/** An `APIError` for a failed `ApiResult`, kept as the `cause` of the session's error. */
export function apiErrorOf(error: ApiErrorBody, headers: Headers, requestId: string | undefined): APIError {
  return new APIError(error, { headers, requestId });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The seed's ChatSession status text: `Bad status: 400`, then `: <error.message>` and ` (<error.code>)`
 * when the body has them (`{ error: { message, code } }`).
 */
export function chatStatusMessage(status: number, body: unknown): string {
  let text = `Bad status: ${status}`;
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.message === "string") {
    text += `: ${error.message}`;
    // The seed accepts a string code; numeric codes (OpenRouter, Cloudflare) are shown too.
    if (typeof error.code === "string" || typeof error.code === "number") text += ` (${error.code})`;
  }
  return text;
}

/** Checks that `value` is an object of options (or undefined); `where` names the call. */
export function checkOptions(value: unknown, where: string): void {
  if (value !== undefined && value !== null && !isRecord(value)) {
    throw new TypeError(`${where}: options must be an object (or a chunk callback function).`);
  }
}
