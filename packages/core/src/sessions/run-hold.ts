/**
 * A tool run holding a session. While `runTools` drives a session, the session's status stays
 * `streaming` between the model calls (while the tools run), `stop()` ends the whole run, and a send
 * from anywhere else is refused until the run ends. Internal to core (the tool runner and the two
 * session classes): a WeakMap, so a session object carries no extra public member for it.
 */

/** One run's hold on a session. */
export interface Hold {
  /** Aborts the run (the session's `stop()` calls it). */
  readonly controller: AbortController;
  /** True only while the run itself starts a model call on the session (its claim is then allowed). */
  inside: boolean;
}

const holds = new WeakMap<object, Hold>();
const watchers = new WeakMap<object, () => void>();

/** The run holding `session`, if any. */
export function holdOf(session: object): Hold | undefined {
  return holds.get(session);
}

/** Called by a session (once it has a live view) to hear when a run takes or leaves it. */
export function watchHold(session: object, callback: () => void): void {
  watchers.set(session, callback);
}

/** Takes `session` for a run; returns the function that releases it. */
export function holdSession(session: object, controller: AbortController): () => void {
  const hold: Hold = { controller, inside: false };
  holds.set(session, hold);
  watchers.get(session)?.();
  return () => {
    if (holds.get(session) !== hold) return;
    holds.delete(session);
    watchers.get(session)?.();
  };
}
