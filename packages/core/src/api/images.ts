/** `@oaikit/core/images`: image generation as a function of a client. */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, describeValue, mergeDefined } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { ImageGenerateParams, ImagesResponse } from "../types/endpoints.js";

/** `POST /images/generations`: `params` are sent verbatim (undefined keys left out). */
export function imageGeneration(
  client: Client,
  params: ImageGenerateParams,
  options?: RequestOptions,
): Promise<ApiResult<ImagesResponse>> {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(
      `imageGeneration(params): params must be an object such as { model, prompt } (got ${describeValue(params)}).`,
    );
  }
  return client.call<ImagesResponse>(
    "POST /images/generations",
    callInit(options, { body: mergeDefined({}, params) }),
  );
}
