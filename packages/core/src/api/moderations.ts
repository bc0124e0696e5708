/** `@oaikit/core/moderations`: `POST /moderations` as a function of a client. */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkPresent, mergeDefined } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { ModerationResult } from "../types/endpoints.js";

/** `POST /moderations`. Only `input` and what `params` sets are sent. */
export function moderation(
  client: Client,
  input: string | string[] | Record<string, unknown>[],
  params?: Record<string, unknown>,
  options?: RequestOptions,
): Promise<ApiResult<ModerationResult>> {
  checkPresent(input, "input must be provided");
  const body = mergeDefined({ input } as Record<string, unknown>, params);
  return client.call<ModerationResult>("POST /moderations", callInit(options, { body }));
}
