import { OaikitError } from "@oaikit/core";

/** What went wrong in a session store; `SessionStoreError.code`. */
export type SessionStoreErrorCode =
  /** The browser refused the write: storage quota exceeded. */
  | "quota"
  /** IndexedDB is missing or cannot be opened (private mode, disabled storage, an old browser). */
  | "unavailable"
  /** The database connection closed and could not be reopened. */
  | "closed"
  /** The stored data was written by a newer schema version, or is malformed. */
  | "schema"
  /**
   * A message or turn could not be copied for storage (nested too deeply, a cycle, not JSON data). It stays
   * in the session in memory; it is not stored, the rest of the session is.
   */
  | "data"
  /** Any other failure of the underlying store. */
  | "failed";

const advice: Record<SessionStoreErrorCode, string> = {
  quota:
    "The browser's storage quota is exhausted. Free space (delete or export old sessions) or ask for " +
    "persistent storage with navigator.storage.persist(); the unsaved changes stay queued and are written " +
    "by the next flush().",
  unavailable:
    "IndexedDB is not available here (private browsing, storage disabled, or not a browser). Pass " +
    "`store: createMemoryStore()` or another SessionStore to keep sessions in memory.",
  closed:
    "The IndexedDB connection closed and reopening it failed. Reload the page; the unsaved changes stay " +
    "queued until then and are written by the next flush().",
  schema:
    "The stored data is not in a format this version of @oaikit/sessions reads. Upgrade @oaikit/sessions, " +
    "or export the data with the version that wrote it.",
  data:
    "That message stays in the session in memory, and the rest of the session is still saved, but this one " +
    "is not: it is not plain JSON data within the depth limit. Remove it with truncate() if it must not be " +
    "lost on reload, or make the data it came from (usually a server's reply) smaller or flatter.",
  failed: "The session store failed. The unsaved changes stay queued and are retried by the next flush().",
};

/**
 * A session store could not read or write. `code` says why; the message says what to do. Writes that failed
 * are never dropped: they stay queued in the session and are retried (see `DurableSession.flush()`).
 */
export class SessionStoreError extends OaikitError {
  override name = "SessionStoreError";
  /** Why the store failed. */
  readonly code: SessionStoreErrorCode;
  /** The operation that failed, e.g. `commit "chat-1"`. */
  readonly operation: string;
  constructor(
    code: SessionStoreErrorCode,
    operation: string,
    options?: { cause?: unknown; detail?: string },
  ) {
    const detail =
      options?.detail ??
      (options?.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : "");
    super(`Session store ${operation} failed${detail ? ` (${detail})` : ""}. ${advice[code]}`, {
      cause: options?.cause,
    });
    this.code = code;
    this.operation = operation;
  }
}

/** Maps a raw store failure (a DOMException from IndexedDB, usually) to a {@link SessionStoreError}. */
export function toStoreError(error: unknown, operation: string): SessionStoreError {
  if (error instanceof SessionStoreError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  const code: SessionStoreErrorCode =
    name === "QuotaExceededError"
      ? "quota"
      : name === "InvalidStateError"
        ? "closed"
        : name === "UnknownError" || name === "SecurityError"
          ? "unavailable"
          : "failed";
  return new SessionStoreError(code, operation, { cause: error });
}
