/**
 * What both durable openers share: reading the stored session before anything is written, the writer
 * (batched commits), the persistence controls, and the live view's durable part: each message's stored
 * state and the title in every snapshot, the heartbeat of a reply streaming here (`presence.ts`), and,
 * while the snapshot has listeners, following other handles and tabs (a change they commit is loaded,
 * keeping every unchanged message by identity).
 */
import { randomId, type SessionChangeEvent, subscribe } from "./broadcast.js";
import { defaultStore } from "./default-store.js";
import { SessionStoreError } from "./errors.js";
import { presenceOf } from "./presence.js";
import type { IncompleteReason, RecordItem, SessionKind, StoredSession } from "./schema.js";
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
 * What a message of a durable session looks like to a UI: `streaming` while this page streams it (or,
 * with `elsewhere: true`, while another handle or tab does: its text arrives with that tab's batched
 * writes), `incomplete` when the reply ended early (`reason`; `interrupted` means its writer was closed
 * or reloaded while it streamed), else `complete`.
 */
export interface MessageState {
  status: "complete" | "streaming" | "incomplete";
  reason?: IncompleteReason | "interrupted";
  /** A reply streaming in another handle or tab (its heartbeat is heard on the tabs' channel). */
  elsewhere?: boolean;
}

/** What a durable session adds to its snapshot. */
export interface DurableSnapshotFields {
  /** Each message's stored state, aligned with `messages` (a new array only when one changed). */
  readonly states: readonly MessageState[];
  /** The session's title (given, renamed, or the start of its first user message). */
  readonly title: string;
}

const state = (value: MessageState): MessageState => Object.freeze(value);
const COMPLETE = state({ status: "complete" });
const STREAMING = state({ status: "streaming" });
const ELSEWHERE = state({ status: "streaming", elsewhere: true });
const INTERRUPTED = state({ status: "incomplete", reason: "interrupted" });
const INCOMPLETE: Record<IncompleteReason, MessageState> = {
  error: state({ status: "incomplete", reason: "error" }),
  aborted: state({ status: "incomplete", reason: "aborted" }),
  truncated: state({ status: "incomplete", reason: "truncated" }),
};

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
  /** The title: `options.title`, the stored one, the start of the first user message, or `rename`'s. */
  readonly title: string;
  /**
   * Sets the title. A session that has no stored message yet keeps it until its first commit (it is
   * not created for a title alone); else it is written with the next commit. Write errors go to
   * `onError` / `lastError` like every write; `flush()` waits for it.
   */
  rename(title: string): void;
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
   * call `refresh()` to load the change (a session whose snapshot has listeners does that itself).
   * Returns an unsubscribe function.
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
  /**
   * Replaces the core session's history with the stored one (`items`: its records' items, the
   * unchanged ones being the objects already in memory); the observer is muted meanwhile.
   */
  restore(session: StoredSession, items: RecordItem[]): void;
  /** Whether the core session is generating a reply (or held by a tool run). */
  busy(): boolean;
  /** The core session's history (messages or turns). */
  items(): readonly RecordItem[];
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
  // A recent partial record may be streaming in another tab: ask before showing it as interrupted.
  const last = stored?.records[stored.records.length - 1];
  if (last?.status === "partial" && Date.now() - last.at < 5 * 60_000) await presenceOf(store).ask(id);
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
   * context (the core session would otherwise log it to the console, its last resort); the callback is
   * skipped while the history is being reloaded from the store.
   */
  guard: <A extends unknown[]>(callback: (...args: A) => void) => (...args: A) => void;
  /** The durable fields of a snapshot whose history is `items` (cached: new only when one changed). */
  extras: (items: readonly RecordItem[]) => DurableSnapshotFields;
  /** The snapshot's first listener subscribed (`true`: follow other tabs), or its last one left. */
  watched: (active: boolean) => void;
  /** Gives the durable part the function that tells the snapshot's listeners of a change. */
  attach: (changed: () => void) => void;
}

