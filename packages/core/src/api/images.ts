/**
 * `@oaikit/core/images`: image generation, edits and variations as functions of a client, and streamed
 * generation and edits (partial images as they are drawn).
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { streamImageGeneration } from "@oaikit/core/images";
 * const stream = streamImageGeneration(createClient(apiKey), {
 *   model: "gpt-image-1", prompt: "A lighthouse at dusk", partial_images: 2,
 * });
 * for await (const event of stream) img.src = `data:image/png;base64,${event.b64_json}`;
 * ```
 */
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { multipart } from "../client/multipart.js";
import { callInit, checkPresent, describeValue, mergeDefined } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { FormFields } from "../client/routes.js";
import type { FileInput } from "../client/upload.js";
import { ImageStream } from "../stream/image-stream.js";
import type { ImageGenerateParams, ImagesResponse } from "../types/endpoints.js";
import type { components } from "../types/openapi.js";

export type {
  ImageStreamCompleted,
  ImageStreamEvent,
  ImageStreamPartial,
  ImageStreamResult,
} from "../stream/image-stream.js";
export { ImageStream } from "../stream/image-stream.js";

type Schemas = components["schemas"];

/** The parameters of an image edit besides the images and the prompt (the document's `CreateImageEditRequest`). */
export type ImageEditParams = Omit<
  FormFields<Schemas["CreateImageEditRequest"]>,
  "image" | "prompt" | "stream"
>;
/** The parameters of an image variation besides the image (the document's `CreateImageVariationRequest`). */
export type ImageVariationParams = Omit<FormFields<Schemas["CreateImageVariationRequest"]>, "image">;

function checkParams(params: unknown, name: string, example: string): void {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(
      `${name}: params must be an object such as ${example} (got ${describeValue(params)}).`,
    );
  }
}

function checkImages(image: unknown, name: string): void {
  const images = Array.isArray(image) ? image : [image];
  if (
    images.length === 0 ||
    images.some(
      (one) => !(one instanceof Blob) && (typeof one !== "object" || one === null || !("data" in one)),
    )
  ) {
    throw new TypeError(
      `${name}: image must be a File, a Blob, { data, name }, or a non-empty array of them (got ${describeValue(image)}).`,
    );
  }
}

/** `POST /images/generations`: `params` are sent verbatim (undefined keys left out). */
export function imageGeneration(
  client: Client,
  params: ImageGenerateParams,
  options?: RequestOptions,
): Promise<ApiResult<ImagesResponse>> {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(
      `imageGeneration(params): params must be an object such as { model, prompt } (got ${describeValue(params)}).`,
    );
  }
  return client.call<ImagesResponse>(
    "POST /images/generations",
    callInit(options, { body: mergeDefined({}, params) }),
  );
}

/**
 * `POST /images/generations` with `stream: true`, as an `ImageStream`: `image_generation.partial_image`
 * events (set `partial_images`, 0 to 3), then `image_generation.completed`, which `final()` resolves to.
 * GPT image models only.
 */
export function streamImageGeneration(
  client: Client,
  params: ImageGenerateParams,
  options?: RequestOptions,
): ImageStream {
  checkParams(params, "streamImageGeneration(params)", '{ model: "gpt-image-1", prompt, partial_images: 2 }');
  const body = mergeDefined<Record<string, unknown>>({}, params);
  body.stream = true;
  const opening = client.openStream("POST /images/generations", { body }, options);
  return new ImageStream(opening.source, opening.options);
}

/** The multipart body of an edit: one image as `image`, several as `image[]` (the API's examples). */
function editForm(image: FileInput | FileInput[], prompt: string, params: ImageEditParams, stream: boolean) {
  checkImages(image, "imageEdit(client, image, prompt, params)");
  checkPresent(prompt, "imageEdit(client, image, prompt, params): prompt must be provided.");
  checkParams(params ?? {}, "imageEdit(client, image, prompt, params)", '{ model: "gpt-image-1" }');
  return multipart({ ...params, image, prompt, stream: stream || undefined });
}

/**
 * `POST /images/edits` (multipart): edits `image` (one, or several for GPT image models) following
 * `prompt`; `params.mask` is an optional mask image. `data` is an `ImagesResponse`.
 */
export function imageEdit(
  client: Client,
  image: FileInput | FileInput[],
  prompt: string,
  params: ImageEditParams = {},
  options?: RequestOptions,
): Promise<ApiResult<ImagesResponse>> {
  const form = editForm(image, prompt, params, false);
  return client.call("POST /images/edits", callInit(options, { form }));
}

/**
 * `POST /images/edits` with `stream: true`, as an `ImageStream`: `image_edit.partial_image` events
 * (set `partial_images`), then `image_edit.completed`, which `final()` resolves to.
 */
export function streamImageEdit(
  client: Client,
  image: FileInput | FileInput[],
  prompt: string,
  params: ImageEditParams = {},
  options?: RequestOptions,
): ImageStream {
  const form = editForm(image, prompt, params, true);
  const opening = client.openStream("POST /images/edits", { form }, options);
  return new ImageStream(opening.source, opening.options);
}

/** `POST /images/variations` (multipart, DALL·E 2): variations of `image`. */
export function imageVariation(
  client: Client,
  image: FileInput,
  params: ImageVariationParams = {},
  options?: RequestOptions,
): Promise<ApiResult<ImagesResponse>> {
  checkImages(image, "imageVariation(client, image, params)");
  checkParams(params, "imageVariation(client, image, params)", '{ n: 2, size: "512x512" }');
  return client.call("POST /images/variations", callInit(options, { form: multipart({ ...params, image }) }));
}
