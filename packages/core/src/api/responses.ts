/**
 * `@oaikit/core/responses`: the Responses API as functions of a client.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { streamResponse } from "@oaikit/core/responses";
 * const stream = streamResponse(createClient(apiKey), "Say hello");
 * for await (const event of stream) if (event.type === "response.output_text.delta") show(event.delta);
 * ```
 *
 * Background responses (`{ background: true }` with a stream) outlive their connection: the stream
 * reconnects by cursor after a cut, `resumeResponse` continues one another page started, and `abort()`
 * cancels the response on the server (the reconnections: `responses-resume.ts`).
 */
import type { Client, StreamOpening } from "../client/client.js";
import { collect } from "../client/collect.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkCallback, checkPresent, modelPayload } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteCallQuery, RouteData } from "../client/routes.js";
import { ResponseStream } from "../stream/response-stream.js";
import type { StreamSource } from "../stream/types.js";
import type { Deleted } from "../types/endpoints.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";
import { describeValue, isRecord } from "../utils/checks.js";
import { ResponseReconnector } from "./responses-resume.js";

export type { ResponseResumePoint, ResponseStreamOptions } from "../stream/response-stream.js";

const ROUTE = "POST /responses";

/** The payload of a Responses call, after checking `input` (lua-openai's assertion text). */
function responsePayload(
  client: Client,
  input: ResponseInput,
  params: ResponseCreateParams | undefined,
): Record<string, unknown> {
  checkPresent(input, "input must be provided: a string or an array of input items.");
  return modelPayload(client, { input }, params);
}

/**
 * `POST /responses`. With `{ stream: true }`, `onEvent` gets every raw event and the result's
 * `data` is the final response object (`response.completed`); use `streamResponse` for an iterator.
 */
export function createResponse(
  client: Client,
  input: ResponseInput,
  params?: ResponseCreateParams,
  onEvent?: (event: ResponseStreamEvent) => void,
  options?: RequestOptions,
): Promise<ApiResult<ResponseObject>> {
  const payload = responsePayload(client, input, params);
  checkCallback(onEvent, "onEvent");
  if (!payload.stream) return client.call<ResponseObject>(ROUTE, callInit(options, { body: payload }));
  const opening = client.openStream(ROUTE, { body: payload }, options);
  return collect(openResponseStream(client, opening, payload, options, onEvent), opening);
}

/**
 * `POST /responses` with `stream: true`, as a `ResponseStream`: iterate its raw events, or await
 * `final()` (the `response.completed` object) or `text()`.
 */
export function streamResponse(
  client: Client,
  input: ResponseInput,
  params?: ResponseCreateParams,
  options?: RequestOptions,
): ResponseStream {
  const payload = responsePayload(client, input, params);
  payload.stream = true;
  const opening = client.openStream(ROUTE, { body: payload }, options);
  return openResponseStream(client, opening, payload, options, undefined);
}

/**
 * The stream of a `POST /responses`. With `background: true` it is resumable: a cut reconnects by
 * cursor (`responses-resume.ts`), and `abort()` also cancels the response on the server.
 *
 * Why the reconnection code is imported statically, though only background streams use it: a dynamic
 * `import()` keeps it out of a Vite/Rollup page's main chunk, but a bundler without code splitting
 * (esbuild's default, as wrangler and bench/size use it) then wraps every module it shares with the
 * rest (the client, the errors, ky) in lazy initialisers, which cost every bundle more than the code
 * itself: about 0.7 kB gzip on a page that only streams chat, measured. Statically imported, a
 * chat-only page does not carry it (nothing it imports refers to it).
 */
function openResponseStream(
  client: Client,
  opening: StreamOpening,
  payload: Record<string, unknown>,
  options: RequestOptions | undefined,
  onEvent: ((event: ResponseStreamEvent) => void) | undefined,
): ResponseStream {
  const stream = new ResponseStream(opening.source, { ...opening.options, onChunk: onEvent });
  if (payload.background === true) makeResumable(opening.source, client, stream, options);
  return stream;
}

/** Options of `resumeResponse`: where to continue from, and the usual per-call options. */
export interface ResumeResponseOptions extends RequestOptions {
  /**
   * The `sequence_number` of the last event already received (a stream's `cursor`): the stream
   * continues after it. Leave it out to stream the response from its first event.
   */
  startingAfter?: number;
  /**
   * The aggregate of the events up to `startingAfter` (`currentSnapshot()` of the stream that read
   * them, as stored), so that `final()` is the whole response. Needs `startingAfter`.
   */
  partial?: ResponseObject;
}

/**
 * Continues a background response's stream that this page did not start (after a reload, in another
 * tab or on another device): `GET /responses/{id}?stream=true&starting_after=N`, with the same
 * reconnections as the stream that started it. Without `partial`, events and `final()` cover what
 * arrives from `startingAfter` on (the terminal event carries the whole response). When the server
 * refuses the cursor (a response created without `stream: true`, events no longer kept), it polls
 * `GET /responses/{id}` until the response ends and delivers it as one terminal event. `abort()`
 * cancels the response on the server.
 *
 * ```ts
 * const stream = resumeResponse(client, saved.responseId, { startingAfter: saved.cursor, partial: saved.partial });
 * for await (const event of stream) if (event.type === "response.output_text.delta") show(event.delta);
 * ```
 */
