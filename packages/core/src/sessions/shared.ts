/** Small helpers shared by the two session classes. */
import { APIError, type ApiErrorBody, RequestAbortedError, StreamTruncatedError } from "../errors/errors.js";
import { isRecord } from "../utils/checks.js";
import type { SessionRequestOptions } from "./client-contract.js";

/** Why a streamed reply ended early, in the observer's terms. */
export type IncompleteReason = "error" | "aborted" | "truncated";

/** Maps the error that ended a stream to the observer's reason. */
export function incompleteReason(error: unknown, signal: AbortSignal | undefined): IncompleteReason {
  if (error instanceof RequestAbortedError || signal?.aborted) return "aborted";
  if (error instanceof StreamTruncatedError) return "truncated";
  return "error";
}

/** Whether the error that ended a reply is a stop (an abort): the session is then ready, not in error. */
export function isStop(error: unknown, signal: AbortSignal | undefined): boolean {
  return incompleteReason(error, signal) === "aborted";
}

/** Checks the `notifyIntervalMs` option (undefined, or a number of ms from 0). */
export function checkInterval(value: unknown, where: string): void {
  if (value !== undefined && (typeof value !== "number" || !(value >= 0) || !Number.isFinite(value))) {
    throw new TypeError(`${where}: opts.notifyIntervalMs must be a number of milliseconds >= 0.`);
  }
}

/**
 * Calls an observer callback. Observers must not throw; if one does, the session's state stays
 * consistent and the error goes to the observer's `onError`, else to `console.error`:
 * never lost, and never an uncaught exception (which would end a Node process or a Worker).
 */
export function notify<A extends unknown[]>(
  observer: { onError?(error: unknown): void } | undefined,
  callback: ((...args: A) => void) | undefined,
  ...args: A
): void {
  if (!callback) return;
  try {
    callback.apply(observer, args);
  } catch (error) {
    reportObserverError(observer, error);
  }
}

function reportObserverError(observer: { onError?(error: unknown): void } | undefined, error: unknown): void {
  try {
    if (observer?.onError) {
      observer.onError(error);
      return;
    }
  } catch (inner) {
    error = inner;
  }
  // Not `reportError` or a rethrow: in Deno and Node an unhandled error ends the process.
  console.error("oaikit: a session observer threw:", error);
}

/** One signal that aborts when any of `signals` does (AbortSignal.any, without relying on it). */
function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
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

/**
 * lua-openai's ChatSession status text: `Bad status: 400`, then `: <error.message>` and ` (<error.code>)`
 * when the body has them (`{ error: { message, code } }`).
 */
export function chatStatusMessage(status: number, body: unknown): string {
  let text = `Bad status: ${status}`;
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.message === "string") {
    text += `: ${error.message}`;
    // lua-openai accepts a string code; numeric codes (OpenRouter, Cloudflare) are shown too.
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

/** The keys that every session's send options have besides API parameters (never sent). */
export interface LocalSendOptions {
  /** Streams the reply and calls this per chunk (lua-openai's name). */
  stream_callback?: unknown;
  /** Same as `stream_callback`. */
  onChunk?: unknown;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** Per-call options for this request. */
  requestOptions?: SessionRequestOptions;
}

/** Keys of send options that are not API parameters. */
export const LOCAL_KEYS: readonly (keyof LocalSendOptions)[] = [
  "stream_callback",
  "onChunk",
  "signal",
  "requestOptions",
];

/**
 * The options of a send-like call: a bare function is the chunk callback (lua-openai's form), an object
 * is checked (its callbacks must be functions). `where` names the call in the TypeError.
 */
export function sendOptions<O extends LocalSendOptions>(
  opts: O | NonNullable<O["stream_callback"]> | undefined,
  where: string,
): O {
  if (typeof opts === "function") return { stream_callback: opts } as O;
  checkOptions(opts, where);
  const options = (opts ?? {}) as O;
  for (const key of ["stream_callback", "onChunk"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") {
      throw new TypeError(`${where}: options.${key} must be a function.`);
    }
  }
  return options;
}

/**
 * The client options of one request: the session's `requestOptions` under the call's, with one signal
 * that aborts when any of `signals` (the stream's, the session's stop), the call or either
 * `requestOptions` does.
 */
export function requestOptionsFor(
  session: SessionRequestOptions | undefined,
  call: LocalSendOptions,
  ...signals: (AbortSignal | undefined)[]
): { signal: AbortSignal | undefined; requestOptions: SessionRequestOptions } {
  const signal = anySignal([...signals, call.signal, call.requestOptions?.signal, session?.signal]);
  const requestOptions: SessionRequestOptions = { ...session, ...call.requestOptions };
  if (signal) requestOptions.signal = signal;
  return { signal, requestOptions };
}

/**
 * Checks a `truncate(length)` call: refused while a `what` ("reply", "response") is being generated,
 * and `length` must be an integer from 0 to `max`. `where` names the method in the TypeError.
 */
export function checkTruncate(where: string, length: number, max: number, busy: boolean, what: string): void {
  if (busy) throw new TypeError(`${where}: a ${what} is being generated; abort it or await it first.`);
  if (!Number.isInteger(length) || length < 0 || length > max) {
    throw new TypeError(
      `${where}(length): length must be an integer from 0 to ${max} (got ${String(length)}).`,
    );
  }
}
