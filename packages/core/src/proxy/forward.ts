/**
 * The proxy's wire work: reading the page's body (bounded, and read once: the bytes that were checked
 * are the bytes that go upstream), the headers that go upstream and back, and the stream that hands the
 * upstream body to the page chunk by chunk.
 *
 * Headers are allow-listed both ways. Upstream gets the content type, `accept`, the headers the operator
 * allowed and the key: never the page's `Authorization`, cookies, `Host`, `X-Forwarded-*` or anything
 * else a page could use to smuggle a credential or a target. The page gets the content type and the
 * headers the client reads (request id, retry hints): never `Set-Cookie`, the upstream's organisation
 * or its own CORS headers.
 */
import { isRecord } from "../utils/checks.js";

/** Request headers that go upstream, besides the ones the operator allows and the key. */
export const FORWARDED_REQUEST_HEADERS = ["content-type", "accept"];

/** Upstream response headers the page gets. */
const FORWARDED_RESPONSE_HEADERS = [
  "content-type",
  "content-disposition",
  "cache-control",
  "x-request-id",
  "openai-processing-ms",
  "openai-version",
  "retry-after",
  "retry-after-ms",
  "x-should-retry",
];

/** The page's body, read up to `limit` bytes; `"too-large"` past it. */
export async function readRequestBody(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | "too-large"> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return "too-large";
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    size += next.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return "too-large";
    }
    parts.push(next.value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    body.set(part, offset);
    offset += part.byteLength;
  }
  return body;
}

/** What the proxy reads in a body: the model it names and whether it asks for a stream. */
export interface BodyFacts {
  model: string | undefined;
  stream: boolean;
}

/**
 * Reads `model` and `stream` from a JSON or multipart body; `undefined` when a body that says it is
 * JSON is not a JSON object (the page gets a 400, the upstream nothing).
 */
export async function bodyFacts(
  body: Uint8Array<ArrayBuffer>,
  contentType: string,
): Promise<BodyFacts | undefined> {
  if (body.byteLength === 0) return { model: undefined, stream: false };
  if (/^application\/json\b/i.test(contentType)) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return undefined;
    }
    if (!isRecord(json)) return undefined;
    return { model: typeof json.model === "string" ? json.model : undefined, stream: json.stream === true };
  }
  if (/^multipart\/form-data\b/i.test(contentType)) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      return undefined;
    }
    const model = form.get("model");
    return { model: typeof model === "string" ? model : undefined, stream: form.get("stream") === "true" };
  }
  return { model: undefined, stream: false };
}

/** The headers of the upstream request: the allow-listed ones of the page's request, then the operator's. */
export function upstreamHeaders(
  request: Request,
  allowed: readonly string[],
  fixed: Readonly<Record<string, string>>,
): Headers {
  const headers = new Headers();
  for (const name of [...FORWARDED_REQUEST_HEADERS, ...allowed]) {
    const value = request.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(fixed)) headers.set(name, value);
  return headers;
}

/** The headers of the answer to the page: the allow-listed ones of the upstream response, and `extra`. */
export function pageHeaders(
  upstream: Response,
  allowed: readonly string[],
  extra: Record<string, string>,
): Headers {
  const headers = new Headers();
  for (const name of [...FORWARDED_RESPONSE_HEADERS, ...allowed]) {
    const value = upstream.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return headers;
}

/**
 * The upstream body as the page's body: each chunk handed on as it was read (no buffer in between:
 * the stream has no queue of its own, a read of the page's side is one read of the upstream's), and
 * `onEnd` called once when it ends, fails or is cancelled, and awaited before the page's body ends (a
 * Worker's request stays alive until then, so the limit store hears of it). Cancelling it (the page
 * went away) cancels the upstream body, which closes the upstream connection.
 */
export function passThrough(
  body: ReadableStream<Uint8Array>,
  onEnd: () => Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          await onEnd();
          controller.error(error);
          return;
        }
        if (next.done) {
          await onEnd();
          controller.close();
        } else controller.enqueue(next.value);
      },
      async cancel(reason) {
        await Promise.all([onEnd(), reader.cancel(reason).catch(() => undefined)]);
      },
    },
    { highWaterMark: 0 },
  );
}
