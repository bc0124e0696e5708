import { SessionStoreError } from "./errors.js";
import type { RecordItem } from "./schema.js";

/**
 * How deeply a stored message may nest. Stores copy values recursively (`structuredClone` in memory,
 * IndexedDB's serialiser), and so does `JSON.stringify`: a server reply nested thousands of levels deep
 * overflows the stack in one of them (Node 20: structuredClone at about 1,900 levels, JSON at 4,100). A
 * record the store cannot write would fail every later commit with it, so it is refused here instead, far
 * below those limits and far above any real message (API objects nest a few dozen levels at most).
 */
export const MAX_DEPTH = 500;

/**
 * How large a stored message may be: its JSON, in UTF-16 code units (8 Mi: 8 MiB of ASCII text, at most 24
 * MiB of UTF-8). A message up to this size always fits in one sync push (at most 32 MiB) with room to
 * spare, so a message a page can store is one it can sync; the stores themselves split larger values.
 */
export const MAX_ITEM_CHARS = 8 * 1024 * 1024;

/**
 * The copy of `item` that a store keeps: JSON-safe (drops the response helper methods, which IndexedDB
 * cannot store; turns Dates into strings), and checked to be storable. Throws a {@link SessionStoreError}
 * with code `data` when it is not: nested deeper than {@link MAX_DEPTH}, a cycle, a BigInt. `operation`
 * names the failed operation in that error (a function: it is only needed when the copy fails).
 */
export function storableCopy<T extends RecordItem>(item: T, operation: () => string): T {
  if (tooDeep(item)) {
    throw new SessionStoreError("data", operation(), { detail: `nested deeper than ${MAX_DEPTH} levels` });
  }
  let text: string;
  try {
    text = JSON.stringify(item);
  } catch (error) {
    throw new SessionStoreError("data", operation(), { cause: error });
  }
  if (text.length > MAX_ITEM_CHARS) {
    throw new SessionStoreError("data", operation(), { detail: tooLarge(text.length) });
  }
  return JSON.parse(text) as T;
}

/**
 * The depth and size rule on its own, for values that are already JSON data (a push the sync server read, a
 * record of an import): what makes `item` unstorable, or undefined. The same limits as {@link storableCopy}.
 */
export function storableProblem(item: unknown): string | undefined {
  if (tooDeep(item)) return `nested deeper than ${MAX_DEPTH} levels`;
  let text: string | undefined;
  try {
    text = JSON.stringify(item);
  } catch (error) {
    return `not JSON data (${String((error as Error)?.message ?? error).split("\n")[0]})`;
  }
  if (text === undefined) return "not JSON data";
  if (text.length > MAX_ITEM_CHARS) return tooLarge(text.length);
  return undefined;
}

function tooLarge(chars: number): string {
  return `${chars} characters of JSON, more than the ${MAX_ITEM_CHARS} a stored message may have`;
}

/** Whether `value` nests deeper than {@link MAX_DEPTH} objects/arrays (a store could not write it). */
export function tooDeep(value: unknown): boolean {
  return depthOver(value, MAX_DEPTH);
}

/**
 * Whether `value` nests deeper than `limit` objects/arrays. Iterative (the point is not to overflow the
 * stack); each object is visited once, so shared sub-objects cost nothing and a cycle ends the walk (the
 * JSON copy then reports it).
 */
function depthOver(value: unknown, limit: number): boolean {
  const seen = new Set<object>();
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    if (depth > limit) return true;
    seen.add(current);
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
