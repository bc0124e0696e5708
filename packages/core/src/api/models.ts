/** `@oaikit/core/models`: the Models API as functions of a client (list, read, delete a fine-tuned model). */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteData } from "../client/routes.js";
import type { List, Model } from "../types/endpoints.js";

/** `GET /models`. */
export function models(client: Client, options?: RequestOptions): Promise<ApiResult<List<Model>>> {
  return client.call("GET /models", callInit(options, {}));
}

/** `GET /models/{model}`: one model (its id, owner and creation time). */
export function model(client: Client, id: string, options?: RequestOptions): Promise<ApiResult<Model>> {
  return client.call("GET /models/{model}", callInit(options, { path: { model: id } }));
}

/** `DELETE /models/{model}`: deletes a fine-tuned model (your organization must own it). */
export function deleteModel(
  client: Client,
  id: string,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"DELETE /models/{model}">>> {
  return client.call("DELETE /models/{model}", callInit(options, { path: { model: id } }));
}
