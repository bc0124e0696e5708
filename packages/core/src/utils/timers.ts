/**
 * Timers that never keep a program alive on their own. Every timeout oaikit arms guards a read or a
 * wait that is itself pending I/O (a socket), so while someone waits, the I/O keeps Node, Deno and Bun
 * running and the timer fires; when nobody waits any more (a body never read, a result dropped), the
 * timer alone does not stop the process from exiting. Each timer is also cleared on every path that
 * ends what it guards; this is the second line of defence.
 */

/** A timer handle (a number in browsers, Deno and workerd; an object in Node and Bun). */
export type Timer = ReturnType<typeof setTimeout>;

/** `setTimeout(callback, ms)`, unref'd where the runtime can (Node and Bun's `unref()`, Deno's `unrefTimer`). */
export function startTimer(callback: () => void, ms: number): Timer {
  const timer = setTimeout(callback, ms);
  if (
    typeof timer === "object" &&
    timer !== null &&
    typeof (timer as { unref?: unknown }).unref === "function"
  ) {
    (timer as { unref(): void }).unref();
  } else if (typeof timer === "number") {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  }
  return timer;
}
