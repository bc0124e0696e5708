import { publish } from "./broadcast.js";
import { defaultStore } from "./default-store.js";
import type { SessionHeader, SessionKind, StoredSession } from "./schema.js";
import type { SessionStore } from "./store.js";

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
    throw new TypeError(`renameSession: no stored session "${id}". Check the id with listSessions().`);
  const { header } = await store.commit(id, { set: { title } });
  publish(store, { id, type: "commit", revision: header.revision, source: "manage" });
}

/** Deletes a session and all its messages (other tabs hear of it through `onChange`). */
export async function deleteSession(id: string, options: StoreOption = {}): Promise<void> {
  const store = options.store ?? defaultStore();
  await store.delete(id);
  publish(store, { id, type: "delete", revision: 0, source: "manage" });
}

/** The JSON document that {@link exportSessions} returns and {@link importSessions} reads. */
export interface SessionsExport {
  format: "oaikit-sessions";
  /** The export format version (1). */
  version: 1;
  exportedAt: string;
  sessions: StoredSession[];
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
 * validated first; a bad one throws a TypeError that names the offending field, and nothing is written.
 * Returns the ids imported.
 */
export async function importSessions(data: unknown, options: ImportOptions = {}): Promise<string[]> {
  const doc = validateExport(data);
  const store = options.store ?? defaultStore();
  const onConflict = options.onConflict ?? "error";
  const existing = new Set((await store.list()).map((h) => h.id));
  const conflicts = doc.sessions.filter((s) => existing.has(s.header.id)).map((s) => s.header.id);
  if (conflicts.length > 0 && onConflict === "error") {
    throw new TypeError(
      `importSessions: ${conflicts.length} session(s) already exist (${conflicts.slice(0, 5).join(", ")}). ` +
        'Pass { onConflict: "replace" } to overwrite them or { onConflict: "skip" } to keep them.',
    );
  }
  const imported: string[] = [];
  for (const { header, records } of doc.sessions) {
    if (existing.has(header.id)) {
      if (onConflict === "skip") continue;
      await store.delete(header.id);
    }
    const set: NonNullable<Parameters<SessionStore["commit"]>[1]["set"]> = {
      title: header.title,
      updatedAt: header.updatedAt,
    };
    if (header.currentResponseId) set.currentResponseId = header.currentResponseId;
    const result = await store.commit(header.id, {
      create: { kind: header.kind, title: header.title, createdAt: header.createdAt },
      append: [...records]
        .sort((a, b) => a.seq - b.seq)
        .map((r) => ({
          status: r.status,
          at: r.at,
          item: r.item,
          ...(r.reason ? { reason: r.reason } : {}),
        })),
      set,
    });
    publish(store, { id: header.id, type: "commit", revision: result.header.revision, source: "manage" });
    imported.push(header.id);
  }
  return imported;
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

const STATUSES = new Set(["complete", "partial", "incomplete"]);
const REASONS = new Set(["error", "aborted", "truncated"]);

/** Validates an export document; throws a TypeError naming the first bad field. */
export function validateExport(data: unknown): SessionsExport {
  let doc = data;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch (error) {
      throw new TypeError(`importSessions: the file is not JSON (${(error as Error).message}).`);
    }
  }
  if (!isObject(doc)) return bad("the document", "an object");
  if (doc.format !== "oaikit-sessions") bad("format", '"oaikit-sessions"');
  if (doc.version !== 1) {
    throw new TypeError(
      `importSessions: export format version ${String(doc.version)} is not supported (this version reads 1). ` +
        "Upgrade @oaikit/sessions to import it.",
    );
  }
  if (!Array.isArray(doc.sessions)) bad("sessions", "an array");
  const seen = new Set<string>();
  for (const [i, session] of (doc.sessions as unknown[]).entries()) {
    const at = `sessions[${i}]`;
    if (!isObject(session)) bad(at, "an object");
    const h = session.header;
    if (!isObject(h)) bad(`${at}.header`, "an object");
    if (typeof h.id !== "string" || h.id === "") bad(`${at}.header.id`, "a non-empty string");
    if (seen.has(h.id as string)) bad(`${at}.header.id`, `unique (the id "${String(h.id)}" appears twice)`);
    seen.add(h.id as string);
    if (h.kind !== "chat" && h.kind !== "responses") bad(`${at}.header.kind`, '"chat" or "responses"');
    if (typeof h.title !== "string") bad(`${at}.header.title`, "a string");
    for (const f of ["createdAt", "updatedAt"])
      if (!Number.isFinite(h[f])) bad(`${at}.header.${f}`, "a number");
    if (h.currentResponseId !== undefined && typeof h.currentResponseId !== "string") {
      bad(`${at}.header.currentResponseId`, "a string");
    }
    if (!Array.isArray(session.records)) bad(`${at}.records`, "an array");
    for (const [j, r] of (session.records as unknown[]).entries()) {
      const rat = `${at}.records[${j}]`;
      if (!isObject(r)) bad(rat, "an object");
      if (!Number.isInteger(r.seq) || (r.seq as number) < 0) bad(`${rat}.seq`, "a non-negative integer");
      if (!STATUSES.has(r.status as string)) bad(`${rat}.status`, '"complete", "partial" or "incomplete"');
      if (r.reason !== undefined && !REASONS.has(r.reason as string)) {
        bad(`${rat}.reason`, '"error", "aborted" or "truncated"');
      }
      if (!Number.isFinite(r.at)) bad(`${rat}.at`, "a number");
      if (!isObject(r.item)) bad(`${rat}.item`, "an object (a chat message or a Responses turn)");
    }
  }
  return doc as unknown as SessionsExport;
}

function bad(path: string, want: string): never {
  throw new TypeError(
    `importSessions: ${path} must be ${want}. Import a file made by exportSessions() from @oaikit/sessions.`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
