/**
 * `@oaikit/core/batches`: the Batch API as functions of a client, and `batchResults`: the lines of a
 * finished batch's output file, parsed, as an async iterator.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { batch, batchResults, createBatch } from "@oaikit/core/batches";
 * const client = createClient(apiKey);
 * const created = await createBatch(client, {
 *   input_file_id: "file-abc", endpoint: "/v1/chat/completions", completion_window: "24h",
 * });
 * // ... later, once batch(client, id) says status: "completed":
 * for await (const line of batchResults(client, "batch_abc")) console.log(line.custom_id, line.response?.body);
 * ```
 */
import { openByteStream } from "../client/byte-stream.js";
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkPresent } from "../client/payload.js";
import { type ApiResult, unwrap } from "../client/result.js";
import type { RouteBody, RouteCallQuery, RouteData } from "../client/routes.js";
import { OaikitError } from "../errors/errors.js";

/** A batch (the document's `Batch`). */
export type Batch = RouteData<"GET /batches/{batch_id}">;
/** The parameters of `createBatch` (the document's `CreateBatchRequest`). */
export type BatchCreateParams = RouteBody<"POST /batches">;

/**
 * One line of a batch's output (or error) file. Kept by hand: the document describes the batch, not
 * the lines of its files. `response.body` is the endpoint's answer (a `chat.completion`, ...).
 */
export interface BatchResultLine<Body = unknown> {
  id: string;
  /** The `custom_id` of the input line this answers. */
  custom_id: string;
  response: { status_code: number; request_id: string; body: Body } | null;
  error: { code: string; message: string } | null;
}

function path(batchId: string, name: string): { batch_id: string } {
  checkPresent(batchId, `${name}: batchId must be provided.`);
  return { batch_id: batchId };
}

/**
 * `POST /batches`: starts a batch over an uploaded JSONL file (`purpose: "batch"`): `input_file_id`,
 * `endpoint` (`/v1/chat/completions`, `/v1/responses`, `/v1/embeddings`, ...) and `completion_window: "24h"`.
 */
export function createBatch(
  client: Client,
  params: BatchCreateParams,
  options?: RequestOptions,
): Promise<ApiResult<Batch>> {
  return client.call("POST /batches", callInit(options, { body: params }));
}

/** `GET /batches/{id}`: a batch (its `status`, `request_counts`, `output_file_id`, `error_file_id`). */
export function batch(client: Client, batchId: string, options?: RequestOptions): Promise<ApiResult<Batch>> {
  return client.call(
    "GET /batches/{batch_id}",
    callInit(options, { path: path(batchId, "batch(client, batchId)") }),
  );
}

/**
 * `GET /batches`: a page of batches (`query`: `after`, `limit`). Every page:
 * `paginate(client, "GET /batches")` from `@oaikit/core/paginate`.
 */
export function batches(
  client: Client,
  query?: RouteCallQuery<"GET /batches">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /batches">>> {
  return client.call("GET /batches", callInit(options, { query }));
}

/** `POST /batches/{id}/cancel`: cancels a batch (it goes through `cancelling` to `cancelled`). */
export function cancelBatch(
  client: Client,
  batchId: string,
  options?: RequestOptions,
): Promise<ApiResult<Batch>> {
  return client.call(
    "POST /batches/{batch_id}/cancel",
    callInit(options, { path: path(batchId, "cancelBatch(client, batchId)") }),
  );
}

/** Options of `batchResults`. */
export interface BatchResultsOptions extends RequestOptions {
  /** Read the error file (the lines that failed) instead of the output file. */
  errors?: boolean;
}

/**
 * The lines of a batch's output file (`errors: true`: its error file), each parsed from JSON, in the
 * file's order (not the input's: match them by `custom_id`). Reads the batch, then the file; a failed
 * request throws its `APIError`, a batch without that file yet (still running) an `OaikitError`, a line
 * that is not JSON an `OaikitError` naming the line. The file is streamed and parsed line by line as
 * the loop asks (a file of any size; `break` stops the download).
 */
export async function* batchResults<Body = unknown>(
  client: Client,
  batchId: string,
  options: BatchResultsOptions = {},
): AsyncGenerator<BatchResultLine<Body>, void, undefined> {
  const { errors = false, ...request } = options;
  const found = unwrap(await batch(client, batchId, request));
  const fileId = errors ? found.error_file_id : found.output_file_id;
  if (typeof fileId !== "string" || fileId === "") {
    // A batch with every request failed has no output file, one with none failed no error file.
    if (found.status === "completed") return;
    throw new OaikitError(
      `Batch ${batchId} has no ${errors ? "error" : "output"} file yet (status: ${found.status}); wait until it is completed.`,
    );
  }
  // Streamed, not read whole: an output file can be far bigger than a body the client reads at once.
  const content = unwrap(
    await openByteStream(client, "GET /files/{file_id}/content", { path: { file_id: fileId } }, request),
  );
  const reader = content.getReader();
  const decoder = new TextDecoder();
  let rest = "";
  let number = 0;
  const parse = (line: string): BatchResultLine<Body> | undefined => {
    number++;
    if (line.trim() === "") return undefined;
    try {
      return JSON.parse(line) as BatchResultLine<Body>;
    } catch (error) {
      throw new OaikitError(`Line ${number} of file ${fileId} (batch ${batchId}) is not valid JSON.`, {
        cause: error,
      });
    }
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += decoder.decode(value, { stream: true });
      let newline = rest.indexOf("\n");
      while (newline >= 0) {
        const parsed = parse(rest.slice(0, newline));
        rest = rest.slice(newline + 1);
        if (parsed) yield parsed;
        newline = rest.indexOf("\n");
      }
    }
    const last = parse(rest + decoder.decode());
    if (last) yield last;
  } finally {
    reader.cancel().catch(() => {});
  }
}
