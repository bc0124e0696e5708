/**
 * `@oaikit/core/uploads`: a large file (up to 8 GB) through the Uploads API: `POST /uploads`, the
 * parts in parallel (`POST /uploads/{id}/parts`, at most 64 MB each), then `POST /uploads/{id}/complete`,
 * which gives the `File` object, as if it had been uploaded through `/files`.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { uploadLargeFile } from "@oaikit/core/uploads";
 * const result = await uploadLargeFile(createClient(apiKey), file, "fine-tune", {
 *   onProgress: ({ sentBytes, totalBytes }) => (bar.value = sentBytes / totalBytes),
 *   signal: controller.signal,
 * });
 * if (result.ok) console.log(result.data.file?.id);
 * ```
 */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { multipart } from "../client/multipart.js";
import { callInit, describeValue } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { RouteBody, RouteData } from "../client/routes.js";
import { type FileInput, namedBlob } from "../client/upload.js";
import { mimeTypeFor } from "../http/mime.js";

/** An upload (the document's `Upload`); once completed, `file` is the uploaded `File` object. */
export type Upload = RouteData<"POST /uploads">;
/** The purposes the Uploads API takes. */
export type UploadPurpose = RouteBody<"POST /uploads">["purpose"];

/** The largest part the API takes: 64 MB. */
export const MAX_PART_SIZE = 64 * 1024 * 1024;

/** How far `uploadLargeFile` is. */
export interface UploadProgress {
  /** Bytes of the parts the API has acknowledged. */
  sentBytes: number;
  totalBytes: number;
  /** Parts acknowledged, and how many there are. */
  partsDone: number;
  partsTotal: number;
  /** The upload's id, once it was created. */
  uploadId: string;
}

/** Options of `uploadLargeFile`: the per-call options of each request, and these. */
export interface UploadLargeFileOptions extends RequestOptions {
  /** Bytes per part, at most 64 MB; default 64 MB (a file of that size or less is one part). */
  partSize?: number;
  /** How many parts are sent at the same time; default 3. */
  concurrency?: number;
  /** Called after each acknowledged part. */
  onProgress?: (progress: UploadProgress) => void;
  /** The file's MIME type; default: the file's own, else guessed from its name's extension. */
  mimeType?: string;
}

function checkOptions(options: UploadLargeFileOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`uploadLargeFile: options must be an object (got ${describeValue(options)}).`);
  }
  const { partSize, concurrency, onProgress } = options;
  if (partSize !== undefined && !(Number.isInteger(partSize) && partSize > 0 && partSize <= MAX_PART_SIZE)) {
    throw new TypeError(
      `uploadLargeFile: partSize must be a whole number of bytes from 1 to 64 MB (got ${partSize}).`,
    );
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
    throw new TypeError(`uploadLargeFile: concurrency must be a positive whole number (got ${concurrency}).`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError("uploadLargeFile: onProgress must be a function.");
  }
}

/**
 * Uploads `file` through the Uploads API: creates the upload, sends its parts `concurrency` at a time
 * (each part is its own request, so a failure is retried for that part alone, with the client's
 * retries), then completes it with the parts in order. Resolves with the completed upload (`data.file`
 * is the `File` object), or with the failure of the first request that failed, after cancelling the
 * upload. `signal` aborts the parts in flight, cancels the upload and rejects with `RequestAbortedError`.
 */
export async function uploadLargeFile(
  client: Client,
  file: FileInput,
  purpose: UploadPurpose,
  options: UploadLargeFileOptions = {},
): Promise<ApiResult<Upload>> {
  checkOptions(options);
  const { partSize = MAX_PART_SIZE, concurrency = 3, onProgress, mimeType, ...request } = options;
  if (typeof purpose !== "string" || (purpose as string) === "") {
    throw new TypeError(
      'uploadLargeFile: purpose must be provided, e.g. "fine-tune", "batch" or "assistants".',
    );
  }
  const blob = file instanceof Blob ? file : namedBlob(file);
  const filename = file instanceof Blob ? (file as Partial<File>).name : file.name;
  if (typeof filename !== "string" || filename === "") {
    throw new TypeError(
      'uploadLargeFile(file): a Blob has no file name; pass { data: blob, name: "data.jsonl" } or a File.',
    );
  }
  const mime = mimeType ?? (blob.type || (file instanceof Blob ? "" : file.type) || mimeTypeFor(filename));

  const created = await client.call(
    "POST /uploads",
    callInit(request, { body: { filename, purpose, bytes: blob.size, mime_type: mime } }),
  );
  if (!created.ok) return created;
  const uploadId = created.data.id;

  // One controller for the parts: the caller's signal, or the first failed part, stops the others.
  const parts = new AbortController();
  const onAbort = () => parts.abort(request.signal?.reason);
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener("abort", onAbort, { once: true });

  const total = Math.max(1, Math.ceil(blob.size / partSize));
  const ids: string[] = new Array(total);
  const progress: UploadProgress = {
    sentBytes: 0,
    totalBytes: blob.size,
    partsDone: 0,
    partsTotal: total,
    uploadId,
  };
  let failure: ApiResult<never> | undefined;
  let thrown: unknown;
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < total && !failure && thrown === undefined) {
      const index = next++;
      const start = index * partSize;
      const data = blob.slice(start, Math.min(start + partSize, blob.size));
      try {
        const part = await client.call(
          "POST /uploads/{upload_id}/parts",
          callInit(request, {
            path: { upload_id: uploadId },
            form: multipart({ data: { data, name: `${filename}.part${index}` } }),
            signal: parts.signal,
          }),
        );
        if (!part.ok) {
          failure ??= part;
          parts.abort();
          return;
        }
        ids[index] = part.data.id;
        progress.sentBytes += data.size;
        progress.partsDone++;
        onProgress?.({ ...progress });
      } catch (error) {
        if (thrown === undefined) thrown = error;
        parts.abort();
        return;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  } finally {
    request.signal?.removeEventListener("abort", onAbort);
  }
  if (failure || thrown !== undefined) {
    // Best effort: an abandoned upload would otherwise linger until it expires (one hour).
    const { signal: _signal, ...rest } = request;
    await client
      .call("POST /uploads/{upload_id}/cancel", callInit(rest, { path: { upload_id: uploadId } }))
      .catch(() => undefined);
    if (thrown !== undefined) throw thrown;
    return failure as ApiResult<never>;
  }
  return client.call(
    "POST /uploads/{upload_id}/complete",
    callInit(request, { path: { upload_id: uploadId }, body: { part_ids: ids } }),
  );
}
