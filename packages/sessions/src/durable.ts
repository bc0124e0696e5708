import { randomId, type SessionChangeEvent, subscribe } from "./broadcast.js";
import { defaultStore } from "./default-store.js";
import { SessionStoreError } from "./errors.js";
import type { IncompleteReason, SessionKind, StoredSession } from "./schema.js";
import { checkSessionId } from "./session-id.js";
import type { SessionStore } from "./store.js";
import { SessionWriter } from "./writer.js";

/** Options shared by `openChatSession` and `openResponsesChatSession`, next to the core session's own. */
export interface DurableOptions {
  /** The session id (up to 512 characters, not `.`/`..`, no control characters; e.g. `crypto.randomUUID()`). */
  id: string;
  /** Where the session lives (default: IndexedDB in a browser, memory elsewhere). */
  store?: SessionStore;
  /** Title for a new session (default: the start of its first user message). */
  title?: string;
  /** Minimum gap between two writes of a streaming reply, in ms (default 250). */
  partialWriteIntervalMs?: number;
  /**
   * Called for every failed write (the writes stay queued and are retried, see `flush()`) and for every
   * message that cannot be stored (code `data`: it stays in memory only). Never throws into the page:
   * a failure while persisting reaches this and `lastError`, not the event loop.
   */
  onError?: (error: SessionStoreError) => void;
}

/**
 * What a message of a durable session looks like to a UI: `streaming` while this page streams it,
 * `incomplete` when the reply ended early (`reason`; `interrupted` means the page was closed or reloaded
 * while it streamed), else `complete`.
 */
export interface MessageState {
  status: "complete" | "streaming" | "incomplete";
  reason?: IncompleteReason | "interrupted";
}

/** The persistence controls added to a core session by `openChatSession` / `openResponsesChatSession`. */
export interface DurableControls {
  /** The stored session's id. */
  readonly sessionId: string;
  /** The store it lives in. */
  readonly store: SessionStore;
  /** Local changes not yet written. */
  readonly pendingWrites: number;
  /**
   * The last write error: a failed write (still queued, retried; cleared by the next successful write),
   * else a message that could not be stored (code `data`; cleared when it leaves the history).
   */
  readonly lastError: SessionStoreError | undefined;
  /** The stored revision this page has seen last (every commit, from any tab, increments it). */
  readonly revision: number;
  /**
   * Writes every pending change now. Rejects with a {@link SessionStoreError} when the store fails (the
   * changes stay queued), or with code `data` when a message it was to write cannot be stored (the other
   * changes are written).
   */
  flush(): Promise<void>;
  /**
   * Flushes and stops persisting (and listening). The core session keeps working in memory. Rejects (and
   * stays open) only while writes are still pending.
   */
  close(): Promise<void>;
  /**
   * Calls `listener` when another tab (or another handle in this page) changes or deletes this session;
   * call `refresh()` to load the change. Returns an unsubscribe function.
   */
  onChange(listener: (event: SessionChangeEvent) => void): () => void;
  /**
   * Reloads the history from the store (after `onChange`), replacing the in-memory one. Resolves to
   * false when nothing had changed. Throws a TypeError while a reply is being generated.
   */
  refresh(): Promise<boolean>;
  /** The stored state of the message (chat) or turn (Responses) at `index`. */
  messageState(index: number): MessageState | undefined;
}

/** The parts of a durable session that differ between chat and Responses. */
export interface DurableBinding {
  kind: SessionKind;
  /** Replaces the core session's history with the stored one (without firing the observer). */
  restore(session: StoredSession): void;
  /** Whether the core session is generating a reply. */
  busy(): boolean;
}

/**
 * The start both openers share: checks the options, then reads the stored session of `kind` from the
 * given store (or the default one) before anything is written. `sessionOptions` are the options minus
 * the store's, for the core session.
 */
export async function openStored<O extends DurableOptions>(
  options: O,
  kind: SessionKind,
): Promise<{
  store: SessionStore;
  stored: StoredSession | undefined;
  sessionOptions: Omit<O, keyof DurableOptions>;
}> {
  const opener = openerOf(kind);
  checkDurableOptions(options, `${opener}(client, options)`);
  const { id, store: given, title: _t, partialWriteIntervalMs: _p, onError: _e, ...sessionOptions } = options;
  const store = given ?? defaultStore();
  const stored = await loadForOpen(store, id, kind, opener);
  if (!stored) checkSessionId(id, `${opener}(client, options)`); // a new session: only an id that syncs
  return { store, stored, sessionOptions };
}

/** The core session itself, with the durable controls defined on it (getters stay live getters). */
export function withControls<S extends object>(session: S, controls: DurableControls): S & DurableControls {
  return Object.defineProperties(session, Object.getOwnPropertyDescriptors(controls)) as S & DurableControls;
}

const openerOf = (kind: SessionKind) => (kind === "chat" ? "openChatSession" : "openResponsesChatSession");

/** Checks the options shared by both openers. */
function checkDurableOptions(options: DurableOptions | undefined, where: string): void {
  if (!options || typeof options !== "object")
    throw new TypeError(`${where}: options must be an object with an \`id\`.`);
  if (typeof options.id !== "string" || options.id === "") {
    throw new TypeError(`${where}: options.id must be a non-empty string (e.g. crypto.randomUUID()).`);
  }
  if (options.store !== undefined && typeof options.store?.commit !== "function") {
    throw new TypeError(
      `${where}: options.store must be a SessionStore (createIndexedDbStore(), createMemoryStore()).`,
    );
  }
}

