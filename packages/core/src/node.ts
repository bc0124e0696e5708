/**
 * `@oaikit/core/node`: Node-only helpers (reading a file by path for uploads and the request builder).
 * The main entry never imports `node:` modules; only this file does.
 */
import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { mimeTypeFor } from "./http/mime.js";

/** Options for `fileFromPath`. */
export interface FileFromPathOptions {
  /** The MIME type; default: guessed from the extension (`application/octet-stream` if unknown). */
  type?: string;
  /** The file name; default: the path's base name. */
  name?: string;
}

/**
 * Opens a file as a `File` (backed by the file on disk through `fs.openAsBlob`, not read into memory
 * up front), for `request(url).setMethod("POST").setFile(await fileFromPath("./a.txt"))`. Rejects
 * with the fs error (e.g. ENOENT) when the file cannot be opened: an upload never silently loses its file.
 */
export async function fileFromPath(path: string, options: FileFromPathOptions = {}): Promise<File> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError("fileFromPath: pass the path of a file as a non-empty string.");
  }
  const name = options.name ?? basename(path);
  const type = options.type ?? mimeTypeFor(name);
  // stat first: it rejects with the real fs error (ENOENT, EACCES) where openAsBlob only says
  // "Unable to open file as blob".
  const info = await stat(path);
  if (!info.isFile()) throw new TypeError(`fileFromPath: "${path}" is not a file.`);
  const blob = await openAsBlob(path, { type });
  return new File([blob], name, { type });
}
