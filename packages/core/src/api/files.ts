/** `@oaikit/core/files`: the Files API as functions of a client (list, read, delete, download, upload). */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import { type FileInput, toFormData } from "../client/upload.js";
import type { Deleted, FileObject, List } from "../types/endpoints.js";

export { multipart } from "../client/multipart.js";
export type { Multipart } from "../client/routes.js";
export type { FileInput } from "../client/upload.js";

/** `GET /files`. */
export function files(client: Client, options?: RequestOptions): Promise<ApiResult<List<FileObject>>> {
  return client.call("GET /files", callInit(options, {}));
}

/** `GET /files/{id}`: a file's metadata. */
export function file(
  client: Client,
  fileId: string,
  options?: RequestOptions,
): Promise<ApiResult<FileObject>> {
  return client.call("GET /files/{file_id}", callInit(options, { path: { file_id: fileId } }));
}

/** `DELETE /files/{id}`. */
export function deleteFile(
  client: Client,
  fileId: string,
  options?: RequestOptions,
): Promise<ApiResult<Deleted>> {
  return client.call("DELETE /files/{file_id}", callInit(options, { path: { file_id: fileId } }));
}

/**
 * `GET /files/{id}/content`. On success `data` is a `Blob` (file content may be binary; use
 * `await data.text()` for JSONL); on failure, the decoded error body as usual.
 */
export function fileContent(
  client: Client,
  fileId: string,
  options?: RequestOptions,
): Promise<ApiResult<Blob>> {
  return client.call(
    "GET /files/{file_id}/content",
    callInit(options, { path: { file_id: fileId }, as: "blob" as const }),
  );
}

/**
 * `POST /files` (multipart): uploads a `File`, a `Blob` with a name (`{ data, name }`), bytes or a
 * string with a name. `purpose` is the API's (`assistants`, `batch`, `fine-tune`, `user_data`, ...).
 */
export function uploadFile(
  client: Client,
  file: FileInput,
  purpose: string,
  options?: RequestOptions,
): Promise<ApiResult<FileObject>> {
  if (typeof purpose !== "string" || purpose === "") {
    throw new TypeError('purpose must be provided, e.g. "assistants", "batch", "fine-tune" or "user_data".');
  }
  return client.call("POST /files", callInit(options, { form: toFormData(file, { purpose }) }));
}
