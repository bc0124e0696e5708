/**
 * `@oaikit/core/audio`: speech to text and text to speech, from a browser `File` / `Blob` (a recorded
 * microphone clip) or, in Node, `fileFromPath` from `@oaikit/core/node`.
 *
 * ```ts
 * import { createClient } from "@oaikit/core";
 * import { speech, transcribe } from "@oaikit/core/audio";
 * const client = createClient(apiKey);
 * const clip = new Blob(recordedChunks, { type: "audio/webm" }); // from a MediaRecorder
 * const result = await transcribe(client, clip, { model: "gpt-4o-mini-transcribe" });
 * if (result.ok) console.log(result.data.text);
 * const audio = await speech(client, "Hello!", { model: "gpt-4o-mini-tts", voice: "alloy" });
 * if (audio.ok) new Audio(URL.createObjectURL(audio.data)).play();
 * ```
 */
import { openByteStream } from "../client/byte-stream.js";
import type { Client } from "../client/client.js";
import type { RequestOptions } from "../client/config.js";
import { multipart } from "../client/multipart.js";
import { callInit, checkPresent, describeValue } from "../client/payload.js";
import type { ApiResult } from "../client/result.js";
import type { FormFields, RouteBody, RouteData } from "../client/routes.js";
import type { FileInput } from "../client/upload.js";
import { TranscriptionStream } from "../stream/transcription-stream.js";
import type { components } from "../types/openapi.js";

export type {
  Transcript,
  TranscriptionStreamEvent,
} from "../stream/transcription-stream.js";
export { TranscriptionStream } from "../stream/transcription-stream.js";

type Schemas = components["schemas"];

/** The parameters of a transcription besides the file (the document's `CreateTranscriptionRequest`). */
export type TranscriptionParams = Omit<FormFields<Schemas["CreateTranscriptionRequest"]>, "file" | "stream">;
/** The parameters of a translation besides the file (the document's `CreateTranslationRequest`). */
export type TranslationParams = Omit<FormFields<Schemas["CreateTranslationRequest"]>, "file">;
/** The parameters of speech besides `input` (the document's `CreateSpeechRequest`). */
export type SpeechParams = Omit<RouteBody<"POST /audio/speech">, "input">;

/** A transcription as JSON (`json`, `verbose_json` or `diarized_json`). */
export type Transcription = RouteData<"POST /audio/transcriptions">;
/** A translation as JSON (`json` or `verbose_json`). */
export type Translation = RouteData<"POST /audio/translations">;
/** The response formats whose answer is plain text, not JSON. */
export type TextResponseFormat = "text" | "srt" | "vtt";

function checkFile(file: unknown, name: string): void {
  if (!(file instanceof Blob) && (typeof file !== "object" || file === null || !("data" in file))) {
    throw new TypeError(
      `${name}(client, file, params): file must be a File, a Blob (a recorded clip) or { data, name } (got ${describeValue(file)}).`,
    );
  }
}

function checkParams(params: unknown, name: string, example: string): void {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new TypeError(
      `${name}: params must be an object such as ${example} (got ${describeValue(params)}).`,
    );
  }
}

/**
 * `POST /audio/transcriptions`: the text of an audio file. `data` is the JSON transcription, or the
 * text itself for `response_format` `text`, `srt` or `vtt`. A `Blob` without a name is sent named
 * after its type (`file.webm` for `audio/webm`): the API reads the format from the name.
 */
export function transcribe(
  client: Client,
  file: FileInput,
  params: TranscriptionParams & { response_format: TextResponseFormat },
  options?: RequestOptions,
): Promise<ApiResult<string>>;
export function transcribe(
  client: Client,
  file: FileInput,
  params: TranscriptionParams,
  options?: RequestOptions,
): Promise<ApiResult<Transcription>>;
export function transcribe(
  client: Client,
  file: FileInput,
  params: TranscriptionParams,
  options?: RequestOptions,
): Promise<ApiResult<Transcription | string>> {
  checkFile(file, "transcribe");
  checkParams(params, "transcribe", '{ model: "gpt-4o-mini-transcribe" }');
  const form = multipart({ ...params, file, stream: undefined });
  return client.call("POST /audio/transcriptions", callInit(options, { form }));
}

/**
 * `POST /audio/transcriptions` with `stream: true`, as a `TranscriptionStream`: the
 * `transcript.text.delta` events as the model hears them, then `final()` (text, usage). Streaming
 * needs a model that streams (`gpt-4o-transcribe`, `gpt-4o-mini-transcribe`; not `whisper-1`).
 */
export function streamTranscription(
  client: Client,
  file: FileInput,
  params: TranscriptionParams,
  options?: RequestOptions,
): TranscriptionStream {
  checkFile(file, "streamTranscription");
  checkParams(params, "streamTranscription", '{ model: "gpt-4o-mini-transcribe" }');
  const form = multipart({ ...params, file, stream: true });
  const opening = client.openStream("POST /audio/transcriptions", { form }, options);
  return new TranscriptionStream(opening.source, opening.options);
}

/**
 * `POST /audio/translations`: an audio file's speech, translated into English. `data` is the JSON
 * translation, or the text itself for `response_format` `text`, `srt` or `vtt`.
 */
export function translate(
  client: Client,
  file: FileInput,
  params: TranslationParams & { response_format: TextResponseFormat },
  options?: RequestOptions,
): Promise<ApiResult<string>>;
export function translate(
  client: Client,
  file: FileInput,
  params: TranslationParams,
  options?: RequestOptions,
): Promise<ApiResult<Translation>>;
export function translate(
  client: Client,
  file: FileInput,
  params: TranslationParams,
  options?: RequestOptions,
): Promise<ApiResult<Translation | string>> {
  checkFile(file, "translate");
  checkParams(params, "translate", '{ model: "whisper-1" }');
  const form = multipart({ ...params, file });
  return client.call("POST /audio/translations", callInit(options, { form }));
}

function speechBody(input: unknown, params: SpeechParams, name: string): RouteBody<"POST /audio/speech"> {
  checkPresent(input, `${name}(client, input, params): input must be provided: the text to speak.`);
  checkParams(params, name, '{ model: "gpt-4o-mini-tts", voice: "alloy" }');
  return { ...params, input: input as string };
}

/**
 * `POST /audio/speech`: `input` spoken; `data` is the audio as a `Blob` (mp3 unless
 * `response_format` says otherwise): `new Audio(URL.createObjectURL(result.data)).play()`.
 */
export function speech(
  client: Client,
  input: string,
  params: SpeechParams,
  options?: RequestOptions,
): Promise<ApiResult<Blob>> {
  const body = speechBody(input, params, "speech");
  return client.call("POST /audio/speech", callInit(options, { body, as: "blob" as const }));
}

/**
 * `POST /audio/speech`, the audio as it is generated: `data` is a `ReadableStream<Uint8Array>` of the
 * audio bytes (`response_format: "pcm"` or `"wav"` for the lowest latency), read as they arrive. The
 * client's idle timeout bounds the wait between reads; the call's `signal` cancels it.
 */
export function speechStream(
  client: Client,
  input: string,
  params: SpeechParams,
  options?: RequestOptions,
): Promise<ApiResult<ReadableStream<Uint8Array>>> {
  const body = speechBody(input, params, "speechStream");
  return openByteStream(client, "POST /audio/speech", { body }, options);
}
