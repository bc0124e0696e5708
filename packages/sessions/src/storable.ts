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
 * The copy of `item` that a store keeps: JSON-safe (drops the response helper methods, which IndexedDB
 * cannot store; turns Dates into strings), and checked to be storable. Throws a {@link SessionStoreError}
 * with code `data` when it is not: nested deeper than {@link MAX_DEPTH}, a cycle, a BigInt. `operation`
 * names the failed operation in that error (a function: it is only needed when the copy fails).
 */
export function storableCopy<T extends RecordItem>(item: T, operation: () => string): T {
  if (tooDeep(item)) {
    throw new SessionStoreError("data", operation(), { detail: `nested deeper than ${MAX_DEPTH} levels` });
  }
  try {
    return JSON.parse(JSON.stringify(item)) as T;
  } catch (error) {
    throw new SessionStoreError("data", operation(), { cause: error });
  }
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
