/**
 * The live view of a session: `subscribe(listener)` and `getSnapshot()`, the pair React's
 * `useSyncExternalStore` takes and that Vue, Svelte, Solid or plain DOM code can use as it is.
 *
 * A snapshot is immutable and structurally shared: `messages` is a frozen array that is replaced only
 * when the history changed (the messages in it are the history's own objects, so an unchanged message
 * keeps its identity), and `getSnapshot()` returns the same object until something changed. Snapshots
 * are built lazily, when read: a chunk only marks the view dirty (O(1), whatever the history's length),
 * and the frozen copy of the history is made once per change of the history, not per chunk.
 *
 * Listeners hear of a change at most once per animation frame while a reply streams (or once per
 * `notifyIntervalMs`), and on the next microtask for everything else (a send, its end, an error, an
 * edit), so a burst of changes is one notification; a listener is called only when the snapshot it
 * would read differs from the one it last heard of. This module knows no framework.
 */

/** Whether the session is idle, generating a reply (`pending` then holds what arrived), or failed. */
export type SessionStatus = "ready" | "streaming" | "error";

/** What a UI reads from a session: one immutable object, replaced when something changes. */
export interface SessionSnapshot<Item, Pending> {
  /** The history (a Responses session: its turns), frozen; a new array only when the history changed. */
  readonly messages: readonly Item[];
  /** The reply being streamed (its text and tool calls so far), or `null`. */
  readonly pending: Pending | null;
  /** `streaming` from a send until its reply ends; `error` when the last one failed; else `ready`. */
  readonly status: SessionStatus;
  /** The error of the last send (`undefined` unless `status` is `error`; a stop is not an error). */
  readonly error: Error | undefined;
}

/** What a session gives its live view. */
export interface LiveSource<Item, Snapshot> {
  /** The history as it is now (the session's own array: copied and frozen here when it changed). */
  items(): readonly Item[];
  /** A new snapshot around `messages` (the frozen copy). */
  snapshot(messages: readonly Item[]): Snapshot;
  /** Called when the first listener subscribes (`true`) and when the last one leaves (`false`). */
  watched(active: boolean): void;
}

const raf = (globalThis as { requestAnimationFrame?: (callback: () => void) => number })
  .requestAnimationFrame;

/** The snapshot cache and the scheduling of notifications for one session (made on first use). */
export class LiveView<Item, Snapshot> {
  readonly #source: LiveSource<Item, Snapshot>;
  readonly #intervalMs: number | undefined;
  readonly #listeners = new Set<() => void>();
  #snapshot: Snapshot | undefined;
  /** Something changed since `#snapshot` was built. */
  #stale = true;
  /** The frozen copy of the history; `undefined` once the history changed. */
  #messages: readonly Item[] | undefined;
  #emitted: Snapshot | undefined;
  /** A notification is queued: on the next microtask (urgent), at the next frame. */
  #microtask = false;
  #frame = false;

  constructor(source: LiveSource<Item, Snapshot>, intervalMs: number | undefined) {
    this.#source = source;
    this.#intervalMs = intervalMs;
  }

  /**
   * Something changed. `history`: the history itself (else the pending reply, the status or an extra
   * field). `urgent`: notify on the next microtask; else at the next frame (a streamed chunk). A
   * notification already queued carries every change made before it runs (a frame that finds nothing
   * new since an urgent one notifies nobody).
   */
  changed(history: boolean, urgent: boolean): void {
    this.#stale = true;
    if (history) this.#messages = undefined;
    if (this.#listeners.size === 0) return;
    if (urgent && !this.#microtask) {
      this.#microtask = true;
      queueMicrotask(() => {
        this.#microtask = false;
        this.#emit();
      });
    } else if (!urgent && !this.#frame) {
      this.#frame = true;
      const run = () => {
        this.#frame = false;
        this.#emit();
      };
      if (this.#intervalMs === undefined && raf) raf(run);
      else setTimeout(run, this.#intervalMs ?? 16);
    }
  }

  subscribe(listener: () => void): () => void {
    if (typeof listener !== "function") {
      throw new TypeError("session.subscribe(listener): listener must be a function.");
    }
    if (this.#listeners.size === 0) {
      // Listeners hear of the changes made after they subscribed.
      this.#emitted = this.get();
      this.#source.watched(true);
    }
    this.#listeners.add(listener);
    return () => {
      if (this.#listeners.delete(listener) && this.#listeners.size === 0) this.#source.watched(false);
    };
  }

  get(): Snapshot {
    if (this.#stale || !this.#snapshot) {
      this.#stale = false;
      this.#messages ??= Object.freeze(this.#source.items().slice());
      const next = this.#source.snapshot(this.#messages);
      // A change that changed no field (a status set back, a state recomputed the same) keeps the object.
      const last = this.#snapshot as Record<string, unknown> | undefined;
      const keys = Object.keys(next as object);
      const same =
        last &&
        keys.length === Object.keys(last).length &&
        keys.every((key) => (next as Record<string, unknown>)[key] === last[key]);
      if (!same) this.#snapshot = next;
    }
    return this.#snapshot as Snapshot;
  }

  /** Calls every listener once if the snapshot differs from the one they last heard of. */
  #emit(): void {
    const snapshot = this.get();
    if (snapshot === this.#emitted) return;
    this.#emitted = snapshot;
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        // A rethrow would end a Node, Deno or Worker process; the other listeners still hear of it.
        console.error("oaikit: a session listener threw:", error);
      }
    }
  }
}

/** The status and error fields of a snapshot: `busy` wins, a stopped reply is no error. */
export function statusOf(
  busy: boolean,
  error: Error | undefined,
): Pick<SessionSnapshot<unknown, unknown>, "status" | "error"> {
  return busy ? { status: "streaming", error: undefined } : { status: error ? "error" : "ready", error };
}
