/**
 * The one rule for session ids, shared by the local stores (checked when a session is created) and the
 * sync server (checked on every request), so that an id a page can create is one that syncs.
 *
 * An id travels as one URL path segment (`encodeURIComponent`) and becomes part of store keys, so:
 * - at most {@link MAX_SESSION_ID_LENGTH} UTF-16 code units (Deno KV keys are at most 2 KiB);
 * - not `.` or `..`: URLs resolve those segments away (`/sessions/../push` is `/push`), whatever encoding;
 * - well-formed UTF-16 (no lone surrogate): `encodeURIComponent` throws on one;
 * - no control characters (U+0000 to U+001F, U+007F): they have no place in an id, and the sync server keeps
 *   its own bookkeeping under ids that start with U+0000, which no client can name.
 */
export const MAX_SESSION_ID_LENGTH = 512;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with `id` as a session id, or undefined when it is a good one. */
export function sessionIdProblem(id: unknown): string | undefined {
  if (typeof id !== "string" || id === "") return "must be a non-empty string";
  if (id.length > MAX_SESSION_ID_LENGTH)
    return `is ${id.length} characters long, more than ${MAX_SESSION_ID_LENGTH}`;
  if (id === "." || id === "..") return `cannot be "${id}" (a URL resolves it away)`;
  if (LONE_SURROGATE.test(id)) return "contains a lone surrogate (not well-formed UTF-16)";
  if (CONTROL.test(id)) return "contains a control character";
  return undefined;
}

/** Throws a TypeError naming `where` when `id` is not a good session id (see {@link sessionIdProblem}). */
export function checkSessionId(id: unknown, where: string): asserts id is string {
  const problem = sessionIdProblem(id);
  if (problem) {
    throw new TypeError(
      `${where}: the session id ${problem}. Use a short text id, e.g. crypto.randomUUID() for a new conversation.`,
    );
  }
}

/** `id` cut to at most `max` code units without splitting a surrogate pair (for ids derived from others). */
export function shortenId(id: string, max: number): string {
  if (id.length <= max) return id;
  const cut = id.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
