/**
 * Change notices: after every commit or delete the handler publishes `{ id, revision }` to the user's
 * feed, and every open `GET /events` stream of that user writes it as an SSE `change` event (after a
 * `ready` event on open, and a keep-alive comment every 15 s). A feed is one process's hub
 * (`createChangeHub`: a Durable Object, a Node server) or shared between processes (Deno KV's
 * `createKvChangeFeed`). Streams are bounded: per user (the oldest closes) and per queue (a stream nobody
 * reads is closed, not buffered without end); a closed device reconnects and syncs on `ready`.
 */
import { type ChangeNotice, SYNC_PROTOCOL } from "../sync-protocol/protocol.js";

/** Where change notices go between requests of the same user (the `GET /events` streams). */
export interface ChangeFeed {
  publish(user: string, notice: ChangeNotice): void | Promise<void>;
  /** Calls `listener` for every notice of `user` published after this call; returns an unsubscribe function. */
  subscribe(user: string, listener: (notice: ChangeNotice) => void): () => void;
}

/** A change feed inside one process (one Durable Object, one Node server). */
export function createChangeHub(): ChangeFeed {
  const listeners = new Map<string, Set<(notice: ChangeNotice) => void>>();
  return {
    publish(user, notice) {
      for (const listener of [...(listeners.get(user) ?? [])]) {
        try {
          listener(notice);
        } catch {
          // A broken stream must not stop the others.
        }
      }
    },
    subscribe(user, listener) {
      const set = listeners.get(user) ?? new Set();
      listeners.set(user, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(user);
      };
    },
  };
}

/** Limits of the `GET /events` streams (see {@link EventStreams}). */
export interface EventLimits {
  /** Keep-alive comment interval, ms. */
  heartbeatMs: number;
  /** Open streams per user; a new one beyond this closes the user's oldest. */
  maxStreamsPerUser: number;
  /** Events queued for a reader that does not read; one more closes its stream. */
  maxQueuedEvents: number;
}

/**
 * The `GET /events` streams of one handler, bounded: a stream whose reader falls `maxQueuedEvents` behind
 * (the queue is measured by the stream's own `desiredSize`) is closed rather than buffered without end, and
 * a user has at most `maxStreamsPerUser` streams (a new one closes the oldest, which is the one most likely
 * to be abandoned). A closed client reconnects and, on `ready`, syncs everything: nothing is missed, a slow
 * or leaked connection just costs that client a full sync instead of the server its memory.
 */
export class EventStreams {
  private readonly open = new Map<string, Set<() => void>>();

  constructor(
    private readonly feed: ChangeFeed,
    private readonly limits: EventLimits,
  ) {}

  /** The `text/event-stream` body of a new stream for `user`. */
  stream(user: string): ReadableStream<Uint8Array> {
    const encoder = new TextEncoder();
    let close = () => {};
    const streams = this.open.get(user) ?? new Set<() => void>();
    this.open.set(user, streams);
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          let closed = false;
          const send = (text: string) => {
            if (closed) return;
            // desiredSize is what the queue can still take (highWaterMark below minus queued events).
            if ((controller.desiredSize ?? 1) <= 0) return close();
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              close();
            }
          };
          const unsubscribe = this.feed.subscribe(user, (notice) =>
            send(`event: change\ndata: ${JSON.stringify(notice)}\n\n`),
          );
          const timer = setInterval(() => send(": keep-alive\n\n"), this.limits.heartbeatMs);
          close = () => {
            if (closed) return;
            closed = true;
            unsubscribe();
            clearInterval(timer);
            streams.delete(close);
            if (streams.size === 0 && this.open.get(user) === streams) this.open.delete(user);
            try {
              controller.close();
            } catch {
              // already cancelled by the client
            }
          };
          streams.add(close);
          if (streams.size > this.limits.maxStreamsPerUser) streams.values().next().value?.();
          send(`retry: 2000\nevent: ready\ndata: {"protocol":${SYNC_PROTOCOL}}\n\n`);
        },
        // A client that goes away cancels the stream: the same clean-up.
        cancel: () => close(),
      },
      new CountQueuingStrategy({ highWaterMark: this.limits.maxQueuedEvents }),
    );
  }

  /** Streams open for `user` (for tests and monitoring). */
  count(user: string): number {
    return this.open.get(user)?.size ?? 0;
  }
}
