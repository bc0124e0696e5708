/**
 * lua-openai's SSE line filter (lua-openai `openai/sse.moon`, `create_stream_filter`), ported 1:1.
 *
 * Why this one is hand-written and not built on eventsource-parser: it is a legacy utility kept for
 * parity with lua-openai and its 12 tests, and its rules are deliberately not the SSE spec's. Each line is
 * handled on its own (no blank-line event dispatch, no multi-line `data:` joining), leading and
 * trailing whitespace is trimmed (so indented lines and CRLF work), only `data: ` *with* the space
 * counts, `[DONE]` and invalid JSON are skipped silently, and a last line without `\n` is never
 * emitted (no end-of-stream flush). A spec parser would differ on every one of those points. The
 * client's real SSE path (`sse.ts`, eventsource-parser) is what streams use; use this only when you
 * need lua-openai's exact behaviour on a body you already hold.
 */

/** Called once per decoded `data: ` line. */
export type StreamFilterCallback = (parsed: unknown) => void;

/**
 * A pass-through filter: feed it body pieces in order; it returns each piece unchanged (lua-openai's
 * ltn12 chaining contract: `filter("x") === "x"`, `filter(undefined) === undefined`).
 */
export type StreamFilter = <T extends string | Uint8Array | null | undefined>(chunk?: T) => T;

// Lua's `%s` class: space, \t, \n, \v, \f, \r (not the Unicode spaces that String#trim removes).
const LEADING_SPACE = /^[ \t\n\v\f\r]+/;
const TRAILING_SPACE = /[ \t\n\v\f\r]*$/;

/**
 * Creates lua-openai's SSE filter. `callback` gets every `data: <json>` line decoded as JSON, in order.
 *
 * ```ts
 * const events: unknown[] = [];
 * const filter = createStreamFilter((event) => events.push(event));
 * filter('data: {"id": 1}\n');
 * filter("data: [DONE]"); // skipped (and never emitted: no trailing newline)
 * ```
 *
 * Bytes (`Uint8Array`) are decoded with one streaming UTF-8 decoder, so a character split across two
 * pieces is not broken (Lua works on bytes and never had to care).
 */
export function createStreamFilter(callback: StreamFilterCallback): StreamFilter {
  if (typeof callback !== "function") {
    // lua-openai's assert text, plus what to do.
    throw new TypeError(
      "Must provide chunk_callback function when streaming response: pass createStreamFilter(callback).",
    );
  }
  let buffer = "";
  let decoder: TextDecoder | undefined;

  return <T extends string | Uint8Array | null | undefined>(chunk?: T): T => {
    let text: string | undefined;
    if (typeof chunk === "string") text = chunk;
    else if (chunk instanceof Uint8Array) {
      decoder ??= new TextDecoder("utf-8");
      text = decoder.decode(chunk, { stream: true });
    }
    if (text !== undefined) {
      buffer += text;
      for (;;) {
        const newline = buffer.indexOf("\n");
        if (newline === -1) break;
        const line = buffer.slice(0, newline).replace(LEADING_SPACE, "").replace(TRAILING_SPACE, "");
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith("data: ")) continue;
        const json = line.slice(6);
        if (json === "[DONE]") continue;
        let parsed: unknown;
        try {
          parsed = JSON.parse(json);
        } catch {
          continue; // lua-openai's pcall: invalid JSON is skipped silently
        }
        callback(parsed);
      }
    }
    return chunk as T;
  };
}
