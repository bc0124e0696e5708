/**
 * `SessionStream`: the async-iterator form of a streamed session reply. The reply runs as soon as the
 * stream is created (so `await stream.final()` works without iterating); the iterator hands out the
 * chunks that arrived, in order, and then ends or throws the reply's error.
 */
import type { ContentChunk } from "../stream/content-chunk.js";

/** Produces the reply: calls `push` per chunk, resolves with the final value; `signal` aborts it. */
export type SessionStreamRun<Final> = (
  push: (chunk: ContentChunk) => void,
  signal: AbortSignal,
) => Promise<Final>;

/**
 * A streamed session reply: `for await (const chunk of stream)` gives the content chunks
 * (`String(chunk)` is the text); `await stream.final()` gives what `send()` would have returned;
 * `stream.abort()` stops it (the partial reply is kept, reported as incomplete, and the iterator and
 * `final()` reject with `RequestAbortedError`). Leaving a `for await` loop early (`break`) aborts too.
 */
export class SessionStream<Final> implements AsyncIterable<ContentChunk> {
  readonly #controller = new AbortController();
  readonly #done: Promise<Final>;
  readonly #queue: ContentChunk[] = [];
  /** The next chunk to hand out: a read index instead of `shift()`, and the queue is emptied once drained. */
  #head = 0;
  #text = "";
  #settled = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  #iterating = false;

  /** @param run Produces the reply (see {@link SessionStreamRun}). */
  constructor(run: SessionStreamRun<Final>) {
    const push = (chunk: ContentChunk) => {
      this.#text += chunk.content ?? "";
      this.#queue.push(chunk);
      this.#notify();
    };
    this.#done = Promise.resolve()
      .then(() => run(push, this.#controller.signal))
      .then(
        (value) => {
          this.#settled = true;
          this.#notify();
          return value;
        },
        (error: unknown) => {
          this.#settled = true;
          this.#failure = { error };
          this.#notify();
          throw error;
        },
      );
    // The error reaches whoever awaits final() or iterates; never an unhandled rejection on its own.
    this.#done.catch(() => {});
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** What the session's `send()` returns: the reply text, or the assistant message for a tool call. */
  final(): Promise<Final> {
    return this.#done;
  }

  /** The text of the reply (the content of every chunk), once it is complete. */
  async text(): Promise<string> {
    await this.#done;
    return this.#text;
  }

  /** Stops the reply. The partial reply is kept and reported through the observer's `onIncomplete`. */
  abort(reason?: unknown): void {
    this.#controller.abort(reason);
  }

  /** The abort signal of this stream (aborted by `abort()`). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  [Symbol.asyncIterator](): AsyncIterator<ContentChunk> {
    if (this.#iterating) {
      throw new TypeError(
        "A session stream can be iterated only once; use final() or text() for the result.",
      );
    }
    this.#iterating = true;
    return {
      next: async (): Promise<IteratorResult<ContentChunk>> => {
        for (;;) {
          const chunk = this.#queue[this.#head];
          if (chunk) {
            this.#head++;
            if (this.#head === this.#queue.length) {
              this.#queue.length = 0;
              this.#head = 0;
            }
            return { value: chunk, done: false };
          }
          if (this.#failure) throw this.#failure.error;
          if (this.#settled) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
          });
        }
      },
      return: async (): Promise<IteratorResult<ContentChunk>> => {
        // Leaving the loop early stops the reply (like the client's streams); the partial is kept.
        if (!this.#settled) this.abort();
        this.#queue.length = 0;
        this.#head = 0;
        return { value: undefined, done: true };
      },
    };
  }
}
