/** `@oaikit/core/completions`: the legacy Completions API (`POST /completions`) as functions of a client. */
import type { Client } from "../client/client.js";
import { collect } from "../client/collect.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkPresent, mergeDefined } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import { CompletionStream } from "../stream/completion-stream.js";
import type { Completion, CompletionCreateParams } from "../types/endpoints.js";

const ROUTE = "POST /completions";

/** The payload of a legacy completion call, after checking `prompt`. */
function promptPayload(prompt: unknown, params: CompletionCreateParams | undefined): Record<string, unknown> {
  checkPresent(prompt, "prompt must be provided: a string or an array of strings.");
  return mergeDefined({ prompt }, params as Record<string, unknown>);
}

/**
 * `POST /completions` (legacy). Only `prompt` and what `params` sets are sent: no default model,
 * temperature or max_tokens (pass `model`, most servers require it). With `{ stream: true }`,
 * `data` is the aggregated `text_completion` (use `streamCompletion` for the chunks).
 */
export function completion(
  client: Client,
  prompt: string | string[],
  params?: CompletionCreateParams,
  options?: RequestOptions,
): Promise<ApiResult<Completion>> {
  const payload = promptPayload(prompt, params);
  if (!payload.stream) return client.call<Completion>(ROUTE, callInit(options, { body: payload }));
  const opening = client.openStream(ROUTE, { body: payload }, options);
  return collect(new CompletionStream(opening.source, opening.options), opening);
}

/** `POST /completions` with `stream: true`, as a `CompletionStream` (raw chunks, `final()`, `text()`). */
export function streamCompletion(
  client: Client,
  prompt: string | string[],
  params?: CompletionCreateParams,
  options?: RequestOptions,
): CompletionStream {
  const payload = promptPayload(prompt, params);
  payload.stream = true;
  const opening = client.openStream(ROUTE, { body: payload }, options);
  return new CompletionStream(opening.source, opening.options);
}