/** Builds the writer and the controls for one open session. */
export function createDurable(
  options: DurableOptions,
  stored: StoredSession | undefined,
  binding: DurableBinding,
): Durable {
  const store = options.store ?? defaultStore();
  const id = options.id;
  const source = randomId();
  const presence = presenceOf(store);
  let title = stored?.header.title || options.title || "";
  let titled = title !== "";
  /** The seq of the reply this handle streams, once announced on the heartbeat. */
  let announced: number | undefined;
  const writerFor = (s: StoredSession | undefined) =>
    new SessionWriter(
      {
        store,
        id,
        kind: binding.kind,
        title: options.title ?? "",
        source,
        partialIntervalMs: options.partialWriteIntervalMs ?? 250,
        ...(options.onError ? { onError: options.onError } : {}),
        // The heartbeat names the record, so it starts once a commit gave the reply its seq, and ends
        // once the commit that finished the reply landed.
        onCommit: () => {
          const seq = holder.writer.localPartialSeq();
          if (seq === announced) return;
          if (seq === undefined) presence.ended(source);
          else presence.streaming(id, seq, source);
          announced = seq;
        },
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
  let muted = false;

  // The live view's durable part.
  let notify: () => void = () => {};
  let fields: DurableSnapshotFields | undefined;
  let fieldsOf: readonly RecordItem[] | undefined;
  let fieldsDirty = true;
  const fieldsChanged = () => {
    fieldsDirty = true;
    notify();
  };
  const unwatchPresence = presence.watch(fieldsChanged);
  /** Following other tabs: loading is coalesced, and waits while a reply is being generated. */
  let following: (() => void) | undefined;
  let loading: Promise<unknown> | undefined;
  let loadAgain = false;
  let stale = false;
  const follow = () => {
    if (closed || !following) return;
    if (binding.busy()) {
      stale = true;
      return;
    }
    if (loading) {
      loadAgain = true;
      return;
    }
    loading = controls
      .refresh()
      .catch((error: unknown) => {
        if (binding.busy()) stale = true;
        else if (!closed) holder.writer.fail(error);
      })
      .finally(() => {
        loading = undefined;
        if (loadAgain) {
          loadAgain = false;
          follow();
        }
      });
  };

  const controls: DurableControls = {
    sessionId: id,
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
    get title() {
      return title;
    },
    rename(next) {
      if (typeof next !== "string") throw new TypeError("rename(title): title must be a string.");
      titled = true;
      title = next;
      fieldsChanged();
      if (closed) return;
      // Not stored yet (no commit seen): the title waits for the first message's commit.
      if (holder.writer.revision === 0) holder.writer.queueHeader({ title: next });
      else holder.writer.setHeader({ title: next });
    },
    flush: () => holder.writer.flush(),
    async close() {
      if (closed) return;
      await holder.writer.close();
      closed = true;
      presence.ended(source);
      unwatchPresence();
      following?.();
      following = undefined;
      target.removeEventListener?.("pagehide", onPageHide);
      target.removeEventListener?.("visibilitychange", onVisibility);
      for (const unsubscribe of unsubscribers) unsubscribe();
      unsubscribers.clear();
    },
    onChange(listener) {
      if (typeof listener !== "function")
        throw new TypeError("onChange(listener): listener must be a function.");
      const unsubscribe = subscribe(store, (event) => {
        if (event.id === id && event.source !== source) listener(event);
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
      const fresh = await store.load(id);
      // Unchanged, or still not stored (and nothing here either: a deleted session with messages reloads).
      const unchanged = fresh
        ? fresh.header.revision === holder.writer.revision
        : binding.items().length === 0;
      if (unchanged) return false;
      // The load was asynchronous: a reply may have started meanwhile.
      if (binding.busy()) {
        throw new TypeError("refresh(): a reply started while the session was loading; refresh again.");
      }
      const next: StoredSession = fresh ?? { header: { ...emptyHeader(id, binding.kind) }, records: [] };
      // A record unchanged since this page read or wrote it (same seq, time and status) keeps the
      // object already in memory, so the snapshot keeps it by identity.
      const old = holder.writer;
      const memory = binding.items();
      const known = new Map<number, { at: number; status: string; item: RecordItem }>();
      memory.forEach((item, i) => {
        const record = old.recordAt(i);
        if (record?.seq !== undefined) known.set(record.seq, { at: record.at, status: record.status, item });
      });
      const items = next.records.map((r) => {
        const mine = known.get(r.seq);
        return mine && mine.at === r.at && mine.status === r.status ? mine.item : r.item;
      });
      // A fresh writer over the fresh records: nothing is pending (flushed above).
      holder.writer = writerFor(fresh);
      await old.close();
      if (next.header.title) title = next.header.title;
      muted = true;
      try {
        binding.restore(next, items);
      } finally {
        muted = false;
      }
      fieldsChanged();
      return true;
    },
    messageState(index) {
      const record = holder.writer.statusAt(index);
      if (!record) return undefined;
      if (record.status === "complete") return COMPLETE;
      if (record.status === "incomplete") return INCOMPLETE[record.reason ?? "error"];
      // "partial": streamed by this handle right now, by another one (its heartbeat is heard), or cut
      // off by a reload or a close.
      if (holder.writer.isLocalPartial(index)) return STREAMING;
      const seq = holder.writer.recordAt(index)?.seq;
      return seq !== undefined && presence.isLive(id, seq, source) ? ELSEWHERE : INTERRUPTED;
    },
  };
  const autoTitle = (text: string) => {
    if (titled || closed) return;
    titled = true;
    title = titleFrom(text);
    if (title) holder.writer.setHeader({ title });
    fieldsChanged();
  };
  const guard: Durable["guard"] =
    (callback) =>
    (...args) => {
      if (muted) return;
      try {
        callback(...args);
      } catch (error) {
        holder.writer.fail(error);
      }
    };
  const extras = (items: readonly RecordItem[]): DurableSnapshotFields => {
    // A change from another tab that arrived while a reply was generated: load it now that it ended.
    if (stale && !binding.busy()) {
      stale = false;
      queueMicrotask(follow);
    }
    if (fields && !fieldsDirty && fieldsOf === items) return fields;
    fieldsDirty = false;
    fieldsOf = items;
    // O(history) once per change of the history (never per chunk); equal states keep the old array.
    const states = items.map((_, i) => controls.messageState(i) ?? COMPLETE);
    const old = fields;
    const same =
      old?.title === title &&
      old.states.length === states.length &&
      states.every((s, i) => s === old.states[i]);
    if (!same || !old) fields = Object.freeze({ states: Object.freeze(states), title });
    return fields as DurableSnapshotFields;
  };
  const watched = (active: boolean) => {
    following?.();
    following = undefined;
    if (!active || closed) return;
    const unsubscribe = subscribe(store, (event) => {
      if (event.id === id && event.source !== source) follow();
    });
    following = unsubscribe;
  };
  return {
    writer: () => holder.writer,
    controls,
    autoTitle,
    guard,
    extras,
    watched,
    attach: (changed) => {
      notify = changed;
    },
  };
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
