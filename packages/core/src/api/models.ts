/** `@oaikit/core/models`: `GET /models` as a function of a client. */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { List, Model } from "../types/endpoints.js";

/** `GET /models`. */
export function models(client: Client, options?: RequestOptions): Promise<ApiResult<List<Model>>> {
  return client.call("GET /models", callInit(options, {}));
}
