/**
 * `@oaikit/core/vector-stores`: vector stores for file search, as functions of a client, and
 * `uploadToVectorStore`: upload a file, attach it, wait until it is processed.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { createVectorStore, searchVectorStore, uploadToVectorStore } from "@oaikit/core/vector-stores";
 * const client = createClient(apiKey);
 * const store = await createVectorStore(client, { name: "Handbook" });
 * if (store.ok) {
 *   await uploadToVectorStore(client, store.data.id, file, { onProgress: (p) => console.log(p.phase) });
 *   const hits = await searchVectorStore(client, store.data.id, "holiday policy");
 * }
 * ```
 */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { callInit, checkPresent, describeValue } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteBody, RouteCallQuery, RouteData } from "../client/routes.js";
import type { FileInput } from "../client/upload.js";
import { pollDelay, wait } from "../client/wait.js";
import type { FileObject } from "../types/endpoints.js";
import { uploadFile } from "./files.js";

/** A vector store (the document's `VectorStoreObject`). */
export type VectorStore = RouteData<"GET /vector_stores/{vector_store_id}">;
/** A file of a vector store (the document's `VectorStoreFileObject`). */
export type VectorStoreFile = RouteData<"GET /vector_stores/{vector_store_id}/files/{file_id}">;
/** The parameters of `createVectorStore` (the document's `CreateVectorStoreRequest`). */
export type VectorStoreCreateParams = RouteBody<"POST /vector_stores">;
/** The parameters of `addVectorStoreFile` besides the file id. */
export type VectorStoreFileParams = Omit<RouteBody<"POST /vector_stores/{vector_store_id}/files">, "file_id">;
/** The parameters of `searchVectorStore` besides the query. */
export type VectorStoreSearchParams = Omit<
  RouteBody<"POST /vector_stores/{vector_store_id}/search">,
  "query"
>;

function id(value: string, name: string): { vector_store_id: string } {
  checkPresent(value, `${name}: storeId must be provided.`);
  return { vector_store_id: value };
}

/** `POST /vector_stores`: a new vector store (`params`: `name`, `file_ids`, `expires_after`, ...). */
export function createVectorStore(
  client: Client,
  params: VectorStoreCreateParams = {},
  options?: RequestOptions,
): Promise<ApiResult<VectorStore>> {
  return client.call("POST /vector_stores", callInit(options, { body: params }));
}

/** `GET /vector_stores/{id}`: one vector store (its status and file counts). */
export function vectorStore(
  client: Client,
  storeId: string,
  options?: RequestOptions,
): Promise<ApiResult<VectorStore>> {
  return client.call(
    "GET /vector_stores/{vector_store_id}",
    callInit(options, { path: id(storeId, "vectorStore(client, storeId)") }),
  );
}

/**
 * `GET /vector_stores`: a page of vector stores (`query`: `after`, `limit`, `order`). Every page:
 * `paginate(client, "GET /vector_stores")` from `@oaikit/core/paginate`.
 */
export function vectorStores(
  client: Client,
  query?: RouteCallQuery<"GET /vector_stores">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /vector_stores">>> {
  return client.call("GET /vector_stores", callInit(options, { query }));
}

