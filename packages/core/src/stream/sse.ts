/**
 * Bytes → Server-Sent Events, through eventsource-parser (WHATWG rules: blank-line dispatch, multi-line
 * `data:` joined with `\n`, `event:` names, comments). What this file adds on top:
 *
 * - one streaming `TextDecoder` per response, flushed at the end, so a UTF-8 sequence split across two
 *   reads never turns into U+FFFD;
 * - comments (`: OPENROUTER PROCESSING`) are counted and reported apart from data, so the idle timer
 *   can ignore them;
 * - end-of-stream rules the spec leaves open: a trailing `data: [DONE]` that was never dispatched (no
 *   newline, or no blank line after it: corpus file 27) still counts as the terminator; any other
 *   trailing data that was never dispatched (a line cut mid-way: corpus file 10) is dropped, reported
 *   through `onDroppedTrailing`, and never JSON-parsed;
 * - lines with leading whitespace before `data:` (lua-openai's `"  data: ..."` test) are accepted when
 *   the whole line arrives in one read (see `onError` below for why that is free and what it misses).
 *
 * - a size bound: one event (its accumulated `data` plus the line still being read) may hold at most
 *   `maxEventSize` characters (default 16 Mi, eventsource-parser's `maxBufferSize`); past it, `push()`
 *   throws `ResponseTooLargeError` and the decoder is finished, so a server that sends one endless line
 *   cannot make it buffer without bound.
 *
 * This is the one SSE decoding path: the stream classes and the request builder's `events()` both use it.
 *
 * Performance: one decoder and one parser per response, no TransformStream, no per-chunk closure or
 * options object (`STREAM_OPTIONS` is shared). eventsource-parser itself keeps partial lines as
 * fragments and joins them once, so a 1.6 MB `data:` line (corpus file 17) arriving in thousands of
 * reads stays linear.
 */
import {
  createParser,
  type EventSourceMessage,
  type EventSourceParser,
  type ParseError,
} from "eventsource-parser";
import { type RequestTarget, ResponseTooLargeError } from "../errors/errors.js";
import { checkSizeLimit, DEFAULT_MAX_EVENT_SIZE, type SizeLimit } from "../transport/limits.js";

/** Receives what the decoder finds. Called synchronously from `push()` / `end()`. */
export interface SseSink {
  /**
   * A dispatched event with its raw data text (not parsed) and its `event:` name, if any. At EOF,
   * complete lines of an event that never got its blank line are delivered here too; `[DONE]` is
   * never filtered at this level (the caller decides what a terminator is), except the EOF case below.
   */
  onEvent(data: string, event: string | undefined, id: string | undefined): void;
  /** A comment line, without the leading `:` and one optional space. */
  onComment?(comment: string): void;
  /** An undispatched `data: [DONE]` was found at EOF: the body did end with its terminator. */
  onTrailingDone?(): void;
  /** Undispatched data at EOF that was dropped without parsing (the body was cut mid-line). */
  onDroppedTrailing?(data: string): void;
  /** A line the parser could not use (unknown field); for diagnostics only. */
  onIgnoredLine?(line: string): void;
}

/** Options of `new SseDecoder(sink, options)`. */
export interface SseDecoderOptions {
  /**
   * Largest event, in characters: its `data` so far plus the line still being read. Default 16 Mi;
   * `false` for no limit. Past it, `push()` throws `ResponseTooLargeError` (kind `"event"`).
   */
  maxEventSize?: SizeLimit | undefined;
  /** The request, named in `ResponseTooLargeError`. */
  target?: RequestTarget | undefined;
  /**
   * What to do at EOF with an event that never got its blank line: `true` (default) delivers its
   * complete lines and counts a trailing `data: [DONE]` as the terminator (OpenAI-compatible servers
   * that skip the blank line); `false` drops it as the SSE specification says (reported through
   * `onDroppedTrailing`).
   */
  keepTrailing?: boolean | undefined;
  /** The option that sets `maxEventSize`, named in the error. Default `"maxEventSize"`. */
  option?: string | undefined;
}

const STREAM_OPTIONS: TextDecodeOptions = { stream: true };
const LF = 10;
const CR = 13;
/** Enough of an open line to recognise `data:` (with some indentation). */
const OPEN_HEAD = 32;

/**
 * An incremental SSE decoder for one response body: `push(bytes)` per read, `end()` once at EOF.
 *
 * ```ts
 * const decoder = new SseDecoder({ onEvent: (data, event) => console.log(event, data) });
 * for await (const bytes of response.body) decoder.push(bytes);
 * decoder.end();
 * ```
 */
export class SseDecoder {
  readonly #sink: SseSink;
  readonly #text = new TextDecoder();
  readonly #parser: EventSourceParser;
  /** Last UTF-16 code unit fed to the parser (LF at start: "nothing pending"). */
  #lastCode = LF;
  #ended = false;
  /** True only while `end()` flushes the parser: dispatched events then are EOF leftovers. */
  #atEof = false;
  readonly #maxEventSize: SizeLimit;
  readonly #target: RequestTarget | undefined;
  readonly #keepTrailing: boolean;
  readonly #option: string;
  /** Set when the parser reported an event above `maxEventSize`; thrown once `feed` returns. */
  #overflow = false;

