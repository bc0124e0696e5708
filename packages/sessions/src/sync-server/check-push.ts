import { storedItemProblem } from "../item-rules.js";
import type { RecordBody, SessionKind } from "../schema.js";
import type { PushBase, PushRequest } from "../sync-protocol/protocol.js";

/**
 * The sync server's checks of what a device sends, before anything is loaded or written: a push body's
 * shape ({@link checkPush}) and its records by the stores' own rule ({@link checkPushItems}: depth, size, and
 * what a session of that kind can open), so that nothing is accepted that a store or a device could not
 * read back, hash or copy later.
 */

const STATUSES = new Set(["complete", "partial", "incomplete"]);
const REASONS = new Set(["error", "aborted", "truncated"]);
/** A push id: any short string the client chose (see `PushRequest.id`). */
export const MAX_PUSH_ID_LENGTH = 128;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isSeq = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isTime = (v: unknown) => typeof v === "number" && Number.isFinite(v);

/** Checks a push body's shape; returns what is wrong, or undefined. */
export function checkPush(value: unknown): string | undefined {
  if (!isObject(value)) return "The body must be a JSON object (a push).";
  const p = value as Partial<PushRequest> & Record<string, unknown>;
  if (p.id !== undefined && (typeof p.id !== "string" || p.id === "" || p.id.length > MAX_PUSH_ID_LENGTH))
    return `id must be a non-empty string of at most ${MAX_PUSH_ID_LENGTH} characters.`;
  if (p.base !== null && !isBase(p.base))
    return "base must be null or { revision, nextSeq, createdAt, count, tail, title }.";
  if (p.force !== undefined && typeof p.force !== "boolean") return "force must be a boolean.";
  if (p.create !== undefined) {
    if (!isObject(p.create) || (p.create.kind !== "chat" && p.create.kind !== "responses")) {
      return 'create.kind must be "chat" or "responses".';
    }
    if (p.create.title !== undefined && typeof p.create.title !== "string")
      return "create.title must be a string.";
    if (p.create.createdAt !== undefined && !isTime(p.create.createdAt))
      return "create.createdAt must be a number.";
  }
  if (p.truncateFrom !== undefined && !isSeq(p.truncateFrom)) return "truncateFrom must be a seq.";
  if (p.put !== undefined) {
    if (!Array.isArray(p.put)) return "put must be an array.";
    for (const put of p.put) {
      if (!isObject(put) || !isSeq(put.seq)) return "every put needs a seq.";
      const bad = checkBody(put.body);
      if (bad) return `put ${String(put.seq)}: ${bad}`;
      if (put.prev !== undefined && typeof put.prev !== "string") return "put.prev must be a string.";
    }
  }
  if (p.append !== undefined) {
    if (!Array.isArray(p.append)) return "append must be an array.";
    for (const [i, body] of p.append.entries()) {
      const bad = checkBody(body);
      if (bad) return `append[${i}]: ${bad}`;
    }
  }
  if (p.set !== undefined) {
    if (!isObject(p.set)) return "set must be an object.";
    if (p.set.title !== undefined && typeof p.set.title !== "string") return "set.title must be a string.";
    const r = p.set.currentResponseId;
    if (r !== undefined && r !== null && typeof r !== "string")
      return "set.currentResponseId must be a string or null.";
    if (p.set.updatedAt !== undefined && !isTime(p.set.updatedAt)) return "set.updatedAt must be a number.";
  }
  return undefined;
}

/**
 * Checks every record a push carries by the rule the stores and `importSessions` use (`storedItemProblem`):
 * storable (nesting, size) and one a session of `kind` opens. Returns what is wrong, or undefined.
 */
export function checkPushItems(push: PushRequest, kind: SessionKind): string | undefined {
  for (const put of push.put ?? []) {
    const problem = storedItemProblem(kind, put.body.item);
    if (problem) return `put ${put.seq}: the item ${problem}`;
  }
  for (const [i, body] of (push.append ?? []).entries()) {
    const problem = storedItemProblem(kind, body.item);
    if (problem) return `append[${i}]: the item ${problem}`;
  }
  return undefined;
}

function isBase(b: unknown): b is PushBase {
  return (
    isObject(b) &&
    isSeq(b.revision) &&
    isSeq(b.nextSeq) &&
    isTime(b.createdAt) &&
    isSeq(b.count) &&
    typeof b.title === "string" &&
    (b.currentResponseId === undefined || typeof b.currentResponseId === "string") &&
    Array.isArray(b.tail) &&
    b.tail.every((t) => isObject(t) && isSeq(t.seq) && typeof t.hash === "string")
  );
}

function checkBody(body: unknown): string | undefined {
  if (!isObject(body)) return "a record body must be an object.";
  const b = body as Partial<RecordBody>;
  if (!STATUSES.has(b.status as string)) return 'status must be "complete", "partial" or "incomplete".';
  if (b.reason !== undefined && !REASONS.has(b.reason as string))
    return 'reason must be "error", "aborted" or "truncated".';
  if (!isTime(b.at)) return "at must be a number.";
  if (!isObject(b.item)) return "item must be an object.";
  return undefined;
}
