import type { ChatMessage } from "@oaikit/core";
import { SessionStoreError } from "./errors.js";
import { SCHEMA_VERSION, type SessionKind, type SessionRecord, type StoredSession } from "./schema.js";

/**
 * Schema history.
 *
 * v0 (before this package had a record layout): one value per session, the whole history under the
 * string key `session:<id>`: `{ id, title?, kind?, createdAt?, updatedAt?, messages: ChatMessage[],
 * currentResponseId? }` with no `v` field. Every append rewrote it, which is what v1 fixes.
 *
 * v1: a header record under `["h", id]` and one record per message under `["m", id, seq]`, each with
 * `v: 1` (see `schema.ts`).
 */
export interface SessionV0 {
  id?: string;
  title?: string;
  kind?: SessionKind;
  createdAt?: number;
  updatedAt?: number;
  messages: unknown[];
  currentResponseId?: string;
}

/** The v0 key prefix: `session:<id>`. */
export const V0_PREFIX = "session:";

/** Converts a v0 whole-history value to a v1 session (header + one record per message). */
export function migrateV0(id: string, value: unknown, now = Date.now()): StoredSession {
  const legacy = value as SessionV0 | null;
  if (!legacy || typeof legacy !== "object" || !Array.isArray(legacy.messages)) {
    throw new SessionStoreError("schema", `migrate "${id}" from v0`, {
      detail: "expected an object with a `messages` array",
    });
  }
  const kind: SessionKind = legacy.kind === "responses" ? "responses" : "chat";
  const at = typeof legacy.updatedAt === "number" ? legacy.updatedAt : now;
  const records: SessionRecord[] = legacy.messages.map((item, seq) => ({
    v: SCHEMA_VERSION,
    seq,
    status: "complete",
    at,
    item: item as ChatMessage,
  }));
  const header: StoredSession["header"] = {
    v: SCHEMA_VERSION,
    id,
    kind,
    title: typeof legacy.title === "string" ? legacy.title : "",
    createdAt: typeof legacy.createdAt === "number" ? legacy.createdAt : at,
    updatedAt: at,
    revision: 1,
    nextSeq: records.length,
    count: records.length,
  };
  if (typeof legacy.currentResponseId === "string") header.currentResponseId = legacy.currentResponseId;
  return { header, records };
}
