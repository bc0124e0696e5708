/** Multipart bodies for file uploads. */
import { describeValue } from "./payload.js";

/**
 * A file to upload: a `File` (it has a name), or `{ data, name }` where `data` is a `Blob`, bytes or
 * a string. The API needs a file name (its extension tells it the format). In Node, read a file by
 * path with `@oaikit/core/node`.
 */
export type FileInput =
  | Blob
  | { data: Blob | Uint8Array | ArrayBuffer | string; name: string; type?: string };

/** Builds the multipart form: `fields` first, then the file under `file`. */
export function toFormData(file: FileInput, fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file instanceof Blob) {
    const name = (file as Partial<File>).name;
    if (typeof name !== "string" || name === "") {
      throw new TypeError(
        'uploadFile(file): a Blob has no file name; pass { data: blob, name: "data.jsonl" } or a File.',
      );
    }
    form.append("file", file, name);
    return form;
  }
  form.append("file", namedBlob(file), file.name);
  return form;
}

/** The `Blob` of a `{ data, name, type? }` file, checked (a name, and data of a known kind). */
export function namedBlob(file: unknown): Blob {
  if (typeof file !== "object" || file === null || !("data" in file)) {
    throw new TypeError(
      `uploadFile(file): file must be a File, or { data, name } with a Blob, bytes or a string (got ${describeValue(file)}).`,
    );
  }
  const { data, name, type } = file as { data: unknown; name?: unknown; type?: string };
  if (typeof name !== "string" || name === "") {
    throw new TypeError('uploadFile(file): name must be a non-empty file name, e.g. "data.jsonl".');
  }
  if (data instanceof Blob) return data;
  if (typeof data === "string" || data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return new Blob([data as BlobPart], type ? { type } : {});
  }
  throw new TypeError(
    `uploadFile(file): data must be a Blob, a Uint8Array, an ArrayBuffer or a string (got ${describeValue(data)}).`,
  );
}
