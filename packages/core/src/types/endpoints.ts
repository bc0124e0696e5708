/**
 * Types of the smaller endpoints: legacy completions, embeddings, moderations, models, files, images.
 * Most are the generated types of OpenAI's OpenAPI document (`./openapi.ts`); the few kept by hand say
 * what the document gets wrong.
 */
import type { components } from "./openapi.js";

type Schemas = components["schemas"];

/**
 * Parameters an OpenAI-compatible server accepts beyond OpenAI's (OpenRouter's `provider`, vLLM's
 * `top_k`): every `params` object takes them, typed `unknown`.
 */
export interface ProviderParams {
  [extra: string]: unknown;
}

/** Legacy `/completions` request: the document's fields, each optional (pass `model`), plus a provider's own. */
export type CompletionCreateParams = Partial<Schemas["CreateCompletionRequest"]> & ProviderParams;

/**
 * Legacy `/completions` response, and the aggregate of a streamed one. Kept by hand: the document's
 * `CreateCompletionResponse` requires `logprobs` and a non-null `finish_reason` per choice, which a
 * streamed aggregate (and its partial, after a cut) does not have; compatible servers add fields.
 */
export interface Completion {
  id: string;
  object: "text_completion" | (string & {});
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: string | null; [extra: string]: unknown }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  [extra: string]: unknown;
}

/** `/embeddings` request: the document's fields, each optional (pass `model`), plus a provider's own. */
export type EmbeddingCreateParams = Partial<Schemas["CreateEmbeddingRequest"]> & ProviderParams;

/** `/embeddings` response (the document's `CreateEmbeddingResponse`). */
export type EmbeddingList = Schemas["CreateEmbeddingResponse"];

/** `/moderations` request parameters besides `input`: the document's, plus a provider's own. */
export type ModerationCreateParams = Partial<Schemas["CreateModerationRequest"]> & ProviderParams;

/** `/moderations` response (the document's `CreateModerationResponse`). */
export type ModerationResult = Schemas["CreateModerationResponse"];

/** A model of `/models` (the document's `Model`). */
export type Model = Schemas["Model"];

/**
 * A page of a list (`/models`, `/files`, `/batches`, ...). Kept by hand as one generic shape: the
 * document has a schema per list, and only the cursor-paginated ones have `has_more` and `last_id`.
 */
export interface List<T> {
  object: "list" | (string & {});
  data: T[];
  has_more?: boolean;
  first_id?: string | null;
  last_id?: string | null;
  [extra: string]: unknown;
}

/** A file object of `/files` (the document's `OpenAIFile`). */
export type FileObject = Schemas["OpenAIFile"];

/**
 * The answer of a DELETE (`/files/{id}`, `/models/{model}`, `/responses/{id}`, ...). Kept by hand: the
 * document gives `DELETE /responses/{response_id}` no body at all, and the other deletes one schema each.
 */
export interface Deleted {
  id: string;
  object: string;
  deleted: boolean;
  [extra: string]: unknown;
}

/** `/images/generations` request: the document's `CreateImageRequest`, plus a provider's own fields. */
export type ImageGenerateParams = Schemas["CreateImageRequest"] & ProviderParams;

/** `/images/generations`, `/images/edits` and `/images/variations` response (the document's `ImagesResponse`). */
export type ImagesResponse = Schemas["ImagesResponse"];
