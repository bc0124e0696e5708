import type { SessionStore } from "./store.js";

/** A change to a stored session, as other handles and other tabs hear of it. */
export interface SessionChangeEvent {
  /** The session that changed. */
  id: string;
  /** `commit`: records or header written (`revision` is the new one); `delete`: the session was deleted. */
  type: "commit" | "delete";
  /** The session's revision after the change (0 for a delete). */
  revision: number;
  /** Which writer made the change (a random id per open handle, or `manage` for list/rename/import calls). */
  source: string;
}

type Listener = (event: SessionChangeEvent) => void;
interface Envelope {
  page: string;
  event: SessionChangeEvent;
}

/**
 * Identifies this page (realm), so a page ignores its own BroadcastChannel messages. Made on first
 * use, not at load: workerd refuses `crypto.randomUUID()` outside a request handler.
 */
let pageId: string | undefined;
function page(): string {
  pageId ??= randomId();
  return pageId;
}
const local = new WeakMap<SessionStore, Set<Listener>>();
const posters = new Map<string, BroadcastChannel>();

/** A random id (for pages and writers). */
export function randomId(): string {
  return (
    globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
  );
}

/** Tells every listener of `store` in this page, and every other page through BroadcastChannel. */
export function publish(store: SessionStore, event: SessionChangeEvent): void {
  for (const listener of [...(local.get(store) ?? [])]) {
    try {
      listener(event);
    } catch (error) {
      // An app's listener failed: log it. A rethrow would be an uncaught exception that ends a Node,
      // Deno or Worker process; the other listeners and the other tabs still hear of the change.
      console.error("oaikit: a session change listener threw:", error);
    }
  }
  const name = store.channelName;
  if (!name || typeof BroadcastChannel === "undefined") return;
  let poster = posters.get(name);
  if (!poster) {
    poster = new BroadcastChannel(name);
    // Node keeps the process alive while a BroadcastChannel is open; a poster should not.
    (poster as { unref?: () => void }).unref?.();
    posters.set(name, poster);
  }
  poster.postMessage({ page: page(), event } satisfies Envelope);
}

/** Calls `listener` for every change to any session of `store`, from this page or another. */
export function subscribe(store: SessionStore, listener: Listener): () => void {
  const set = local.get(store) ?? new Set<Listener>();
  local.set(store, set);
  set.add(listener);
  let channel: BroadcastChannel | undefined;
  if (store.channelName && typeof BroadcastChannel !== "undefined") {
    channel = new BroadcastChannel(store.channelName);
    (channel as { unref?: () => void }).unref?.();
    channel.onmessage = (message: MessageEvent<Envelope>) => {
      if (message.data?.page !== page() && message.data?.event) listener(message.data.event);
    };
  }
  return () => {
    set.delete(listener);
    channel?.close();
  };
}
