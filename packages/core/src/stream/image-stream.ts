/**
 * `ImageStream`: a streamed image generation or edit (`stream: true`, with `partial_images`): partial
 * images as they are drawn, then the finished image.
 *
 * ```ts
 * const stream = streamImageGeneration(client, { model: "gpt-image-1", prompt, partial_images: 2 });
 * for await (const event of stream) show(`data:image/png;base64,${event.b64_json}`);
 * const image = await stream.final(); // the completed event: b64_json, usage
 * ```
 */
import type { components } from "../types/openapi.js";
import { EventStream } from "./event-stream.js";
import { TypedEventProtocol } from "./typed-events.js";
import type { StreamOptions, StreamSource } from "./types.js";

type Schemas = components["schemas"];

/** One streamed image event (generation or edit), exactly as the server sent it. */
export type ImageStreamEvent = Schemas["ImageGenStreamEvent"] | Schemas["ImageEditStreamEvent"];

/** The completed event of an image stream (`image_generation.completed` / `image_edit.completed`). */
export type ImageStreamCompleted = Extract<
  ImageStreamEvent,
  { type: "image_generation.completed" | "image_edit.completed" }
>;

/** A partial image event. */
export type ImageStreamPartial = Exclude<ImageStreamEvent, ImageStreamCompleted>;

/**
 * The aggregate of an image stream: the completed event once it arrived; before that (a partial,
 * after a cut) the last partial image, or `undefined` when none arrived.
 */
export type ImageStreamResult = ImageStreamCompleted | ImageStreamPartial | undefined;

class ImageProtocol extends TypedEventProtocol<ImageStreamEvent, ImageStreamResult> {
  #last: ImageStreamEvent | undefined;

  protected isTerminal(type: string): boolean {
    return type === "image_generation.completed" || type === "image_edit.completed";
  }

  protected add(event: ImageStreamEvent): void {
    if (typeof event.b64_json === "string") this.#last = event;
  }

  snapshot(): ImageStreamResult {
    return this.#last;
  }

  text(): string {
    return this.#last?.b64_json ?? "";
  }
}

/**
 * A streamed image: iterate its events (each partial image's `b64_json`, then the completed one), or
 * await `final()` (the completed event). `text()` is the last image's base64. Timeouts, abort,
 * in-stream errors and truncation work as for `ChatCompletionStream`.
 */
export class ImageStream extends EventStream<ImageStreamEvent, ImageStreamResult> {
  /** Built by `streamImageGeneration` / `streamImageEdit` (`@oaikit/core/images`). */
  constructor(source: StreamSource, options?: StreamOptions<ImageStreamEvent>) {
    super(source, options, new ImageProtocol());
  }
}
