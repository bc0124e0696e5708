/**
 * `@oaikit/core/responses`: the Responses API as functions of a client.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { streamResponse } from "@oaikit/core/responses";
 * const stream = streamResponse(createClient(apiKey), "Say hello");
 * for await (const event of stream) if (event.type === "response.output_text.delta") show(event.delta);
 * ```
 */
import type { Client } from "../client/client.js";
import { collect } from "../client/collect.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkCallback, checkPresent, modelPayload } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteCallQuery, RouteData } from "../client/routes.js";
import { ResponseStream } from "../stream/response-stream.js";
import type { Deleted } from "../types/endpoints.js";
import type {
  ResponseCreateParams,
  ResponseInput,
  ResponseObject,
  ResponseStreamEvent,
} from "../types/responses.js";

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
  return collect(new ResponseStream(opening.source, { ...opening.options, onChunk: onEvent }), opening);
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
  return new ResponseStream(opening.source, opening.options);
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
