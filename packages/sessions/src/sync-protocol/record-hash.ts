import type { RecordBody, SessionRecord } from "../schema.js";

/**
 * A record's identity across stores. Each store numbers its records itself (a session's local copy and its
 * remote copy have different seqs), so the sync protocol recognises "the same record" by content: a hash of
 * its canonical JSON. The browser pairs local and remote records by it, a push's `prev` and `base.tail` name
 * records by it, and the server finds a record a merge moved, or a resent append already stored, by it.
 * Two devices must compute the same hash for the same record in any runtime, forever: what is hashed, the
 * canonical text and the hash function are part of the protocol, and a change to any of them would make
 * every stored hash name nothing.
 */

/**
 * A record's identity for sync: a 53-bit hash (hex) of its canonical JSON (sorted keys) over
 * `status`, `reason`, `at` and `item`. Two devices that stored the same record compute the same hash;
 * `at` (the write time in ms) makes two equal texts written at different times different records.
 */
export function recordHash(body: RecordBody | SessionRecord): string {
  const text = canonicalJson({
    status: body.status,
    reason: body.reason ?? null,
    at: body.at,
    item: body.item,
  });
  return `${cyrb53(text).toString(16)}:${text.length.toString(16)}`;
}

/**
 * JSON with object keys sorted, so equal values give equal text whatever their key order: the text of
 * `JSON.stringify` on a copy with sorted keys (undefined members and functions left out, `null` for them in
 * arrays). Written without recursion: a stored record nested thousands of levels deep (accepted before the
 * depth rule) is hashed like any other instead of overflowing the stack on every later push.
 */
export function canonicalJson(value: unknown): string {
  // The usual record nests a few levels: the recursive copy is several times faster. Past
  // FAST_DEPTH levels it stops, and the iterative writer below does the whole value instead.
  const copy = sortedCopy(value, 0);
  if (copy !== tooDeep) return JSON.stringify(copy);
  return canonicalJsonIterative(value);
}

const FAST_DEPTH = 256;
const tooDeep = Symbol("too deep");

/** A copy of `value` with object keys inserted in sorted order, or {@link tooDeep}. */
function sortedCopy(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > FAST_DEPTH) return tooDeep;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = sortedCopy(value[i], depth + 1);
      if (item === tooDeep) return tooDeep;
      out[i] = item;
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    const copy = sortedCopy(member, depth + 1);
    if (copy === tooDeep) return tooDeep;
    out[key] = copy; // as JSON.stringify of this copy writes it: integer-like keys first, "__proto__" never
  }
  return out;
}

/** {@link canonicalJson} without recursion, for values nested deeper than {@link FAST_DEPTH}. */
function canonicalJsonIterative(value: unknown): string {
  const out: string[] = [];
  // A stack of work: a value to write, or a literal piece of text (separators, closing brackets).
  const stack: ({ value: unknown; inArray: boolean } | string)[] = [{ value, inArray: false }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (typeof next === "string") {
      out.push(next);
      continue;
    }
    const v = next.value;
    if (v === null || typeof v !== "object") {
      const text = typeof v === "function" || typeof v === "symbol" ? undefined : JSON.stringify(v);
      out.push(text ?? (next.inArray ? "null" : ""));
      continue;
    }
    const pieces: ({ value: unknown; inArray: boolean } | string)[] = [];
    if (Array.isArray(v)) {
      pieces.push("[");
      for (let i = 0; i < v.length; i++) {
        if (i > 0) pieces.push(",");
        pieces.push({ value: v[i], inArray: true }); // a hole, like undefined: null
      }
      pieces.push("]");
    } else {
      pieces.push("{");
      let first = true;
      for (const key of sortedKeys(v)) {
        const member = (v as Record<string, unknown>)[key];
        if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
        if (key === "__proto__") continue; // the copy assigned it as its prototype: never written
        pieces.push(`${first ? "" : ","}${JSON.stringify(key)}:`, { value: member, inArray: false });
        first = false;
      }
      pieces.push("}");
    }
    for (let i = pieces.length - 1; i >= 0; i--) stack.push(pieces[i]!);
  }
  return out.join("");
}

/**
 * The keys in the order `JSON.stringify` writes an object built by inserting them sorted: integer-like keys
 * (array indexes) first, in numeric order, as JavaScript enumerates them; then the others, sorted.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value).sort();
  const indexes = keys.filter(isIndex);
  if (indexes.length === 0) return keys;
  return [...indexes.sort((a, b) => Number(a) - Number(b)), ...keys.filter((key) => !isIndex(key))];
}

function isIndex(key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4_294_967_295;
}

/** cyrb53 (public domain, bryc): a fast 53-bit string hash, the same in every JavaScript runtime. */
function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
