/**
 * The one place that calls ky. `send()` turns a method, URL, headers and body into a fetch `Response`,
 * with ky's retries, total timeout and hooks, and maps every failure to the typed errors of
 * `../errors.ts`. It never throws on an HTTP status: a 404 or a 503 is a `Response` like any other.
 * The one exception is a redirect: it is never followed (no configured header ever reaches another
 * address, and a POST never silently becomes a GET) and rejects with `RedirectError`.
 */
import ky, {
  type Hooks,
  isHTTPError,
  isKyError,
  isNetworkError,
  isTimeoutError,
  type RetryOptions,
} from "ky";
import {
  ConnectionError,
  OaikitError,
  RedirectError,
  RequestAbortedError,
  type RequestTarget,
  TimeoutError,
} from "../errors/errors.js";
import { safeCause } from "../errors/redact.js";
import { type Credential, credentialHooks } from "./credential.js";

export type { Hooks, RetryOptions } from "ky";

/** What to send: the request line, the headers and the body, exactly as given (nothing is added). */
export interface SendInit {
  /** The HTTP method, sent as given (custom tokens too). */
  method: string;
  /** The absolute URL. */
  url: string;
  /** The request headers; ky adds none of its own. */
  headers?: HeadersInit;
  /** The request body (fetch's `BodyInit`), or null/undefined for none. */
  body?: BodyInit | null;
}

/** How to send it. Every option is ky's; the defaults differ from ky's (no retry, no timeout). */
export interface TransportOptions {
  /** The fetch implementation to use (an injected transport). Default: `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /**
   * ky's retry options (or a retry limit). Default `0`: no retry. Status-based retries
   * (`statusCodes`, `afterStatusCodes` with `Retry-After`, `shouldRetry`) work although `send()`
   * resolves for every status: the last attempt's response is returned, body intact.
   */
  retry?: RetryOptions | number;
  /**
   * Total milliseconds for the whole attempt chain up to the response headers (ky's `totalTimeout`:
   * all attempts and retry delays). Default `false`: no timeout. ky's 10 s per-attempt default is off.
   */
  timeout?: number | false;
  /** ky's hooks (`beforeRequest`, `beforeRetry`, `afterResponse`, `beforeError`, `init`). */
  hooks?: Hooks;
  /** Aborts the request (and any retry wait); the promise rejects with `RequestAbortedError`. */
  signal?: AbortSignal;
  /**
   * A key fetched per attempt (`./credential.ts`): set on every attempt, and after a 401 fetched afresh
   * for one more attempt, which is granted on top of `retry`'s limit.
   */
  credential?: Credential | undefined;
}

/** ky's own default retry lists, used to decide cheaply whether a status is worth handing to ky. */
const KY_RETRY_METHODS = ["get", "put", "head", "delete", "options", "trace", "query"];
const KY_RETRY_STATUS_CODES = [408, 413, 429, 500, 502, 503, 504];

/** Context for mapping an error thrown while sending or while reading a body. */
export interface TransportErrorContext {
  /** The caller's signal: when it is aborted, the failure is a `RequestAbortedError`. */
  signal?: AbortSignal | undefined;
  /** The total timeout, for the `TimeoutError` message. */
  timeout?: number | false | undefined;
  /** The request's header values: never copied into an error (see `errors/redact.ts`). */
  secrets?: readonly string[] | undefined;
}

/**
 * Sends one request through ky and resolves with the `Response` for every HTTP status but a redirect.
 *
 * Rejects with `RedirectError` for a redirect (never followed), `TimeoutError` (phase `"total"`) when `timeout` ran out, `RequestAbortedError` when
 * `signal` aborted it, and `ConnectionError` when no response arrived (connection refused or reset,
 * DNS, CORS). Errors thrown by the caller's own hooks reach the caller unchanged. Invalid options
 * (a malformed `retry`, an invalid header) reject with the `TypeError` ky or fetch reports.
 */
