import { publish } from "./broadcast.js";
import { defaultStore } from "./default-store.js";
import type { RecordItem, SessionChange, SessionHeader, SessionKind, StoredSession } from "./schema.js";
import { storableCopy } from "./storable.js";
import type { SessionStore } from "./store.js";
import { type SessionsExport, validateExport } from "./validate-export.js";

/** One row of {@link listSessions}. */
export interface SessionSummary {
  id: string;
  kind: SessionKind;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** Number of stored messages (chat) or turns (Responses). */
  messageCount: number;
  revision: number;
}

/** The `store` option shared by the management functions (default: {@link defaultStore}). */
export interface StoreOption {
  store?: SessionStore;
}

/** Lists stored sessions, most recently updated first. Reads headers only, never messages. */
export async function listSessions(options: StoreOption = {}): Promise<SessionSummary[]> {
  const headers = await (options.store ?? defaultStore()).list();
  return headers.map(summary).sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
}

/** Sets a session's title. Throws a TypeError if there is no such session. */
export async function renameSession(id: string, title: string, options: StoreOption = {}): Promise<void> {
  if (typeof title !== "string") throw new TypeError("renameSession(id, title): title must be a string.");
  const store = options.store ?? defaultStore();
  const existing = (await store.list()).find((h) => h.id === id);
  if (!existing)
    throw new TypeError(
      `renameSession: no stored session "${id}". Check the id with listSessions(); ` +
        "a session you have open that has no stored message yet is renamed with session.rename(title).",
    );
  const { header } = await store.commit(id, { set: { title } });
  publish(store, { id, type: "commit", revision: header.revision, source: "manage" });
}

/** Deletes a session and all its messages (other tabs hear of it through `onChange`). */
export async function deleteSession(id: string, options: StoreOption = {}): Promise<void> {
  const store = options.store ?? defaultStore();
  await store.delete(id);
  publish(store, { id, type: "delete", revision: 0, source: "manage" });
}

/**
 * Exports sessions as a JSON-serialisable document: the ones named by `ids`, or all of them. Only the
 * history, titles and times are exported: never a key or client setting (none is stored).
 */
export async function exportSessions(
  options: StoreOption & { ids?: string[] } = {},
): Promise<SessionsExport> {
  const store = options.store ?? defaultStore();
  const ids = options.ids ?? (await store.list()).map((h) => h.id);
  const sessions: StoredSession[] = [];
  for (const id of ids) {
    const session = await store.load(id);
    if (!session)
      throw new TypeError(`exportSessions: no stored session "${id}". Check the id with listSessions().`);
    sessions.push(session);
  }
  return { format: "oaikit-sessions", version: 1, exportedAt: new Date().toISOString(), sessions };
}

/** Options of {@link importSessions}. */
export interface ImportOptions extends StoreOption {
  /**
   * What to do when a session id already exists: `error` (default: throw a TypeError before writing
   * anything), `replace` (overwrite it) or `skip` (keep the stored one).
   */
  onConflict?: "error" | "replace" | "skip";
}

/**
 * Imports a document made by {@link exportSessions} (the object, or its JSON text). The whole document is
 * validated first, every record by the rules the sessions open it with; a bad one throws a TypeError that
 * names the offending field, and nothing is written. Each session is then written by one atomic store
 * operation: with `onConflict: "replace"`, the stored session is replaced in the same step (never deleted
 * first), so a failure leaves it as it was. Returns the ids imported.
 */
export async function importSessions(data: unknown, options: ImportOptions = {}): Promise<string[]> {
  const doc = validateExport(data);
  const store = options.store ?? defaultStore();
  const onConflict = options.onConflict ?? "error";
  if (!CONFLICT_MODES.includes(onConflict)) {
    throw new TypeError(
      `importSessions: options.onConflict must be "error", "replace" or "skip" (got ${JSON.stringify(onConflict)}).`,
    );
  }
  const existing = new Set((await store.list()).map((h) => h.id));
  const conflicts = doc.sessions.filter((s) => existing.has(s.header.id)).map((s) => s.header.id);
  if (conflicts.length > 0 && onConflict === "error") {
    throw new TypeError(
      `importSessions: ${conflicts.length} session(s) already exist (${conflicts.slice(0, 5).join(", ")}). ` +
        'Pass { onConflict: "replace" } to overwrite them or { onConflict: "skip" } to keep them.',
    );
  }
  // Replacing with a delete and a separate write could lose the stored session between the two: refuse
  // rather than do that for a store without an atomic replace.
  const replace = onConflict === "replace" ? store.replace?.bind(store) : undefined;
  if (conflicts.length > 0 && onConflict === "replace" && !replace) {
    throw new TypeError(
      "importSessions: this store cannot replace a session atomically (it has no replace(id, change) " +
        'method), so { onConflict: "replace" } would risk losing the stored session. Implement ' +
        'SessionStore.replace, or import with { onConflict: "skip" }. Nothing was written.',
    );
  }
  // Every change is built (and every item copied) before the first write: a record that cannot be copied
  // (a cycle in a document given as an object) must not stop the import halfway.
  const changes = doc.sessions
    .map((session, i) => ({ session, i }))
    .filter(({ session }) => !(existing.has(session.header.id) && onConflict === "skip"))
    .map(({ session, i }) => ({ id: session.header.id, change: importChange(session, i) }));
  const imported: string[] = [];
  for (const { id, change } of changes) {
    // replace() also when the id looked free: another tab may have created it since list().
    const result = replace ? await replace(id, change) : await store.commit(id, change);
    publish(store, { id, type: "commit", revision: result.header.revision, source: "manage" });
    imported.push(id);
  }
  return imported;
}

const CONFLICT_MODES: readonly unknown[] = ["error", "replace", "skip"];

/** The store change that creates `session` (the `i`th of the document), with JSON copies of its items. */
function importChange({ header, records }: StoredSession, i: number): SessionChange {
  const set: NonNullable<SessionChange["set"]> = { title: header.title, updatedAt: header.updatedAt };
  if (header.currentResponseId) set.currentResponseId = header.currentResponseId;
  const append = records
    .map((r, j) => ({ r, j }))
    .sort((a, b) => a.r.seq - b.r.seq)
    .map(({ r, j }) => {
      let item: RecordItem;
      try {
        item = storableCopy(r.item, () => `import "${header.id}"`);
      } catch (error) {
        throw new TypeError(
          `importSessions: sessions[${i}].records[${j}].item is not JSON data (${firstLine(error)}). ` +
            "Nothing was written. Import a file made by exportSessions() from @oaikit/sessions.",
          { cause: error },
        );
      }
      return { status: r.status, at: r.at, item, ...(r.reason ? { reason: r.reason } : {}) };
    });
  return { create: { kind: header.kind, title: header.title, createdAt: header.createdAt }, append, set };
}

function summary(h: SessionHeader): SessionSummary {
  return {
    id: h.id,
    kind: h.kind,
    title: h.title,
    createdAt: h.createdAt,
    updatedAt: h.updatedAt,
    messageCount: h.count,
    revision: h.revision,
  };
}

/** The first line of an error's cause (V8 explains a cycle over several lines). */
function firstLine(error: unknown): string {
  return String((error as Error).cause ?? error).split("\n")[0]!;
}
