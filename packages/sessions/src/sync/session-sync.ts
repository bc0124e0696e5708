/**
 * The sync of one session, and of all of them: the loop that runs the push and pull steps in their order.
 *
 * One session ({@link syncOneSession}, inside the session's sync lock) is a loop of rounds, each reading
 * the bookkeeping afresh (another tab, or a commit of this page, may have changed it meanwhile) and doing
 * the first thing that applies:
 * 1. the bookkeeping names another remote store than the server's now: forget what it knew (pull.ts);
 * 2. no bookkeeping: a local session is reconciled by content; a remote-only one is mirrored (if pulling);
 * 3. a push or delete in flight: (re)send it and file the answer (push.ts);
 * 4. the bookkeeping cannot be trusted (`needsReconcile`): compare contents (pull.ts);
 * 5. a push refused for good (`blocked`): stop until the next local change;
 * 6. pending changes: prepare the next push (push.ts);
 * 7. else pull: skip when the remote is at the base's revision (or a change notice's revision is not
 *    newer), else mirror the remote session, the one a merged push was answered with if there is one.
 * A round that changed something goes round again; a mirror or nothing left to do ends the loop.
 *
 * All sessions ({@link syncEverySession}) list the remote, the local store and the bookkeeping, and sync
 * each session that needs it: no bookkeeping yet, a local revision the bookkeeping did not count (a writer
 * without sync: reconcile), something pending or in flight, or a remote revision not mirrored yet. An
 * offline error stops the pass at once; other failures are collected, and the first is thrown at the end.
 */

import { forgetOtherStore, mirror, reconcile } from "./pull.js";
import { preparePush, sendInflight } from "./push.js";
import { RemoteStoreError } from "./remote-store.js";
import type { SyncContext } from "./sync-context.js";
import { hasPending, newSyncState } from "./sync-state.js";

/** What one session's sync is asked to do. */
export interface SessionSyncRequest {
  /** Pull the remote's version too (default true); else only send what is in flight or pending. */
  pull?: boolean;
  /** A change notice's revision: no pull if the base is already at it or past it. */
  unlessRevision?: number;
}

/** Rounds one session's sync may take before it gives up for now (the next sync carries on). */
const MAX_ROUNDS = 24;

/** Every session: local ones without bookkeeping, pending changes, remote revisions we have not mirrored. */
export async function syncEverySession(
  context: SyncContext,
  syncSession: (id: string, request: SessionSyncRequest) => Promise<void>,
  pushQueuedNow: () => Promise<unknown>,
): Promise<void> {
  const [listed, localHeaders, bookkept] = await Promise.all([
    context.remote.listRemote(),
    context.local.list(),
    context.bookkeeping.sessionIds(),
  ]);
  context.remoteStoreId = listed.store;
  const remoteById = new Map(listed.sessions.map((header) => [header.id, header]));
  const localById = new Map(localHeaders.map((header) => [header.id, header]));
  const ids = new Set([...remoteById.keys(), ...localById.keys(), ...bookkept]);
  let firstError: unknown;
  for (const id of ids) {
    const remoteHeader = remoteById.get(id);
    const localHeader = localById.get(id);
    const state = await context.bookkeeping.read(id);
    let needsSync = false;
    let pull = false;
    if (!state) {
      needsSync = true;
      pull = Boolean(remoteHeader);
    } else if (state.storeId && state.storeId !== context.remoteStoreId) {
      needsSync = true; // synced with another store: syncOneSession starts it over (forgetOtherStore)
    } else {
      if ((localHeader?.revision ?? 0) !== state.localRevision && !state.pending?.deleted) {
        // A local revision the bookkeeping did not count: checked again under the lock, then reconciled.
        await context.locks.state(id, async () => {
          const now = await context.bookkeeping.read(id);
          const localNow = (await context.local.list()).find((header) => header.id === id);
          if (now && (localNow?.revision ?? 0) !== now.localRevision && !now.pending?.deleted) {
            now.needsReconcile = true;
            await context.bookkeeping.write(now);
          }
        });
        needsSync = true;
      }
      if (state.inflight || hasPending(state.pending) || state.remoteAhead || state.needsReconcile) {
        needsSync = true;
      }
      const remoteMoved = !remoteHeader
        ? Boolean(state.base)
        : !state.base ||
          remoteHeader.revision !== state.base.revision ||
          remoteHeader.createdAt !== state.base.createdAt;
      if (remoteMoved) {
        needsSync = true;
        pull = true;
      }
    }
    if (!needsSync) continue;
    try {
      await syncSession(id, { pull });
    } catch (error) {
      if (error instanceof RemoteStoreError && error.status === 0) throw error; // offline: stop here
      firstError ??= error;
    }
  }
  // Sessions this sync created (conflicted copies) or that changed meanwhile: push them now too, and
  // wait for the pushes the scheduler already started.
  const pushError = await pushQueuedNow();
  firstError ??= pushError;
  if (firstError) throw firstError;
}

/** One session, inside its sync lock: send what is in flight or pending, then mirror the remote. */
export async function syncOneSession(
  context: SyncContext,
  id: string,
  pull: boolean,
  unlessRevision?: number,
): Promise<void> {
  if (context.remoteStoreId === undefined) context.remoteStoreId = (await context.remote.listRemote()).store;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const state = await context.bookkeeping.read(id);
    if (state?.storeId && state.storeId !== context.remoteStoreId) {
      await forgetOtherStore(context, id);
      continue;
    }
    if (!state) {
      const local = await context.local.load(id);
      if (local) {
        await reconcile(context, id);
        continue;
      }
      if (!pull) return;
      const remote = await context.remote.load(id);
      if (!remote) return;
      await context.locks.state(id, async () => {
        const now = await context.bookkeeping.read(id);
        if (now) return; // a local commit created bookkeeping meanwhile: next round
        if (await context.local.load(id)) return;
        await mirror(context, id, newSyncState(id), remote);
      });
      continue;
    }
    if (state.inflight) {
      await sendInflight(context, id, state);
      continue;
    }
    if (state.needsReconcile) {
      await reconcile(context, id);
      continue;
    }
    if (state.blocked) return;
    if (hasPending(state.pending)) {
      await context.locks.state(id, async () => {
        const now = await context.bookkeeping.read(id);
        if (now && !now.inflight && hasPending(now.pending)) {
          await preparePush(context, id, now);
          await context.bookkeeping.write(now);
        }
      });
      continue;
    }
    if (!state.remoteAhead && !pull) return;
    if (
      !state.remoteAhead &&
      unlessRevision !== undefined &&
      state.base &&
      state.base.revision >= unlessRevision
    )
      return;
    const merged = context.mergedSessions.get(id);
    context.mergedSessions.delete(id);
    const remote = merged ?? (await context.remote.load(id));
    if (
      !state.remoteAhead &&
      remote &&
      state.base &&
      remote.header.revision === state.base.revision &&
      remote.header.createdAt === state.base.createdAt
    ) {
      return;
    }
    if (!remote && !state.base) return; // never reached the remote, nothing pending: nothing to mirror
    if (!remote) {
      // Missing: deleted by another device, or this is another store (a server that lost its data)?
      context.remoteStoreId = (await context.remote.listRemote()).store;
      if (state.storeId && state.storeId !== context.remoteStoreId) continue;
    }
    const mirrored = await context.locks.state(id, async () => {
      const now = await context.bookkeeping.read(id);
      if (!now || now.inflight || hasPending(now.pending) || now.needsReconcile) return false;
      await mirror(context, id, now, remote ?? null);
      return true;
    });
    if (mirrored) return;
    pull = true;
  }
}
