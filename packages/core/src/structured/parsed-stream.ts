/**
 * `ParsedStream`: a streamed structured answer. Iterating it yields the answer's partial value as
 * its JSON arrives, then the validated value; `final()` resolves to the validated result.
 */
import type { EventStream } from "../stream/event-stream.js";
import { PartialJson } from "./partial-json.js";

/** `T` with every property optional, at every depth: what a partial answer can hold. */
export type DeepPartial<T> = T extends readonly (infer Item)[]
  ? DeepPartial<Item>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * A streamed structured answer (`streamParsedChatCompletion`, `streamParsedResponse`).
 *
 * `for await (const partial of stream)` yields a new partial value whenever a chunk adds to it (each
 * a new object sharing its unchanged parts with the one before; do not mutate them), and last the
 * validated value (`T`, after the schema's transforms). A refusal or an invalid answer ends the
 * iteration with `RefusalError` / `InvalidAnswerError`; transport and stream failures with the
 * stream's own errors. `final()` resolves to `{ parsed, text, ... }` (it can be awaited alone, without
 * iterating). `raw` is the underlying stream, `abort()` stops it.
 */
export class ParsedStream<T, Raw, Final, Result extends { parsed: T }>
  implements AsyncIterable<DeepPartial<T>>
{
  /** The underlying stream of raw chunks or events (its `final()` is the aggregate before parsing). */
  readonly raw: EventStream<Raw, Final>;
  readonly #delta: (raw: Raw) => string | undefined;
  readonly #finish: (final: Final) => Promise<Result>;
  #result: Promise<Result> | undefined;
  #partial: unknown;

  /** Built by `streamParsedChatCompletion` / `streamParsedResponse`. */
  constructor(
    raw: EventStream<Raw, Final>,
    delta: (raw: Raw) => string | undefined,
    finish: (final: Final) => Promise<Result>,
  ) {
    this.raw = raw;
    this.#delta = delta;
    this.#finish = finish;
  }

  /** The latest partial value (undefined before the first one; the validated value once iterated). */
  get partial(): DeepPartial<T> | undefined {
    return this.#partial as DeepPartial<T> | undefined;
  }

  /** Reads the stream to its end and resolves to the validated answer; rejects with the typed errors. */
  final(): Promise<Result> {
    this.#result ??= this.raw.final().then(this.#finish);
    return this.#result;
  }

  /** Aborts the request (`RequestAbortedError`). */
  abort(reason?: unknown): void {
    this.raw.abort(reason);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<DeepPartial<T>, void, undefined> {
    const json = new PartialJson();
    for await (const chunk of this.raw) {
      const delta = this.#delta(chunk);
      if (delta === undefined) continue;
      const snapshot = json.write(delta);
      if (snapshot !== undefined) {
        this.#partial = snapshot;
        yield snapshot as DeepPartial<T>;
      }
    }
    const { parsed } = await this.final();
    this.#partial = parsed;
    yield parsed as DeepPartial<T>;
  }
}
