/**
 * A route whose answer is a byte stream (`POST /audio/speech`): the response body as a
 * `ReadableStream<Uint8Array>`, read as it arrives, with the client's retries before the first byte,
 * the idle timeout between reads, and the call's signal. A non-2xx answer is an `ApiFailure` as usual.
 */
import { normalizeErrorBody } from "../errors/error-body.js";
import { TimeoutError } from "../errors/errors.js";
import { decodeBody } from "../transport/response-meta.js";
import { toTransportError } from "../transport/send.js";
import { type Client, type Route, responseMeta, type StreamPayload } from "./client.js";
import type { RequestOptions } from "./config.js";
import type { ApiResult } from "./result.js";

export async function openByteStream(
  client: Client,
  route: Route,
  payload: StreamPayload,
  options: RequestOptions | undefined,
): Promise<ApiResult<ReadableStream<Uint8Array>>> {
  const { source, options: settings } = client.openStream(route, payload, options);
  const { signal, idleTimeout } = settings;
  const target = source.target;
  const aborter = new AbortController();
  const onAbort = () => aborter.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const release = () => signal?.removeEventListener("abort", onAbort);

  let response: Response;
  try {
    response = await source.start(aborter.signal);
  } catch (error) {
    release();
    throw toTransportError(error, target, { signal });
  }
  const meta = responseMeta(response);
  if (!response.ok || !response.body) {
    let text = "";
    try {
      text = await response.text();
    } catch (error) {
      throw toTransportError(error, target, { signal });
    } finally {
      release();
    }
    const data = decodeBody(text);
    if (response.ok) return { ok: true, ...meta, data: new Blob([]).stream() };
    return { ok: false, ...meta, error: normalizeErrorBody(response.status, data), data };
  }
  const reader = response.body.getReader();
  const data = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const read = reader.read();
        const result = idleTimeout
          ? await Promise.race([
              read,
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new TimeoutError(target, "idle", idleTimeout)), idleTimeout);
              }),
            ])
          : await read;
        if (result.done) {
          release();
          controller.close();
        } else controller.enqueue(result.value);
      } catch (error) {
        release();
        reader.cancel().catch(() => {});
        controller.error(toTransportError(error, target, { signal }));
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return { ok: true, ...meta, data };
}
