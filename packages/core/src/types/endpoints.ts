/** Types of the smaller endpoints: legacy completions, embeddings, moderations, models, files, images. */

/** Legacy `/completions` request. */
export interface CompletionCreateParams {
  model?: string;
  prompt?: string | string[];
  max_tokens?: number | null;
  temperature?: number | null;
  stream?: boolean | null;
  [extra: string]: unknown;
}

/** Legacy `/completions` response. */
export interface Completion {
  id: string;
  object: "text_completion" | (string & {});
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: string | null; [extra: string]: unknown }[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  [extra: string]: unknown;
}

/** `/embeddings` request. */
export interface EmbeddingCreateParams {
  model?: string;
  input?: string | string[] | number[] | number[][];
  dimensions?: number;
  encoding_format?: "float" | "base64";
  [extra: string]: unknown;
}

/** `/embeddings` response. */
export interface EmbeddingList {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage?: { prompt_tokens: number; total_tokens: number };
  [extra: string]: unknown;
}

/** `/moderations` response. */
export interface ModerationResult {
  id: string;
  model: string;
  results: {
    flagged: boolean;
    categories: Record<string, boolean>;
    category_scores: Record<string, number>;
  }[];
  [extra: string]: unknown;
}

/** A model of `/models`. */
export interface Model {
  id: string;
  object: "model";
  created?: number;
  owned_by?: string;
  [extra: string]: unknown;
}

/** A list response (`/models`, `/files`). */
export interface List<T> {
  object: "list";
  data: T[];
  [extra: string]: unknown;
}

/** A file object of `/files`. */
export interface FileObject {
  id: string;
  object: "file";
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  [extra: string]: unknown;
}

/** The answer of a DELETE (`/files/{id}`, `/responses/{id}`). */
export interface Deleted {
  id: string;
  object: string;
  deleted: boolean;
  [extra: string]: unknown;
}

/** `/images/generations` request. */
export interface ImageGenerateParams {
  prompt: string;
  model?: string;
  n?: number;
  size?: string;
  quality?: string;
  response_format?: "url" | "b64_json";
  [extra: string]: unknown;
}

/** `/images/generations` response. */
export interface ImagesResponse {
  created: number;
  data: { b64_json?: string; url?: string; revised_prompt?: string }[];
  [extra: string]: unknown;
}