export function resumeResponse(
  client: Client,
  responseId: string,
  options: ResumeResponseOptions = {},
): ResponseStream {
  if (typeof responseId !== "string" || responseId === "") {
    throw new TypeError(
      `resumeResponse(client, responseId): responseId must be the response's id, a non-empty string (got ${describeValue(responseId)}).`,
    );
  }
  const { startingAfter, partial, ...requestOptions } = callInit(options, {}) as ResumeResponseOptions;
  if (startingAfter !== undefined && !(Number.isSafeInteger(startingAfter) && startingAfter >= 0)) {
    throw new TypeError(
      `resumeResponse: startingAfter must be the sequence_number of the last event received, an integer >= 0 (got ${describeValue(startingAfter)}).`,
    );
  }
  checkPartial(partial, responseId, startingAfter);
  const opening = client.openStream(
    "GET /responses/{response_id}",
    { path: { response_id: responseId }, query: { stream: true, starting_after: startingAfter } },
    requestOptions,
  );
  let stream: ResponseStream | undefined;
  const reconnector = new ResponseReconnector(client, () => stream as ResponseStream, requestOptions);
  const source: StreamSource = {
    target: opening.source.target,
    start: (signal) => reconnector.first(responseId, startingAfter, signal),
  };
  stream = new ResponseStream(source, {
    ...opening.options,
    resumeFrom: { responseId, startingAfter, partial },
  });
  makeResumable(source, client, stream, requestOptions, reconnector);
  return stream;
}

/** A partial aggregate must be a response (of this id) with a list of output items, and come with its cursor. */
function checkPartial(partial: unknown, responseId: string, startingAfter: number | undefined): void {
  if (partial === undefined) return;
  const where = "resumeResponse: partial";
  if (!isRecord(partial)) {
    throw new TypeError(
      `${where} must be a response object, a stream's currentSnapshot() (got ${describeValue(partial)}).`,
    );
  }
  if (partial.output !== undefined && !(Array.isArray(partial.output) && partial.output.every(isRecord))) {
    throw new TypeError(`${where}.output must be a list of output items (objects).`);
  }
  if (typeof partial.id === "string" && partial.id !== "" && partial.id !== responseId) {
    throw new TypeError(`${where} belongs to response ${partial.id}, not to ${responseId}.`);
  }
  if (startingAfter === undefined) {
    throw new TypeError(
      `${where} needs startingAfter (the cursor of the stream it was taken from): without it the stream starts from the first event and would add every event to the partial again.`,
    );
  }
}

/**
 * A background stream's source: a cut reconnects by cursor, and an abort by the user also cancels
 * the response on the server (`POST /responses/{id}/cancel`; a cut connection alone does not: the
 * response goes on and can be resumed). The cancel is sent with the call's headers, retries and
 * timeout, without its (aborted) signal; its outcome is not reported (`cancelResponse` does that).
 */
function makeResumable(
  source: StreamSource,
  client: Client,
  stream: ResponseStream,
  options: RequestOptions | undefined,
  reconnector = new ResponseReconnector(client, () => stream, options),
): void {
  source.resume = (cut) => reconnector.resume(cut);
  source.cancel = () => {
    const id = stream.responseId;
    if (id === undefined) return;
    const { signal: _aborted, ...rest } = options ?? {};
    cancelResponse(client, id, rest).catch(() => {});
  };
}

/** `GET /responses/{id}`: a stored response. */
export function response(
  client: Client,
  responseId: string,
  options?: RequestOptions,
): Promise<ApiResult<ResponseObject>> {
  return client.call<ResponseObject>(
    "GET /responses/{response_id}",
    callInit(options, { path: { response_id: responseId } }),
  );
}

/** `DELETE /responses/{id}`. */
export function deleteResponse(
  client: Client,
  responseId: string,
  options?: RequestOptions,
): Promise<ApiResult<Deleted>> {
  return client.call<Deleted>(
    "DELETE /responses/{response_id}",
    callInit(options, { path: { response_id: responseId } }),
  );
}

/** `POST /responses/{id}/cancel` (no body): cancels a background response. */
export function cancelResponse(
  client: Client,
  responseId: string,
  options?: RequestOptions,
): Promise<ApiResult<ResponseObject>> {
  return client.call<ResponseObject>(
    "POST /responses/{response_id}/cancel",
    callInit(options, { path: { response_id: responseId } }),
  );
}

/**
 * `GET /responses/{id}/input_items`: a page of the items a response was given as input (`query`:
 * `after`, `limit`, `order`). Every page: `paginate(client, "GET /responses/{response_id}/input_items",
 * { path: { response_id } })` from `@oaikit/core/paginate`.
 */
export function responseInputItems(
  client: Client,
  responseId: string,
  query?: RouteCallQuery<"GET /responses/{response_id}/input_items">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /responses/{response_id}/input_items">>> {
  return client.call(
    "GET /responses/{response_id}/input_items",
    callInit(options, { path: { response_id: responseId }, query }),
  );
}
