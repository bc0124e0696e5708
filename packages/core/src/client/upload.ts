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
  if (typeof file !== "object" || file === null || !("data" in file)) {
    throw new TypeError(
      `uploadFile(file): file must be a File, or { data, name } with a Blob, bytes or a string (got ${describeValue(file)}).`,
    );
  }
  if (typeof file.name !== "string" || file.name === "") {
    throw new TypeError('uploadFile(file): name must be a non-empty file name, e.g. "data.jsonl".');
  }
  const { data } = file;
  let blob: Blob;
  if (data instanceof Blob) blob = data;
  else if (typeof data === "string" || data instanceof Uint8Array || data instanceof ArrayBuffer) {
    blob = new Blob([data as BlobPart], file.type ? { type: file.type } : {});
  } else {
    throw new TypeError(
      `uploadFile(file): data must be a Blob, a Uint8Array, an ArrayBuffer or a string (got ${describeValue(data)}).`,
    );
  }
  form.append("file", blob, file.name);
  return form;
}
