import type { SessionStore } from "./store.js";

/**
 * Which replies are streaming right now, in this page or in another tab: the heartbeat that tells a
 * reply "streaming in another tab" from one "interrupted" (its writer was closed or reloaded).
 *
 * The heartbeat goes on the tabs' channel, not into the stored record: a tab that streams a reply says
 * so every `HEARTBEAT_MS` on `<store.channelName>:live` (a BroadcastChannel), and says when it ends. A
 * stored `partial` record is live while a heartbeat naming it was heard within `ALIVE_MS`; else it was
 * interrupted. Why the channel: a reload of the streaming tab then reads as "interrupted" at once (no
 * heartbeat comes from the new page), a model that pauses for a minute between two chunks stays live
 * (the heartbeat does not wait for chunks), and nothing extra is written to the store. A tab that opens
 * a session with a recent `partial` record asks who streams it and gives the tabs `ASK_MS` to answer,
 * so it does not show "interrupted" for a reply another tab is streaming.
 * Handles in the same page see each other's replies directly; a store without a channel (memory) has
 * only those.
 */
export const HEARTBEAT_MS = 1_000;
/** How long after its last heartbeat a reply streamed elsewhere counts as live. */
export const ALIVE_MS = 3 * HEARTBEAT_MS;
/** How long opening a session with a recent partial record waits for the streaming tabs to answer. */
export const ASK_MS = 150;

interface Beat {
  /** `beat`: handle `source` streams the record `seq` of session `id` (again); `end`: it ended; `ask`: who streams session `id`? */
  type: "beat" | "end" | "ask";
  id: string;
  seq?: number;
  source?: string;
}

/** One page's view of the replies streaming in one store (one per store, see {@link presenceOf}). */
export interface Presence {
  /** Handle `source` streams the reply stored at `seq` of session `id` (until {@link Presence.ended}). */
  streaming(id: string, seq: number, source: string): void;
  /** Handle `source` streams nothing any more. */
  ended(source: string): void;
  /** Whether the reply at `seq` of session `id` streams in another handle or tab than `except`. */
  isLive(id: string, seq: number, except: string): boolean;
  /** Calls `callback` when a reply starts or stops being live (any session: it recomputes). Returns the unwatch function. */
  watch(callback: () => void): () => void;
  /** Asks the other tabs who streams session `id`, and gives them {@link ASK_MS} to answer. */
  ask(id: string): Promise<void>;
}

function unref<T>(value: T): T {
  (value as { unref?: () => void }).unref?.();
  return value;
}

/** The presence of the pages that share the BroadcastChannel `name` (none: this page's handles only). */
function createPresence(name: string | undefined): Presence {
  /** Replies this page streams, by handle. */
  const own = new Map<string, { id: string; seq: number }>();
  /** Replies other pages stream (`seq id`), and when each was last heard of. */
  const heard = new Map<string, number>();
  const watchers = new Set<() => void>();
  const channel =
    name && typeof BroadcastChannel !== "undefined" ? new BroadcastChannel(`${name}:live`) : undefined;
  let beating: ReturnType<typeof setInterval> | undefined;
  const changed = () => {
    for (const callback of [...watchers]) callback();
  };
  const post = (beat: Beat) => {
    try {
      channel?.postMessage(beat);
    } catch {
      // A closed channel (the page is going away): the other tabs will see the heartbeat stop.
    }
  };
  const beat = (source: string, reply: { id: string; seq: number }) =>
    post({ type: "beat", ...reply, source });
  if (channel) {
    // Node keeps a process alive while a channel is open; this one should not.
    unref(channel);
    channel.onmessage = ({ data }: MessageEvent<Beat>) => {
      if (data?.type === "ask") {
        for (const [source, reply] of own) if (reply.id === data.id) beat(source, reply);
      } else if (data) {
        const key = `${data.seq} ${data.id}`;
        const known = heard.delete(key);
        if (data.type === "beat") {
          heard.set(key, Date.now());
          // When no later heartbeat comes, the reply is no longer live: let the watchers recompute.
          unref(setTimeout(changed, ALIVE_MS + 10));
        }
        if (!known || data.type === "end") changed();
      }
    };
  }
  return {
    streaming(id, seq, source) {
      const reply = { id, seq };
      own.set(source, reply);
      beat(source, reply);
      beating ??= unref(
        setInterval(() => {
          for (const [source, reply] of own) beat(source, reply);
        }, HEARTBEAT_MS),
      );
      changed();
    },
    ended(source) {
      const reply = own.get(source);
      if (!reply) return;
      own.delete(source);
      if (own.size === 0) {
        clearInterval(beating);
        beating = undefined;
      }
      post({ type: "end", ...reply, source });
      changed();
    },
    isLive(id, seq, except) {
      for (const [source, reply] of own) {
        if (source !== except && reply.id === id && reply.seq === seq) return true;
      }
      return Date.now() - (heard.get(`${seq} ${id}`) ?? 0) < ALIVE_MS;
    },
    watch(callback) {
      watchers.add(callback);
      return () => watchers.delete(callback);
    },
    async ask(id) {
      if (!channel) return;
      post({ type: "ask", id });
      await new Promise((resolve) => setTimeout(resolve, ASK_MS));
    },
  };
}

const hubs = new WeakMap<SessionStore, Presence>();

/** The page's {@link Presence} for `store` (made on first use). */
export function presenceOf(store: SessionStore): Presence {
  let presence = hubs.get(store);
  if (!presence) {
    presence = createPresence(store.channelName);
    hubs.set(store, presence);
  }
  return presence;
}
