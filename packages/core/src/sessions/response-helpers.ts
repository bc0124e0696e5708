/**
 * lua-openai's response helpers (`response_mt`: `get_output_text`, `get_images`, `__tostring`), as
 * standalone functions for raw `createResponse` results and as non-enumerable methods on the objects a
 * `ResponsesChatSession` returns (so `JSON.stringify` and deep equality see only the API's fields).
 */
import { responseOutputText } from "../stream/responses-accumulator.js";
import type { ResponseObject } from "../types/responses.js";

/** One generated image: the base64 data of an `image_generation_call` output item. */
export interface GeneratedImage {
  b64_json: string;
}

/** The methods attached to the response objects a `ResponsesChatSession` returns. */
export interface ResponseHelpers {
  /** All `output_text` parts of every output message, concatenated (`""` when there are none). */
  getOutputText(): string;
  /** The images of the `image_generation_call` output items. */
  getImages(): GeneratedImage[];
  /** Same as `getOutputText()`, so `String(response)` is the text. */
  toString(): string;
}

/** A Responses object with the helper methods attached. */
export type ResponseWithHelpers<T extends ResponseObject = ResponseObject> = T & ResponseHelpers;

/**
 * The output text of a response: every `output_text` part of its output items, concatenated. Also
 * works on a single output message item (its `content`), like lua-openai. One implementation with
 * the streams' `responseOutputText`.
 *
 * ```ts
 * const result = await client.createResponse("Say hello");
 * if (result.ok) console.log(getOutputText(result.data));
 * ```
 */
export const getOutputText: (response: unknown) => string = responseOutputText;

/** The generated images of a response (`image_generation_call` items with a `result`), as `{ b64_json }`. */
export function getImages(response: unknown): GeneratedImage[] {
  if (typeof response !== "object" || response === null) return [];
  const output = (response as { output?: unknown }).output;
  if (!Array.isArray(output)) return [];
  const images: GeneratedImage[] = [];
  for (const item of output) {
    const { type, result } = (item ?? {}) as { type?: unknown; result?: unknown };
    if (type === "image_generation_call" && typeof result === "string" && result !== "") {
      images.push({ b64_json: result });
    }
  }
  return images;
}

/**
 * Attaches `getOutputText()`, `getImages()` and `toString()` to a response object as non-enumerable
 * properties, and returns the same object. Attaching twice is harmless.
 */
export function withResponseHelpers<T extends ResponseObject>(response: T): ResponseWithHelpers<T> {
  const methods: ResponseHelpers = {
    getOutputText: () => getOutputText(response),
    getImages: () => getImages(response),
    toString: () => getOutputText(response),
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(response, name, { value, enumerable: false, configurable: true, writable: true });
  }
  return response as ResponseWithHelpers<T>;
}