/** Reads a session before anything is written; refuses a session of the other kind. */
async function loadForOpen(
  store: SessionStore,
  id: string,
  kind: SessionKind,
  where: string,
): Promise<StoredSession | undefined> {
  const stored = await store.load(id);
  if (stored && stored.header.kind !== kind) {
    throw new TypeError(
      `${where}: session "${id}" is a ${stored.header.kind} session; open it with ${openerOf(stored.header.kind)}().`,
    );
  }
  return stored;
}

/** What {@link createDurable} gives an opener. */
export interface Durable {
  /** The current writer (a refresh() replaces it). */
  writer: () => SessionWriter;
  controls: DurableControls;
  /** Titles a new session after its first user message. */
  autoTitle: (text: string) => void;
  /**
   * Wraps an observer callback so that what it throws goes to `onError` / `lastError` with the store's
   * context (the core session would otherwise log it to the console, its last resort).
   */
  guard: <A extends unknown[]>(callback: (...args: A) => void) => (...args: A) => void;
}

/** Builds the writer and the controls for one open session. */
export function createDurable(
  options: DurableOptions,
  stored: StoredSession | undefined,
  binding: DurableBinding,
): Durable {
  const store = options.store ?? defaultStore();
  const source = randomId();
  let titled = Boolean(stored?.header.title || options.title);
  const writerFor = (s: StoredSession | undefined) =>
    new SessionWriter(
      {
        store,
        id: options.id,
        kind: binding.kind,
        title: options.title ?? "",
        source,
        partialIntervalMs: options.partialWriteIntervalMs ?? 250,
        ...(options.onError ? { onError: options.onError } : {}),
      },
      s?.records ?? [],
      s?.header.revision ?? 0,
    );
  const holder = { writer: writerFor(stored) };
  const unsubscribers = new Set<() => void>();
  const onPageHide = () => holder.writer.flushOnHide();
  const onVisibility = () => {
    if ((globalThis as { document?: Document }).document?.visibilityState === "hidden") {
      holder.writer.flush().catch(() => {});
    }
  };
  const target = globalThis as {
    addEventListener?: typeof addEventListener;
    removeEventListener?: typeof removeEventListener;
  };
  target.addEventListener?.("pagehide", onPageHide);
  target.addEventListener?.("visibilitychange", onVisibility);
  let closed = false;

  const controls: DurableControls = {
    sessionId: options.id,
    store,
    get pendingWrites() {
      return holder.writer.pendingWrites;
    },
    get lastError() {
      return holder.writer.lastError;
    },
    get revision() {
      return holder.writer.revision;
    },
    flush: () => holder.writer.flush(),
    async close() {
      if (closed) return;
      await holder.writer.close();
      closed = true;
      target.removeEventListener?.("pagehide", onPageHide);
      target.removeEventListener?.("visibilitychange", onVisibility);
      for (const unsubscribe of unsubscribers) unsubscribe();
      unsubscribers.clear();
    },
    onChange(listener) {
      if (typeof listener !== "function")
        throw new TypeError("onChange(listener): listener must be a function.");
      const unsubscribe = subscribe(store, (event) => {
        if (event.id === options.id && event.source !== source) listener(event);
      });
      unsubscribers.add(unsubscribe);
      return () => {
        unsubscribe();
        unsubscribers.delete(unsubscribe);
      };
    },
    async refresh() {
      if (closed) throw new TypeError("refresh(): this session was closed; open it again.");
      if (binding.busy()) {
        throw new TypeError(
          "refresh(): a reply is being generated; await it (or abort it) before refreshing.",
        );
      }
      await holder.writer.flush();
      const fresh = await store.load(options.id);
      if ((fresh?.header.revision ?? 0) === holder.writer.revision && fresh) return false;
      const next: StoredSession = fresh ?? {
        header: { ...emptyHeader(options.id, binding.kind) },
        records: [],
      };
      // A fresh writer over the fresh records: nothing is pending (flushed above).
      const old = holder.writer;
      holder.writer = writerFor(fresh);
      await old.close();
      binding.restore(next);
      return true;
    },
    messageState(index) {
      const state = holder.writer.statusAt(index);
      if (!state) return undefined;
      if (state.status === "complete") return { status: "complete" };
      if (state.status === "incomplete") return { status: "incomplete", reason: state.reason ?? "error" };
      // "partial": streamed by this page right now, or cut off by a reload/close (or another tab streams it).
      return holder.writer.isLocalPartial(index)
        ? { status: "streaming" }
        : { status: "incomplete", reason: "interrupted" };
    },
  };
  const autoTitle = (text: string) => {
    if (titled || closed) return;
    titled = true;
    const title = titleFrom(text);
    if (title) holder.writer.setHeader({ title });
  };
  const guard: Durable["guard"] =
    (callback) =>
    (...args) => {
      try {
        callback(...args);
      } catch (error) {
        holder.writer.fail(error);
      }
    };
  return { writer: () => holder.writer, controls, autoTitle, guard };
}

function emptyHeader(id: string, kind: SessionKind): StoredSession["header"] {
  return { v: 1, id, kind, title: "", createdAt: 0, updatedAt: 0, revision: 0, nextSeq: 0, count: 0 };
}

/** The title for a new session: the first line of the first user message, shortened. */
export function titleFrom(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

export { SessionStoreError };
