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
export class Presence {
  /** Replies this page streams, by handle. */
  private readonly own = new Map<string, { id: string; seq: number }>();
  /** Replies other pages stream (`seq id`), and when each was last heard of. */
  private readonly heard = new Map<string, number>();
  /** Called when a reply starts or stops being live, whatever its session (they recompute: cheap). */
  private readonly watchers = new Set<() => void>();
  private readonly channel: BroadcastChannel | undefined;
  private beating: ReturnType<typeof setInterval> | undefined;

  constructor(name: string | undefined) {
    if (!name || typeof BroadcastChannel === "undefined") return;
    this.channel = new BroadcastChannel(`${name}:live`);
    // Node keeps a process alive while a channel is open; this one should not.
    unref(this.channel);
    this.channel.onmessage = ({ data }: MessageEvent<Beat>) => {
      if (data?.type === "ask") {
        for (const [source, reply] of this.own) if (reply.id === data.id) this.beat(source, reply);
      } else if (data) {
        const key = `${data.seq} ${data.id}`;
        const known = this.heard.delete(key);
        if (data.type === "beat") {
          this.heard.set(key, Date.now());
          // When no later heartbeat comes, the reply is no longer live: let the watchers recompute.
          unref(setTimeout(() => this.changed(), ALIVE_MS + 10));
        }
        if (!known || data.type === "end") this.changed();
      }
    };
  }

  /** Handle `source` streams the reply stored at `seq` of session `id` (until {@link ended}). */
  streaming(id: string, seq: number, source: string): void {
    const reply = { id, seq };
    this.own.set(source, reply);
    this.beat(source, reply);
    this.beating ??= unref(
      setInterval(() => {
        for (const [source, reply] of this.own) this.beat(source, reply);
      }, HEARTBEAT_MS),
    );
    this.changed();
  }

  /** Handle `source` streams nothing any more. */
  ended(source: string): void {
    const reply = this.own.get(source);
    if (!reply) return;
    this.own.delete(source);
    if (this.own.size === 0) {
      clearInterval(this.beating);
      this.beating = undefined;
    }
    this.post({ type: "end", ...reply, source });
    this.changed();
  }

  /** Whether the reply at `seq` of session `id` streams in another handle or tab than `except`. */
  isLive(id: string, seq: number, except: string): boolean {
    for (const [source, reply] of this.own) {
      if (source !== except && reply.id === id && reply.seq === seq) return true;
    }
    return Date.now() - (this.heard.get(`${seq} ${id}`) ?? 0) < ALIVE_MS;
  }

  /** Calls `callback` when a reply starts or stops being live. Returns the unwatch function. */
  watch(callback: () => void): () => void {
    this.watchers.add(callback);
    return () => this.watchers.delete(callback);
  }

  /** Asks the other tabs who streams session `id`, and gives them {@link ASK_MS} to answer. */
  async ask(id: string): Promise<void> {
    if (!this.channel) return;
    this.post({ type: "ask", id });
    await new Promise((resolve) => setTimeout(resolve, ASK_MS));
  }

  private beat(source: string, reply: { id: string; seq: number }): void {
    this.post({ type: "beat", ...reply, source });
  }

  private post(beat: Beat): void {
    try {
      this.channel?.postMessage(beat);
    } catch {
      // A closed channel (the page is going away): the other tabs will see the heartbeat stop.
    }
  }

  private changed(): void {
    for (const callback of [...this.watchers]) callback();
  }
}

function unref<T>(value: T): T {
  (value as { unref?: () => void }).unref?.();
  return value;
}

const hubs = new WeakMap<SessionStore, Presence>();

/** The page's {@link Presence} for `store` (made on first use). */
export function presenceOf(store: SessionStore): Presence {
  let presence = hubs.get(store);
  if (!presence) {
    presence = new Presence(store.channelName);
    hubs.set(store, presence);
  }
  return presence;
}