  constructor(sink: SseSink, options: SseDecoderOptions = {}) {
    this.#sink = sink;
    this.#option = options.option ?? "maxEventSize";
    this.#maxEventSize = checkSizeLimit(options.maxEventSize, this.#option) ?? DEFAULT_MAX_EVENT_SIZE;
    this.#target = options.target;
    this.#keepTrailing = options.keepTrailing ?? true;
    this.#parser = createParser({
      onEvent: (message: EventSourceMessage) => {
        if (this.#atEof) this.#eofEvent(message.data, message.event, message.id);
        else this.#sink.onEvent(message.data, message.event, message.id);
      },
      onComment: sink.onComment ? (comment: string) => sink.onComment?.(comment) : undefined,
      onError: (error: ParseError) => this.#parseError(error),
      maxBufferSize: this.#maxEventSize === false ? undefined : this.#maxEventSize,
    });
  }

  /** Feeds one read of the body. Throws `ResponseTooLargeError` when an event passes `maxEventSize`. */
  push(bytes: Uint8Array): void {
    if (this.#ended) throw new TypeError("SseDecoder.push() was called after end(); create a new decoder.");
    const text = this.#text.decode(bytes, STREAM_OPTIONS);
    if (text.length === 0) return;
    this.#track(text);
    this.#feed(text);
  }

  /** Feeds already-decoded text (tests, or bodies held as strings). */
  pushText(text: string): void {
    if (this.#ended)
      throw new TypeError("SseDecoder.pushText() was called after end(); create a new decoder.");
    if (text.length === 0) return;
    this.#track(text);
    this.#feed(text);
  }

  #feed(text: string): void {
    this.#parser.feed(text);
    if (this.#overflow) {
      // The parser dropped what it held and refuses more input: this decoder is finished.
      this.#ended = true;
      throw new ResponseTooLargeError(this.#target, {
        kind: "event",
        limit: this.#maxEventSize as number,
        option: this.#option,
      });
    }
  }

  /**
   * Remembers the last code unit and the first characters of the line still open, so `end()` knows
   * whether the body stopped in the middle of a `data:` line. Usually O(1): reads end with `\n`.
   */
  #track(text: string): void {
    const last = text.charCodeAt(text.length - 1);
    this.#lastCode = last;
    if (last === LF || last === CR) {
      this.#openHead = "";
      return;
    }
    // Scan back only to the last LF; a CR after it (rare: CR-only streams) is looked for forward from there.
    const lf = text.lastIndexOf("\n");
    const cr = text.indexOf("\r", lf + 1);
    const cut = cr === -1 ? lf : text.lastIndexOf("\r");
    if (cut !== -1) this.#openHead = text.slice(cut + 1, cut + 1 + OPEN_HEAD);
    else if (this.#openHead.length < OPEN_HEAD)
      this.#openHead += text.slice(0, OPEN_HEAD - this.#openHead.length);
  }

  /**
   * Marks the end of the body: flushes the UTF-8 decoder (an incomplete sequence becomes U+FFFD, as
   * it must: the body really was cut there), then applies the EOF rules to whatever the parser still
   * holds. Idempotent.
   */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const rest = this.#text.decode();
    if (rest.length > 0) {
      this.#track(rest);
      this.#feed(rest);
    }
    // Whether the body stopped inside a `data:` line: only that line's bytes are incomplete.
    this.#lastLineOpen =
      this.#lastCode !== LF && this.#lastCode !== CR && this.#openHead.trimStart().startsWith("data");
    // Two line feeds end the open line (if any) and dispatch the pending event (if any); the events
    // this produces are EOF leftovers and go through #eofEvent.
    this.#atEof = true;
    try {
      this.#parser.feed("\n\n");
    } finally {
      this.#atEof = false;
    }
  }

  #lastLineOpen = false;
  /** Up to OPEN_HEAD characters of the line not yet terminated. */
  #openHead = "";

  /**
   * An event that only dispatched because the body ended. WHATWG drops it; we keep what is safe:
   * `[DONE]` lines count as the terminator, complete lines are delivered (lua-openai and many servers
   * never send the blank line), and the last line, if it had no line terminator, is dropped unparsed
   * unless it is `[DONE]`.
   */
  #eofEvent(data: string, event: string | undefined, id: string | undefined): void {
    if (!this.#keepTrailing) {
      this.#sink.onDroppedTrailing?.(data);
      return;
    }
    let complete = data;
    if (this.#lastLineOpen) {
      const cut = data.lastIndexOf("\n");
      const last = cut === -1 ? data : data.slice(cut + 1);
      complete = cut === -1 ? "" : data.slice(0, cut);
      if (last === "[DONE]") this.#sink.onTrailingDone?.();
      else if (last.length > 0) this.#sink.onDroppedTrailing?.(last);
    }
    if (complete.length === 0) return;
    if (complete === "[DONE]") {
      this.#sink.onTrailingDone?.();
      return;
    }
    this.#sink.onEvent(complete, event, id);
  }

  /**
   * eventsource-parser reports lines it cannot use as `unknown-field`. A line with whitespace before
   * `data:` (`"    data: {...}"`, lua-openai's test) arrives here with the field name `"    data"`;
   * accepting it as a standalone data event costs nothing on the normal path. Limitation: the parser
   * discards such a line without reporting it when the line is split across two reads (it cannot
   * become a valid field), so indented lines are only reliable when each arrives whole. Real servers
   * do not indent; the spec does not allow it.
   */
  #parseError(error: ParseError): void {
    if (error.type === "max-buffer-size-exceeded") {
      this.#overflow = true;
      return;
    }
    if (error.type === "unknown-field" && error.field !== undefined && error.value !== undefined) {
      if (error.field.trim() === "data") {
        if (this.#atEof) this.#eofEvent(error.value, undefined, undefined);
        else this.#sink.onEvent(error.value, undefined, undefined);
        return;
      }
    }
    this.#sink.onIgnoredLine?.(error.line ?? error.message);
  }
}

/** `true` when an SSE data payload is the OpenAI stream terminator. */
export function isDoneData(data: string): boolean {
  return data === "[DONE]";
}