export async function send(init: SendInit, options: TransportOptions = {}): Promise<Response> {
  const target: RequestTarget = { method: init.method, url: init.url };
  const auth = options.credential ? credentialHooks(options.credential, target) : undefined;
  const retry = options.retry ?? 0;
  const limit = typeof retry === "number" ? retry : (retry.limit ?? 2);
  // The retries allowed so far: the limit, plus the one attempt a 401 grants a fresh key.
  const allowed = () => limit + (auth?.refreshed() ? 1 : 0);
  const methods = typeof retry === "number" ? KY_RETRY_METHODS : (retry.methods ?? KY_RETRY_METHODS);
  const statusCodes =
    typeof retry === "number" ? KY_RETRY_STATUS_CODES : (retry.statusCodes ?? KY_RETRY_STATUS_CODES);
  const customDecision = typeof retry === "object" && retry.shouldRetry !== undefined;
  const methodRetries = methods.map((m) => m.toLowerCase()).includes(init.method.toLowerCase());

  // ky retries on a status only by throwing an HTTPError, and that error consumes the response body.
  // So ky is told to throw only for a non-2xx response it might retry (attempts left, a retriable
  // method, a listed status or a `shouldRetry`), and a clone of that response is kept: if ky then
  // gives up (413 without Retry-After, `shouldRetry` said no, a `beforeRetry` hook stopped), the clone
  // is returned with its body intact. Every other response passes through ky untouched.
  let throwThis = false;
  let kept: Response | undefined;
  const decide: NonNullable<Hooks["afterResponse"]>[number] = ({ response, retryCount }) => {
    void kept?.body?.cancel().catch(() => undefined);
    kept = undefined;
    throwThis =
      !response.ok &&
      !isRedirect(response) &&
      retryCount < allowed() &&
      methodRetries &&
      (customDecision || statusCodes.includes(response.status));
    if (throwThis) kept = response.clone();
  };
  const userFetch = options.fetch;

  // Created outside the try below: bad options (ky's validation, an invalid header or URL for
  // `new Request`) are the caller's mistake and reject with their own TypeError, unmapped.
  const pending = ky(init.url, {
    method: init.method,
    headers: init.headers,
    body: init.body ?? null,
    retry: auth ? withRefreshAttempt(retry, limit, allowed) : retry,
    // Never followed (see `RedirectError`): fetch hands back the redirect, and we refuse it below.
    redirect: "manual",
    timeout: false,
    totalTimeout: options.timeout ?? false,
    throwHttpErrors: () => throwThis,
    hooks: {
      ...options.hooks,
      beforeRequest: [...(auth?.hooks.beforeRequest ?? []), ...(options.hooks?.beforeRequest ?? [])],
      beforeRetry: [...(auth?.hooks.beforeRetry ?? []), ...(options.hooks?.beforeRetry ?? [])],
      afterResponse: [...(auth?.hooks.afterResponse ?? []), ...(options.hooks?.afterResponse ?? []), decide],
    },
    signal: options.signal,
    // Called as a plain function: a browser's `window.fetch` throws "Illegal invocation" when
    // called as a method of ky's options object.
    fetch: userFetch ? (input, requestInit) => userFetch(input, requestInit) : undefined,
  });
  let response: Response;
  try {
    const answer = await pending;
    if (answer instanceof Response) response = answer;
    // A `beforeRetry` hook returned `ky.stop`: the last response we kept is the answer.
    else if (kept) response = kept;
    else throw new ConnectionError(target, { detail: "a beforeRetry hook stopped the retries" });
  } catch (error) {
    if (isHTTPError(error) && kept && kept.status === error.response.status) response = kept;
    else
      throw toTransportError(error, target, {
        signal: options.signal,
        timeout: options.timeout,
        secrets: [...headerValues(init.headers), ...(auth?.secrets ?? [])],
      });
  }
  if (isRedirect(response)) {
    void response.body?.cancel().catch(() => undefined);
    throw new RedirectError(target, { status: response.status, location: response.headers.get("location") });
  }
  return response;
}

/**
 * `retry` with room for the attempt a refreshed key may take: ky's limit one higher, and a
 * `shouldRetry` that keeps every other retry within `limit` until the refresh has happened.
 */
function withRefreshAttempt(
  retry: RetryOptions | number,
  limit: number,
  allowed: () => number,
): RetryOptions {
  const options = typeof retry === "number" ? {} : retry;
  const { shouldRetry } = options;
  return {
    ...options,
    limit: limit + 1,
    shouldRetry: (state) => (state.retryCount > allowed() ? false : shouldRetry?.(state)),
  };
}

/**
 * A redirect fetch would have followed: a 301/302/303/307/308 with a `Location` (Node, Deno, Bun,
 * workerd hand it over with `redirect: "manual"`), or a browser's opaque redirect (status 0).
 */
function isRedirect(response: Response): boolean {
  if (response.type === "opaqueredirect") return true;
  return REDIRECT_STATUSES.has(response.status) && response.headers.has("location");
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Maps an error from ky, fetch or a body read to oaikit's typed errors. Already-typed errors and
 * errors that are neither ky's nor fetch's (for example thrown by a user's hook) are returned as-is.
 */
export function toTransportError(
  error: unknown,
  target: RequestTarget,
  context: TransportErrorContext,
): unknown {
  if (error instanceof OaikitError) return error;
  const redaction = { url: target.url, secrets: context.secrets };
  if (context.signal?.aborted) {
    const reason = context.signal.reason;
    // The caller's own reason is theirs, kept as given; the transport's error only as a safe copy.
    return new RequestAbortedError(target, {
      cause: reason !== undefined ? reason : safeCause(error, redaction),
    });
  }
  if (isTimeoutError(error)) {
    return new TimeoutError(target, "total", typeof context.timeout === "number" ? context.timeout : 0, {
      cause: error,
      redaction,
    });
  }
  if (isNetworkError(error))
    return new ConnectionError(target, { cause: error, detail: causeChain(error.cause), redaction });
  // A raw TypeError is how fetch and body streams report network failures ("fetch failed",
  // "terminated", "network error", "Failed to fetch"); an AbortError nobody asked for is one too.
  if (error instanceof TypeError || isKyError(error) || isAbortError(error)) {
    return new ConnectionError(target, { cause: error, detail: causeChain(error), redaction });
  }
  return error;
}

/** Every header value of a request (but its content type): none may end up in an error. */
function headerValues(headers: HeadersInit | undefined): string[] {
  if (headers === undefined) return [];
  const values: string[] = [];
  new Headers(headers).forEach((value, name) => {
    if (name !== "content-type" && name !== "accept" && name !== "content-length") values.push(value);
  });
  return values;
}

function isAbortError(error: unknown): error is Error {
  return error instanceof Error && error.name === "AbortError";
}

/** "fetch failed (connect ECONNREFUSED 127.0.0.1:1)": the message and its first cause, no headers. */
function causeChain(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = error.cause instanceof Error ? error.cause.message : undefined;
  return inner && inner !== error.message ? `${error.message} (${inner})` : error.message;
}