/** `DELETE /vector_stores/{id}`: deletes a vector store (its files stay in `/files`). */
export function deleteVectorStore(
  client: Client,
  storeId: string,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"DELETE /vector_stores/{vector_store_id}">>> {
  return client.call(
    "DELETE /vector_stores/{vector_store_id}",
    callInit(options, { path: id(storeId, "deleteVectorStore(client, storeId)") }),
  );
}

/**
 * `POST /vector_stores/{id}/files`: attaches an uploaded file (`purpose: "assistants"`) to a vector
 * store; it is then processed (`status: "in_progress"`). `uploadToVectorStore` also waits for that.
 */
export function addVectorStoreFile(
  client: Client,
  storeId: string,
  fileId: string,
  params: VectorStoreFileParams = {},
  options?: RequestOptions,
): Promise<ApiResult<VectorStoreFile>> {
  checkPresent(fileId, "addVectorStoreFile(client, storeId, fileId): fileId must be provided.");
  return client.call(
    "POST /vector_stores/{vector_store_id}/files",
    callInit(options, {
      path: id(storeId, "addVectorStoreFile(client, storeId, fileId)"),
      body: { ...params, file_id: fileId },
    }),
  );
}

/**
 * `GET /vector_stores/{id}/files`: a page of a vector store's files (`query`: `filter` by status,
 * `after`, `limit`, `order`).
 */
export function vectorStoreFiles(
  client: Client,
  storeId: string,
  query?: RouteCallQuery<"GET /vector_stores/{vector_store_id}/files">,
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"GET /vector_stores/{vector_store_id}/files">>> {
  return client.call(
    "GET /vector_stores/{vector_store_id}/files",
    callInit(options, { path: id(storeId, "vectorStoreFiles(client, storeId)"), query }),
  );
}

/**
 * `POST /vector_stores/{id}/search`: the chunks most relevant to `query` (`params`: `max_num_results`,
 * `filters` on attributes, `ranking_options`, `rewrite_query`).
 */
export function searchVectorStore(
  client: Client,
  storeId: string,
  query: string | string[],
  params: VectorStoreSearchParams = {},
  options?: RequestOptions,
): Promise<ApiResult<RouteData<"POST /vector_stores/{vector_store_id}/search">>> {
  checkPresent(query, "searchVectorStore(client, storeId, query): query must be provided.");
  return client.call(
    "POST /vector_stores/{vector_store_id}/search",
    callInit(options, {
      path: id(storeId, "searchVectorStore(client, storeId, query)"),
      body: { ...params, query },
    }),
  );
}

/** Where `uploadToVectorStore` is. */
export type VectorStoreUploadProgress =
  | { phase: "uploading" }
  | { phase: "attaching"; file: FileObject }
  | { phase: "processing"; file: FileObject; vectorStoreFile: VectorStoreFile }
  | { phase: "done"; file: FileObject; vectorStoreFile: VectorStoreFile };

/** Options of `uploadToVectorStore`: the per-call options of each request, and these. */
export interface UploadToVectorStoreOptions extends RequestOptions, VectorStoreFileParams {
  /** Called as the upload moves on: uploading, attaching, processing (each poll), done. */
  onProgress?: (progress: VectorStoreUploadProgress) => void;
  /** Milliseconds between two status checks while the file is processed; default 1000 (or what the server asks). */
  pollInterval?: number;
}

/**
 * Uploads `file` (`POST /files`, purpose `assistants`), attaches it to the vector store and waits until
 * it is processed, checking its status every `pollInterval` ms. Resolves with the vector-store file in
 * its final status (`completed`, or `failed` with `last_error`, or `cancelled`), or with the failure of
 * the first request that failed. `signal` stops it at any step (`RequestAbortedError`); the file
 * stays uploaded.
 */
export async function uploadToVectorStore(
  client: Client,
  storeId: string,
  file: FileInput,
  options: UploadToVectorStoreOptions = {},
): Promise<ApiResult<VectorStoreFile>> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`uploadToVectorStore: options must be an object (got ${describeValue(options)}).`);
  }
  const { onProgress, pollInterval = 1000, attributes, chunking_strategy, ...request } = options;
  id(storeId, "uploadToVectorStore(client, storeId, file)");
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError("uploadToVectorStore: onProgress must be a function.");
  }
  if (typeof pollInterval !== "number" || !(pollInterval >= 0)) {
    throw new TypeError("uploadToVectorStore: pollInterval must be a number of milliseconds ≥ 0.");
  }
  onProgress?.({ phase: "uploading" });
  const uploaded = await uploadFile(client, file, "assistants", request);
  if (!uploaded.ok) return uploaded;
  onProgress?.({ phase: "attaching", file: uploaded.data });
  const params: VectorStoreFileParams = {};
  if (attributes !== undefined) params.attributes = attributes;
  if (chunking_strategy !== undefined) params.chunking_strategy = chunking_strategy;
  let current = await addVectorStoreFile(client, storeId, uploaded.data.id, params, request);
  for (;;) {
    if (!current.ok) return current;
    if (current.data.status !== "in_progress") break;
    onProgress?.({ phase: "processing", file: uploaded.data, vectorStoreFile: current.data });
    await wait(pollDelay(current.headers, pollInterval), request.signal, {
      method: "GET",
      url: `${client.baseURL}/vector_stores/${encodeURIComponent(storeId)}/files/${encodeURIComponent(uploaded.data.id)}`,
    });
    current = await client.call(
      "GET /vector_stores/{vector_store_id}/files/{file_id}",
      callInit(request, { path: { vector_store_id: storeId, file_id: uploaded.data.id } }),
    );
  }
  onProgress?.({ phase: "done", file: uploaded.data, vectorStoreFile: current.data });
  return current;
}
