/**
 * The bounds of a call, in one place: the one rule for timeout options and for size limits, and the
 * default limits. The client (`ClientConfig`, per-call options), the stream classes and the request
 * builder all check their options here, so they accept and refuse exactly the same values.
 *
 * The rule for both: a positive number, or `false` for "no limit". `0` is refused (it would read as
 * "off" to some and "at once" to others); so are numbers a timer cannot hold.
 */
import { describeValue } from "../utils/checks.js";

/** The longest timeout a JavaScript timer can hold (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A timeout option: milliseconds (1 … `MAX_TIMEOUT_MS`), or `false` for none. */
export type Timeout = number | false;

/** A size limit option: a number of bytes (or characters, for SSE events), or `false` for none. */
export type SizeLimit = number | false;

/** Default limit of a body read whole (a JSON answer, a file's content, `execute()`): 128 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;
/** Default limit of an error body (a non-2xx answer of the client, or of a stream): 1 MiB. */
export const DEFAULT_MAX_ERROR_BODY_BYTES = 1024 * 1024;
/** Default limit of one server-sent event (its data and the line being read), in characters: 16 Mi. */
export const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

/**
 * Checks a timeout option: `undefined` (not set), `false` (no timeout), or a number of milliseconds
 * from 1 to `MAX_TIMEOUT_MS`. `where` names the option in the `TypeError`.
 */
export function checkTimeout(value: unknown, where: string): Timeout | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value === "number" && value > 0 && value <= MAX_TIMEOUT_MS) return value;
  const hint =
    value === 0
      ? " To turn it off, pass false (0 is refused: it is ambiguous)."
      : typeof value === "number" && value > MAX_TIMEOUT_MS
        ? " Longer waits do not fit in a timer; pass false for no limit."
        : "";
  throw new TypeError(
    `${where} must be a positive number of milliseconds up to ${MAX_TIMEOUT_MS} (about 24.8 days), ` +
      `or false for no limit (got ${describeValue(value)}).${hint}`,
  );
}

/**
 * Checks a size limit option: `undefined` (not set), `false` (no limit), or a positive integer.
 * `where` names the option in the `TypeError`.
 */
export function checkSizeLimit(value: unknown, where: string): SizeLimit | undefined {
  if (value === undefined || value === false) return value;
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(
    `${where} must be a positive whole number (a size limit), or false for no limit (got ${describeValue(value)}).`,
  );
}
