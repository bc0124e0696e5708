/**
 * Responses background mode, resumed by cursor: what a background stream does after a cut, and how
 * `resumeResponse` opens a stream another page started (`responses.ts` attaches it to background
 * streams only; a page that streams chat does not carry it).
 *
 * - Reconnecting: `GET /responses/{id}?stream=true&starting_after=<cursor>`, a request like any other
 *   (the client's retries and back-off before its response head). The stream engine reads it with a
 *   fresh SSE decoder and drops the events it repeats; the reader sees one unbroken stream.
 * - The budget: at most `maxRetries` reconnections in a row that bring no new event; an event resets the
 *   count, so a stream always ends (either it makes progress, or the budget runs out). The first
 *   reconnection after a cut is immediate (the server answered a moment ago), later ones wait the same
 *   back-off as the client's retries (`transport/retry.ts`).
 * - A connection that brought nothing new may mean the response is over (cancelled from another page,
 *   failed): before reconnecting again, one `GET /responses/{id}` asks, and a final status ends it.
 * - A cursor the server refuses (a 4xx to the stream request: the response was not created with
 *   `stream: true`, or its events are gone) falls back to polling `GET /responses/{id}` until the
 *   response leaves `queued`/`in_progress`. The events in between are lost with the server's stream;
 *   what is missing is delivered as one terminal event built from the polled response (`type`
 *   `response.completed` / `incomplete` / `failed` and `response`; no `sequence_number`: the server
 *   sent no such event), so `final()` is the server's response. `cancelled` (or an unknown status)
 *   ends the stream with a `StreamError` whose `partial` is the polled response.
 * - Polling is bounded: `queued` for at most `firstByteTimeout`, `in_progress` for at most `idleTimeout`
 *   without a change of the polled response (each a `TimeoutError` with that phase).
 */
import type { Client } from "../client/client.js";
import { callSettings, clientSettings, type RequestOptions } from "../client/config.js";
import { pollDelay, wait } from "../client/wait.js";
import { APIError, type RequestTarget, StreamError, TimeoutError } from "../errors/errors.js";
import type { ResponseStream } from "../stream/response-stream.js";
import type { StreamCut } from "../stream/types.js";
import { backoffDelay } from "../transport/retry.js";
import type { ResponseObject } from "../types/responses.js";
import { isRecord } from "../utils/checks.js";

/** A background response's statuses before it ends (OpenAI's guide: poll while in one of these). */
const RUNNING = new Set(["queued", "in_progress"]);

/**
 * Statuses of the stream request that mean "not from this cursor": a 400 or 404 for a response that
 * cannot be streamed again (not created with `background` and `stream`, its events no longer kept) or a
 * cursor out of range, 409/410/422 from compatible servers. The response itself may still be there:
 * polling decides (and a response that is gone is a 404 there too, an `APIError`).
 */
const CURSOR_REFUSED = new Set([400, 404, 409, 410, 422]);

/** The reconnections of one background stream (or one `resumeResponse` stream). */
export class ResponseReconnector {
  readonly #client: Client;
  readonly #stream: () => ResponseStream;
  readonly #options: RequestOptions | undefined;
  readonly #maxRetries: number;
  readonly #firstByteTimeout: number | false;
  readonly #idleTimeout: number | false;
  /** Reconnections in a row without a new event. */
  #failures = 0;
  /** The cursor at the last reconnection. */
  #lastCursor: number | undefined;

  constructor(client: Client, stream: () => ResponseStream, options: RequestOptions | undefined) {
    this.#client = client;
    this.#stream = stream;
    this.#options = options;
    const settings = callSettings(clientSettings(client.config), options);
    this.#maxRetries = settings.maxRetries;
    this.#firstByteTimeout = settings.firstByteTimeout;
    this.#idleTimeout = settings.idleTimeout;
    this.#lastCursor = undefined;
  }

  /** The first connection of `resumeResponse`: the stream from `startingAfter` (or polling). */
  first(responseId: string, startingAfter: number | undefined, signal: AbortSignal): Promise<Response> {
    this.#lastCursor = startingAfter;
    return this.#open(responseId, startingAfter, signal);
  }

