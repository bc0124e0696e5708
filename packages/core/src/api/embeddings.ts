/** `@oaikit/core/embeddings`: `POST /embeddings` as a function of a client. */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkPresent, mergeDefined } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { EmbeddingCreateParams, EmbeddingList } from "../types/endpoints.js";

/** `POST /embeddings`. Only `input` and what `params` sets are sent (pass `model`). */
export function embedding(
  client: Client,
  input: EmbeddingCreateParams["input"],
  params?: EmbeddingCreateParams,
  options?: RequestOptions,
): Promise<ApiResult<EmbeddingList>> {
  checkPresent(input, "input must be provided");
  const body = mergeDefined({ input } as Record<string, unknown>, params);
  return client.call<EmbeddingList>("POST /embeddings", callInit(options, { body }));
}
