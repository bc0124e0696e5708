/**
 * Azure OpenAI's content filter, typed. A refused prompt or completion comes back as an error whose body
 * is OpenAI's shape plus Azure's `innererror` (recording 13 of the conformance corpus):
 *
 *   {"error":{"message":"The response was filtered ...","type":null,"param":"prompt","code":"content_filter",
 *    "status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"sexual":
 *    {"filtered":true,"severity":"high"}, ...}}}}
 *
 * `normalizeErrorBody` keeps Azure's extras in `error.metadata` (`innererror`, `status`); `azureContentFilter`
 * reads them back as types. Streams carry the same results on every chunk (`prompt_filter_results`, a
 * choice's `content_filter_results`, recording 12): `AzureChatCompletionChunk` types them.
 */
import type { ApiErrorBody } from "../errors/errors.js";
import type { ChatCompletionChunk } from "../types/chat.js";
import { isRecord } from "../utils/checks.js";

/** How severe the content of a harm category is. */
export type ContentFilterSeverity = "safe" | "low" | "medium" | "high";

/** One category's verdict: filtered or not, with a severity (harm categories) or `detected` (the detectors). */
export interface ContentFilterCategory {
  filtered: boolean;
  severity?: ContentFilterSeverity;
  detected?: boolean;
}

/** The verdicts of one prompt or completion, by category (Azure may add categories: they are kept). */
export interface ContentFilterResults {
  hate?: ContentFilterCategory;
  sexual?: ContentFilterCategory;
  violence?: ContentFilterCategory;
  self_harm?: ContentFilterCategory;
  profanity?: ContentFilterCategory;
  jailbreak?: ContentFilterCategory;
  indirect_attack?: ContentFilterCategory;
  protected_material_text?: ContentFilterCategory;
  protected_material_code?: ContentFilterCategory & { citation?: { URL?: string; license?: string } };
  custom_blocklists?: { filtered: boolean; details?: { id: string; filtered: boolean }[] };
  /** The filter itself failed for this input. */
  error?: { code: string; message: string };
  [category: string]: unknown;
}

/** What a content-filter refusal says, typed. */
export interface AzureContentFilter {
  /** What was filtered: `"prompt"` (your input) or the completion; Azure's `param`. */
  param: string | null;
  /** Azure's inner code: `ResponsibleAIPolicyViolation` and the like. */
  innerCode: string | null;
  /** Every category's verdict. */
  results: ContentFilterResults;
  /** The categories that caused the refusal (`filtered: true`), e.g. `["sexual"]`. */
  filtered: string[];
  /** The error's message. */
  message: string;
}

/**
 * The content-filter details of an Azure error, or `undefined` when it is not a content-filter refusal.
 * Takes the error body (`result.error` of a failed call) or anything that carries one (`APIError`, a
 * failed `ApiResult`).
 *
 * ```ts
 * const filter = azureContentFilter(result.error); // { param: "prompt", filtered: ["sexual"], ... }
 * ```
 */
export function azureContentFilter(
  error: ApiErrorBody | { error: ApiErrorBody } | null | undefined,
): AzureContentFilter | undefined {
  const body = error && "raw" in error ? error : error?.error;
  if (body?.code !== "content_filter") return undefined;
  const inner = body.metadata?.innererror;
  const results = isRecord(inner) && isRecord(inner.content_filter_result) ? inner.content_filter_result : {};
  return {
    param: body.param,
    innerCode: isRecord(inner) && typeof inner.code === "string" ? inner.code : null,
    results: results as ContentFilterResults,
    filtered: Object.keys(results).filter((key) => {
      const verdict = results[key];
      return isRecord(verdict) && verdict.filtered === true;
    }),
    message: body.message,
  };
}

/** A streamed chat chunk from Azure: OpenAI's, plus the filter's verdicts on the prompt and on each choice. */
export type AzureChatCompletionChunk = ChatCompletionChunk & {
  /** On the first chunk (whose `choices` is empty): the verdicts on each prompt. */
  prompt_filter_results?: { prompt_index: number; content_filter_results: ContentFilterResults }[];
  choices: (ChatCompletionChunk["choices"][number] & { content_filter_results?: ContentFilterResults })[];
};
