/**
 * Body inference (Astra's `body_parser`, without its silent drops): what a value given to `setBody`
 * or the table form's `body` becomes on the wire, and the Content-Type it implies.
 */
import { describeValue } from "../utils/checks.js";
import { mimeTypeFor } from "./mime.js";

/** Anything `setBody` accepts: text, bytes, or a JSON value (plain object or array). */
export type BodyValue =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | readonly number[]
  | Record<string, unknown>
  | readonly unknown[];

/** A body ready to send: the payload and the Content-Type it implies. */
export interface PreparedBody {
  /** `text` (a string), `bytes` (raw bytes, including a Blob's), or `json` (serialised). */
  kind: "text" | "bytes" | "json";
  payload: string | Uint8Array<ArrayBuffer> | Blob;
  contentType: string;
}

/** Content-Type sent with a string body unless the caller set their own. */
export const TEXT_TYPE = "text/plain;charset=UTF-8";
/** Content-Type sent with a bytes body (`Uint8Array`, `ArrayBuffer`, an array of 0..255). */
export const BYTES_TYPE = "application/octet-stream";
/** Content-Type sent with a JSON body (a plain object or any other array). */
export const JSON_TYPE = "application/json";

const isByte = (value: unknown) =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 255;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Infers the body: a string is text; a `Uint8Array`, `ArrayBuffer`, other typed array or a non-empty
 * array of integers 0..255 is raw bytes; a `Blob` is its bytes (with its own type); a plain object or
 * any other array (an empty one too) is JSON. Bytes are copied, so later changes to the caller's
 * buffer do not change the request. Anything else is a `TypeError` that says what to pass instead.
 */
export function prepareBody(value: unknown, where = "setBody"): PreparedBody {
  if (typeof value === "string") return { kind: "text", payload: value, contentType: TEXT_TYPE };
  if (value instanceof ArrayBuffer) {
    return { kind: "bytes", payload: new Uint8Array(value.slice(0)), contentType: BYTES_TYPE };
  }
  if (ArrayBuffer.isView(value)) {
    const view = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { kind: "bytes", payload: new Uint8Array(view), contentType: BYTES_TYPE };
  }
  if (typeof Blob !== "undefined" && value instanceof Blob) {
    return { kind: "bytes", payload: value, contentType: value.type || BYTES_TYPE };
  }
  if (Array.isArray(value) && value.length > 0 && value.every(isByte)) {
    return { kind: "bytes", payload: Uint8Array.from(value as number[]), contentType: BYTES_TYPE };
  }
  if (
    value !== null &&
    typeof value === "object" &&
    (Array.isArray(value) ||
      isPlainObject(value) ||
      typeof (value as { toJSON?: unknown }).toJSON === "function")
  ) {
    let json: string;
    try {
      json = JSON.stringify(value);
    } catch (cause) {
      throw new TypeError(
        `${where}: the body could not be serialised as JSON (${(cause as Error).message}). ` +
          "Pass a JSON-serialisable object or array, or a string you serialised yourself.",
        { cause },
      );
    }
    return { kind: "json", payload: json, contentType: JSON_TYPE };
  }
  throw new TypeError(
    `${where}: cannot send ${describeValue(value)} as a body. Pass a string (text), a Uint8Array, ` +
      "ArrayBuffer, Blob or array of integers 0..255 (bytes), or a plain object or array (JSON)." +
      (value === undefined ? " To send no body, leave the body out (or pass null to remove one)." : ""),
  );
}

/** An urlencoded form: string keys to string values. */
export type FormValue = Record<string, string> | URLSearchParams;

/** Validates a form and copies it into `[key, value]` pairs (order kept). */
export function prepareForm(form: unknown, where = "setForm"): [string, string][] {
  if (form instanceof URLSearchParams) return [...form.entries()];
  if (form === null || typeof form !== "object" || Array.isArray(form) || !isPlainObject(form)) {
    throw new TypeError(
      `${where}: expected an object of string values (or URLSearchParams), got ${describeValue(form)}. ` +
        'Example: setForm({ grant_type: "client_credentials" }).',
    );
  }
  return Object.entries(form).map(([key, value]) => {
    if (typeof value !== "string") {
      throw new TypeError(
        `${where}: the value of form field "${key}" must be a string (got ${describeValue(value)}); ` +
          "convert it with String(value).",
      );
    }
    return [key, value];
  });
}

/** A file to upload as one multipart part. */
export interface PreparedFile {
  blob: Blob;
  /** The part's filename. */
  name: string;
  /** The multipart field name; Astra uses the file name, and so do we unless told otherwise. */
  fieldName: string;
}

/** Options for `setFile`: the file name (required for bytes or a plain Blob), the field name, the type. */
export interface FileOptions {
  /** The part's filename; default: the `File`'s name. */
  name?: string;
  /** The multipart field name; default: the file name (as Astra does). OpenAI's uploads want `"file"`. */
  fieldName?: string;
  /** The part's MIME type; default: the Blob's own type, else guessed from the file name's extension. */
  type?: string;
}

/** Validates `setFile`'s arguments and turns them into a named Blob. */
export function prepareFile(
  file: unknown,
  nameOrOptions?: string | FileOptions,
  where = "setFile",
): PreparedFile {
  const options: FileOptions =
    typeof nameOrOptions === "string" ? { name: nameOrOptions } : (nameOrOptions ?? ({} as FileOptions));
  if (typeof options !== "object") {
    throw new TypeError(`${where}: the second argument must be a file name or { name, fieldName, type }.`);
  }
  if (typeof file === "string") {
    throw new TypeError(
      `${where}: a path ("${file}") cannot be read here (browsers have no file system). In Node, use ` +
        'setFile(await fileFromPath(path)) from "@oaikit/core/node"; elsewhere pass a File, a Blob or bytes with a name.',
    );
  }
  const fileName = typeof File !== "undefined" && file instanceof File ? file.name : undefined;
  const name = options.name ?? fileName;
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`${where}: give the file a name: setFile(bytesOrBlob, "report.pdf").`);
  }
  const fieldName = options.fieldName ?? name;
  if (typeof fieldName !== "string" || fieldName === "") {
    throw new TypeError(`${where}: fieldName must be a non-empty string.`);
  }
  let blob: Blob;
  if (typeof Blob !== "undefined" && file instanceof Blob) {
    const type = options.type ?? (file.type || mimeTypeFor(name));
    blob = file.type === type ? file : new Blob([file], { type });
  } else if (file instanceof ArrayBuffer || ArrayBuffer.isView(file)) {
    const bytes =
      file instanceof ArrayBuffer
        ? new Uint8Array(file.slice(0))
        : new Uint8Array(new Uint8Array(file.buffer, file.byteOffset, file.byteLength));
    blob = new Blob([bytes], { type: options.type ?? mimeTypeFor(name) });
  } else {
    throw new TypeError(
      `${where}: expected a File, a Blob or bytes (Uint8Array/ArrayBuffer) with a name, got ${describeValue(file)}.`,
    );
  }
  return { blob, name, fieldName };
}
