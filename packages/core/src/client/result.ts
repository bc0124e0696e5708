/**
 * `ApiResult<T>`: what every non-streaming client call resolves to. lua-openai returned
 * `status, response, headers` and never raised on an HTTP status; this is the same, as one object.
 */
import { APIError, type ApiErrorBody } from "../errors/errors.js";

/** A 2xx answer: `data` is the decoded JSON body (or the text when the body is not JSON). */
export interface ApiSuccess<T> {
  ok: true;
  status: number;
  data: T;
  headers: Headers;
  /** The `x-request-id` (else `request-id`) response header, when the server sent one. */
  requestId?: string;
}

/** A non-2xx answer: `error` is the normalised error body, `data` the body as it arrived (JSON or text). */
export interface ApiFailure {
  ok: false;
  status: number;
  error: ApiErrorBody;
  data: unknown;
  headers: Headers;
  /** The `x-request-id` (else `request-id`) response header, when the server sent one. */
  requestId?: string;
}

/**
 * The result of a client call. Never thrown for an HTTP status: check `ok`.
 *
 * ```ts
 * const result = await client.models();
 * if (result.ok) console.log(result.data.data.map((m) => m.id));
 * else console.error(result.status, result.error.message);
 * ```
 */
export type ApiResult<T> = ApiSuccess<T> | ApiFailure;

/**
 * Returns `data` of a successful result, or throws the `APIError` of a failed one: for code that
 * prefers exceptions to checking `ok`.
 *
 * ```ts
 * const models = unwrap(await client.models()).data;
 * ```
 */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.ok) return result.data;
  throw new APIError(result.error, { headers: result.headers, requestId: result.requestId });
}
