/**
 * The synced store's locks: who may touch one session's local copy and bookkeeping, and who may sync it.
 *
 * Several tabs of a browser share the local copy (IndexedDB) and the bookkeeping (`oaikit-sync`), and in
 * one tab a commit, a scheduled push, a pull on focus and a change notice can all reach the same session at
 * once. Two locks per session keep them apart:
 * - the **state lock** is short: a local commit with its bookkeeping update, the filing of an answer, a
 *   mirror. It is never held across a request to the server, so a page's writes never wait for the network.
 * - the **sync lock** is long: one session's whole sync (its requests included), so that two tabs or two
 *   callers never send the same pending changes twice; the second waits, then finds nothing left to send.
 *
 * Inside a tab the calls for one lock queue on a promise chain; across tabs the Web Locks API
 * (`navigator.locks`, named after the pairing of local and remote store) makes them take turns. Where there
 * is no Web Locks API (Node, Deno, old browsers) the chain alone serialises this page's calls.
 */

/** The two locks of every session of one synced store. */
export class SessionLocks {
  /** The tail of each lock's queue in this page, removed when it runs empty. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** `name` names the pairing of local and remote store (`SyncedStoreOptions.name`): locks are per pairing. */
  constructor(private readonly name: string) {}

  /** Short: local commits, bookkeeping updates and mirrors of one session (never held across a request). */
  state<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.run(`state:${id}`, fn);
  }

  /** Long: the sync of one session (held across its requests), so tabs and callers take turns. */
  sync<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.run(`sync:${id}`, fn);
  }

  private run<T>(lock: string, fn: () => Promise<T>): Promise<T> {
    const webLocks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    const guarded = webLocks?.request
      ? () => webLocks.request(`oaikit-sync:${this.name}:${lock}`, fn) as Promise<T>
      : fn;
    const previous = this.queues.get(lock) ?? Promise.resolve();
    const run = previous.then(guarded, guarded);
    const tail = run.catch(() => {});
    this.queues.set(lock, tail);
    tail.then(() => {
      if (this.queues.get(lock) === tail) this.queues.delete(lock);
    });
    return run;
  }
}
