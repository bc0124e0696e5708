/**
 * The callback form of a stream (lua-openai's `stream: true` with a callback): runs the stream to its
 * end and resolves to an `ApiResult` whose `data` is the aggregate. A non-2xx answer is
 * `{ ok: false }`; an error inside the stream or a truncation throws (`StreamError` /
 * `StreamTruncatedError`, with `.partial`).
 */
import { APIError } from "../errors/errors.js";
import type { EventStream } from "../stream/event-stream.js";
import { requestIdOf } from "../transport/response-meta.js";
import { responseMeta, type StreamOpening } from "./client.js";
import type { ApiResult } from "./result.js";

export async function collect<Raw, T>(
  stream: EventStream<Raw, T>,
  opening: StreamOpening,
): Promise<ApiResult<T>> {
  try {
    const data = await stream.final();
    return { ok: true, ...responseMeta(opening.response() as Response), data };
  } catch (error) {
    if (!(error instanceof APIError)) throw error;
    const headers = error.headers ?? opening.response()?.headers ?? new Headers();
    return {
      ok: false,
      status: error.status,
      error: error.error,
      data: error.error.raw,
      headers,
      requestId: error.requestId ?? requestIdOf(headers),
    };
  }
}
