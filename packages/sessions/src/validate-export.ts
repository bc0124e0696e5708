import { checkStoredItem } from "./item-rules.js";
import type { StoredSession } from "./schema.js";
import { sessionIdProblem } from "./session-id.js";
import { storableProblem } from "./storable.js";

/** The JSON document that `exportSessions` returns and `importSessions` reads. */
export interface SessionsExport {
  format: "oaikit-sessions";
  /** The export format version (1). */
  version: 1;
  exportedAt: string;
  sessions: StoredSession[];
}

/** The export format version this library writes and reads. */
const FORMAT_VERSION = 1;
const STATUSES = new Set(["complete", "partial", "incomplete"]);
const REASONS = new Set(["error", "aborted", "truncated"]);

/**
 * Validates an export document (the object, or its JSON text) completely, records included: every record
 * must be one the session would open (see `item-rules.ts`). Throws a TypeError naming the first bad field;
 * `importSessions` calls this before it writes anything.
 */
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
  checkFormatVersion(doc.version);
  if (!Array.isArray(doc.sessions)) bad("sessions", "an array");
  const seen = new Set<string>();
  for (const [i, session] of (doc.sessions as unknown[]).entries()) {
    const at = `sessions[${i}]`;
    if (!isObject(session)) bad(at, "an object");
    const h = session.header;
    if (!isObject(h)) bad(`${at}.header`, "an object");
    const idProblem = sessionIdProblem(h.id);
    if (idProblem) bad(`${at}.header.id`, `a session id that can sync (this one ${idProblem})`);
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
      checkItem(h.kind, r.item, `${rat}.item`);
    }
  }
  return doc as unknown as SessionsExport;
}

/** A version that is not the number 1 gets a message for what it is: a string, an older or newer number. */
function checkFormatVersion(version: unknown): void {
  if (version === FORMAT_VERSION) return;
  if (typeof version === "number" && Number.isInteger(version) && version > FORMAT_VERSION) {
    throw new TypeError(
      `importSessions: export format version ${version} is not supported (this version of @oaikit/sessions ` +
        `reads version ${FORMAT_VERSION}). Upgrade @oaikit/sessions to import it.`,
    );
  }
  const got = typeof version === "string" ? `the string ${JSON.stringify(version)}` : String(version);
  bad("version", `the number ${FORMAT_VERSION} (got ${got})`);
}

/**
 * An item the session of `kind` cannot open (the core constructor's reason, under the item's path), or one
 * no store can write (nested too deeply: the import would fail halfway, after writing earlier sessions).
 */
function checkItem(kind: "chat" | "responses", item: unknown, path: string): void {
  const problem = storableProblem(item);
  if (problem) {
    throw new TypeError(
      `importSessions: ${path} is ${problem}: a store cannot write it. Nothing was written. ` +
        "Remove that record, or import a file made by exportSessions() from @oaikit/sessions.",
    );
  }
  try {
    checkStoredItem(kind, item);
  } catch (error) {
    const what =
      kind === "chat" ? "a chat message" : 'a Responses turn ({ kind: "input" | "response" | "partial" })';
    throw new TypeError(
      `importSessions: ${path} must be ${what} that the session can open; the session says: ` +
        `${(error as Error).message} Fix or remove that record, or import a file made by exportSessions() ` +
        "from @oaikit/sessions.",
      { cause: error },
    );
  }
}

function bad(path: string, want: string): never {
  throw new TypeError(
    `importSessions: ${path} must be ${want}. Import a file made by exportSessions() from @oaikit/sessions.`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
