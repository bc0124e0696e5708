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
 * a session with a recent `partial` record asks who streams it and waits for an answer briefly
 * (`ASK_MS`), so it does not show "interrupted" for a reply another tab is streaming.
 * Handles in the same page see each other's replies directly; a store without a channel (memory) has
 * only those.
 */
export const HEARTBEAT_MS = 1_000;
/** How long after its last heartbeat a reply streamed elsewhere counts as live. */
export const ALIVE_MS = 3 * HEARTBEAT_MS;
/** How long opening a session with a recent partial record waits for a streaming tab to answer. */
export const ASK_MS = 150;

interface Beat {
  id: string;
  seq?: number;
  /** The streaming handle's random id. */
  source?: string;
  /** `beat`: streaming (again); `end`: it ended; `ask`: who streams session `id`? */
  type: "beat" | "end" | "ask";
}

const key = (id: string, seq: number) => `${seq}\n${id}`;

/** One page's view of the replies streaming in one store (one per store, see {@link presenceOf}). */
export class Presence {
  /** Replies this page streams, by handle. */
  private readonly own = new Map<string, { id: string; seq: number }>();
  /** Replies other pages stream: when each was last heard of, and the timer that expires it. */
  private readonly heard = new Map<string, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly answered = new Map<string, Set<() => void>>();
  private channel: BroadcastChannel | undefined;
  private beating: ReturnType<typeof setInterval> | undefined;

  constructor(name: string | undefined) {
    if (!name || typeof BroadcastChannel === "undefined") return;
    this.channel = new BroadcastChannel(`${name}:live`);
    // Node keeps a process alive while a channel is open; this one should not.
    (this.channel as { unref?: () => void }).unref?.();
    this.channel.onmessage = (message: MessageEvent<Beat>) => this.receive(message.data);
  }

  /** Handle `source` streams the reply stored at `seq` of session `id` (until {@link ended}). */
  streaming(id: string, seq: number, source: string): void {
    this.own.set(source, { id, seq });
    this.post({ type: "beat", id, seq, source });
    this.beating ??= unref(
      setInterval(() => {
        for (const [source, reply] of this.own) this.post({ type: "beat", ...reply, source });
      }, HEARTBEAT_MS),
    );
    this.changed(id);
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
    this.changed(reply.id);
  }

  /** Whether the reply at `seq` of session `id` streams in another handle or tab than `except`. */
  isLive(id: string, seq: number, except: string): boolean {
    for (const [source, reply] of this.own) {
      if (source !== except && reply.id === id && reply.seq === seq) return true;
    }
    return this.heard.has(key(id, seq));
  }

  /** Calls `callback` when a reply of session `id` starts or stops being live. Returns the unwatch function. */
  watch(id: string, callback: () => void): () => void {
    const set = this.watchers.get(id) ?? new Set();
    this.watchers.set(id, set);
    set.add(callback);
    return () => {
      set.delete(callback);
      if (set.size === 0) this.watchers.delete(id);
    };
  }

  /** Asks the other tabs who streams session `id`; resolves at the first answer, or after {@link ASK_MS}. */
  ask(id: string): Promise<void> {
    if (!this.channel) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.answered.get(id) ?? new Set();
      this.answered.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ASK_MS);
      set.add(done);
      this.post({ type: "ask", id });
    });
  }

  private receive(beat: Beat | undefined): void {
    if (!beat || typeof beat.id !== "string") return;
    if (beat.type === "ask") {
      for (const [source, reply] of this.own) {
        if (reply.id === beat.id) this.post({ type: "beat", ...reply, source });
      }
      return;
    }
    if (typeof beat.seq !== "number") return;
    const k = key(beat.id, beat.seq);
    const known = this.heard.get(k);
    if (known) clearTimeout(known.timer);
    if (beat.type === "end") {
      this.heard.delete(k);
    } else {
      const timer = unref(
        setTimeout(() => {
          this.heard.delete(k);
          this.changed(beat.id);
        }, ALIVE_MS),
      );
      this.heard.set(k, { at: Date.now(), timer });
      for (const done of [...(this.answered.get(beat.id) ?? [])]) done();
    }
    if (!known || beat.type === "end") this.changed(beat.id);
  }

  private post(beat: Beat): void {
    try {
      this.channel?.postMessage(beat);
    } catch {
      // A closed channel (the page is going away): the other tabs will see the heartbeat stop.
    }
  }

  private changed(id: string): void {
    for (const callback of [...(this.watchers.get(id) ?? [])]) callback();
  }
}

function unref<T>(timer: T): T {
  (timer as { unref?: () => void }).unref?.();
  return timer;
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
