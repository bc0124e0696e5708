/**
 * A route whose answer is read as a byte stream (`POST /audio/speech`, a file's content): the response
 * body as a `ReadableStream<Uint8Array>`, read as it arrives (no size limit: nothing is kept), with the
 * client's retries before the first byte, the idle timeout between reads, and the call's signal. A
 * non-2xx answer is an `ApiFailure` as usual (its body read within `maxErrorBodyBytes`).
 */
import { normalizeErrorBody } from "../errors/error-body.js";
import { TimeoutError } from "../errors/errors.js";
import { readText } from "../transport/read-body.js";
import { decodeBody } from "../transport/response-meta.js";
import { toTransportError } from "../transport/send.js";
import { startTimer, type Timer } from "../utils/timers.js";
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
  const { signal, idleTimeout, maxErrorBodyBytes } = settings;
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
      text = await readText(response, {
        target,
        signal,
        maxBytes: maxErrorBodyBytes,
        kind: "error-body",
        option: "maxErrorBodyBytes",
      });
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
      let timer: Timer | undefined;
      try {
        const read = reader.read();
        const result = idleTimeout
          ? await Promise.race([
              read,
              new Promise<never>((_, reject) => {
                timer = startTimer(() => reject(new TimeoutError(target, "idle", idleTimeout)), idleTimeout);
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
        controller.error(error instanceof TimeoutError ? error : toTransportError(error, target, { signal }));
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
