/**
 * `multipart(fields)`: a multipart body from plain fields, for `client.call(route, { form })` and the
 * multipart areas (audio, images, uploads). The `FormData` it returns remembers the fields' types, so
 * `call` checks them against the route's multipart schema.
 */
import { describeValue } from "../utils/checks.js";
import type { Multipart } from "./routes.js";
import { namedBlob } from "./upload.js";

/** File extensions for the MIME subtypes whose name is not the extension. */
const EXTENSIONS: Record<string, string> = {
  mpeg: "mp3",
  "x-wav": "wav",
  wave: "wav",
  "x-m4a": "m4a",
  jpeg: "jpg",
};

/**
 * A file name for a Blob that has none (a recorded microphone clip): `file.webm` from
 * `audio/webm;codecs=opus`. The API reads the format from the name's extension.
 */
function nameFromType(field: string, type: string): string | undefined {
  const subtype = type.split(";")[0]?.split("/")[1]?.trim().toLowerCase();
  return subtype ? `${field}.${EXTENSIONS[subtype] ?? subtype.replace(/^x-/, "")}` : undefined;
}

function append(form: FormData, key: string, value: unknown, field: string): void {
  if (value === undefined || value === null) return;
  if (value instanceof Blob) {
    const name = (value as Partial<File>).name || nameFromType(field, value.type);
    if (!name) {
      throw new TypeError(
        `multipart: ${key} is a Blob with neither a name nor a type; pass a File, or { data: blob, name: "clip.webm" }.`,
      );
    }
    form.append(key, value, name);
  } else if (Array.isArray(value)) {
    // The API's convention (OpenAI's SDKs and curl examples): `timestamp_granularities[]=word`.
    for (const item of value) append(form, `${key}[]`, item, field);
  } else if (typeof value === "object") {
    if ("data" in value && "name" in value) {
      form.append(key, namedBlob(value), (value as { name: string }).name);
      return;
    }
    // Nested objects as `expires_after[anchor]=created_at`.
    for (const [name, item] of Object.entries(value)) append(form, `${key}[${name}]`, item, field);
  } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    form.append(key, String(value));
  } else {
    throw new TypeError(`multipart: ${key} cannot be sent in a form (got ${describeValue(value)}).`);
  }
}

/**
 * A multipart body (`FormData`) from plain fields: strings, numbers and booleans as text; a `File`, a
 * `Blob` or `{ data, name }` as a file (a Blob without a name is named from its type: `file.webm`);
 * arrays as repeated `key[]` fields and objects as `key[name]` fields; `undefined` and `null` left out.
 *
 * ```ts
 * const form = multipart({ file: recording, model: "whisper-1", timestamp_granularities: ["word"] });
 * await client.call("POST /audio/transcriptions", { form }); // the fields are checked against the route
 * ```
 */
export function multipart<const F extends Record<string, unknown>>(fields: F): Multipart<F> {
  if (typeof fields !== "object" || fields === null || Array.isArray(fields) || fields instanceof Blob) {
    throw new TypeError(`multipart(fields): fields must be a plain object (got ${describeValue(fields)}).`);
  }
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) append(form, key, value, key);
  return form as Multipart<F>;
}