  /** `StreamSource.resume`: the next connection after a cut, or a rejection to give up. */
  async resume({ error, signal }: StreamCut): Promise<Response> {
    const stream = this.#stream();
    const id = stream.responseId;
    const cursor = stream.cursor;
    // Cut before the response was named, or a server that numbers no event: there is no point to
    // resume from without repeating what the reader saw.
    if (id === undefined || cursor === undefined) throw error;
    const progressed = cursor !== this.#lastCursor;
    this.#lastCursor = cursor;
    if (progressed) this.#failures = 0;
    if (this.#failures >= this.#maxRetries) throw error;
    this.#failures++;
    if (this.#failures > 1) await wait(backoffDelay(this.#failures - 1), signal, this.#target(id));
    if (!progressed) {
      const current = await this.#get(id, signal);
      if (!RUNNING.has(current.response.status ?? "")) return ending(current.response, id);
    }
    return this.#open(id, cursor, signal);
  }

  /** The stream request from `cursor`; a refused cursor falls back to polling. */
  async #open(id: string, cursor: number | undefined, signal: AbortSignal): Promise<Response> {
    const opening = this.#client.openStream(
      "GET /responses/{response_id}",
      { path: { response_id: id }, query: { stream: true, starting_after: cursor } },
      this.#options,
    );
    const response = await opening.source.start(signal);
    if (response.ok || !CURSOR_REFUSED.has(response.status)) return response;
    await response.body?.cancel().catch(() => {});
    return this.#poll(id, signal);
  }

  /** Polls `GET /responses/{id}` until the response leaves `queued`/`in_progress` (bounded, see above). */
  async #poll(id: string, signal: AbortSignal): Promise<Response> {
    const target = this.#target(id);
    const started = Date.now();
    let changed = started;
    let last = "";
    for (let attempt = 1; ; attempt++) {
      const { response, headers } = await this.#get(id, signal);
      if (!RUNNING.has(response.status ?? "")) return ending(response, id);
      const now = Date.now();
      if (response.status === "queued") {
        const limit = this.#firstByteTimeout;
        if (limit !== false && now - started >= limit) throw new TimeoutError(target, "first-byte", limit);
      } else {
        const text = JSON.stringify(response);
        if (text !== last) {
          last = text;
          changed = now;
        }
        const limit = this.#idleTimeout;
        if (limit !== false && now - changed >= limit) throw new TimeoutError(target, "idle", limit);
      }
      await wait(pollDelay(headers, backoffDelay(attempt)), signal, target);
    }
  }

  /** `GET /responses/{id}`: the response as the server has it now; an error status throws `APIError`. */
  async #get(id: string, signal: AbortSignal): Promise<{ response: ResponseObject; headers: Headers }> {
    const result = await this.#client.call<ResponseObject>("GET /responses/{response_id}", {
      ...this.#options,
      path: { response_id: id },
      signal,
    });
    if (!result.ok) {
      throw new APIError(result.error, { headers: result.headers, requestId: result.requestId });
    }
    const response = result.data;
    if (!isRecord(response) || typeof response.status !== "string") {
      throw new StreamError(
        {
          message: `GET /responses/${id} answered without a response status; the stream cannot be resumed.`,
          type: "invalid_response",
          code: "no_status",
          param: null,
          status: result.status,
          raw: response,
        },
        this.#stream().currentSnapshot(),
      );
    }
    return { response, headers: result.headers };
  }

  #target(id: string): RequestTarget {
    return { method: "GET", url: `${this.#client.baseURL}/responses/${encodeURIComponent(id)}` };
  }
}

/**
 * How a response that has ended reaches the reader: its terminal event (built from the polled response,
 * with no `sequence_number`) as a one-event stream, or a `StreamError` for a response that ended
 * without one (`cancelled`, an unknown status).
 */
function ending(response: ResponseObject, id: string): Response {
  const status = response.status;
  if (status === "completed" || status === "incomplete" || status === "failed") {
    const type = `response.${status}`;
    const body = `event: ${type}\ndata: ${JSON.stringify({ type, response })}\n\n`;
    return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
  }
  const cancelled = status === "cancelled";
  throw new StreamError(
    {
      message: cancelled
        ? `The response ${id} was cancelled on the server before it finished.`
        : `The response ${id} ended with status "${String(status)}", which has no terminal event.`,
      type: cancelled ? "response_cancelled" : "unexpected_status",
      code: cancelled ? "cancelled" : null,
      param: null,
      status: 200,
      raw: response,
    },
    response,
  );
}
