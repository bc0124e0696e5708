/**
 * Checks on what a server says about the shape of its stream: indexes (`index`, `output_index`,
 * `content_index`, `summary_index`) and keys. The accumulators store items in arrays by these
 * indexes, so one chunk with `index: 1000000000` would make every snapshot walk a billion holes, and
 * `-1` or `0.5` would drop content silently. A bad index is a `StreamError` at once, with the partial.
 */
import { StreamError } from "../errors/errors.js";

/**
 * How far past the items seen so far an index may point. Real servers count up from 0 (or 1, corpus
 * file 27); a gap this large is a broken or hostile server, and it bounds the holes a snapshot walks.
 */
export const MAX_INDEX_GAP = 64;

/**
 * `true` for a key that must never be copied onto an aggregate: assigning `__proto__` would change
 * the object's prototype; `constructor` and `prototype` shadow what code expects to find there.
 */
export function isUnsafeKey(key: string): boolean {
  return key === "__proto__" || key === "constructor" || key === "prototype";
}

/**
 * Checks a server-given index against the `length` of the list it points into. `undefined` means the
 * server gave none (the caller uses a fallback); anything else must be an integer from 0 to
 * `length + MAX_INDEX_GAP`. Throws the `StreamError` that `partial()` completes.
 */
export function checkIndex(value: unknown, length: number, name: string, partial: () => unknown): void {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= length + MAX_INDEX_GAP) {
    return;
  }
  invalid(
    `\`${name}\` ${JSON.stringify(value) ?? String(value)} is not an index of this stream ` +
      `(an integer from 0 to ${length + MAX_INDEX_GAP}).`,
    partial,
  );
}

/** Throws the `StreamError` for a stream whose data does not have the shape the API defines. */
export function invalid(detail: string, partial: () => unknown): never {
  throw new StreamError(
    {
      message: `The server sent a stream event this client cannot use: ${detail}`,
      type: "invalid_stream_event",
      code: "invalid_shape",
      param: null,
      status: 200,
      raw: detail,
    },
    partial(),
  );
}
