/**
 * The value of a JSON text while it streams, on `@streamparser/json` (an incremental tokenizer: each
 * piece of text is read once, so a chunk costs what it carries, not what came before it; the
 * parsers that re-read the whole text at every chunk make a long answer quadratic).
 *
 * Each snapshot is a new object that shares its unchanged parts with the previous one (copy on
 * write along the path that changed), so UI code can compare by identity. Do not mutate them.
 */
import { JSONParser } from "@streamparser/json";

type Container = Record<string, unknown> | unknown[];

/** The deepest nesting shown as partials. */
const MAX_DEPTH = 64;

/** What `onValue` reports (the part of `@streamparser/json`'s `ParsedElementInfo` read here). */
interface ElementInfo {
  value?: unknown;
  key?: string | number | undefined;
  parent?: unknown;
  stack: ReadonlyArray<{ key?: string | number | undefined; value?: unknown }>;
  partial?: boolean;
}

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/** Builds the partial value of a JSON text fed piece by piece. */
export class PartialJson {
  readonly #parser: JSONParser;
  #root: unknown;
  /** Containers created or copied during the current `write`: changed in place until it returns. */
  readonly #fresh = new Set<Container>();
  #changed = false;
  #failed = false;

  constructor() {
    this.#parser = new JSONParser({ emitPartialTokens: true, emitPartialValues: true });
    this.#parser.onValue = (info) => this.#onValue(info as ElementInfo);
    // Not JSON (a server that ignored the format, a refusal in prose): stop, the final check reports it.
    this.#parser.onError = () => {
      this.#failed = true;
    };
  }

  /** Whether the text stopped being JSON. */
  get failed(): boolean {
    return this.#failed;
  }

  /** The latest snapshot (undefined before the first value). */
  get value(): unknown {
    return this.#root;
  }

  /** Feeds the next piece of text; returns the new snapshot when it changed, else undefined. */
  write(text: string): unknown {
    if (this.#failed || this.#parser.isEnded || text === "") return undefined;
    this.#changed = false;
    try {
      this.#parser.write(text);
    } catch {
      this.#failed = true;
    }
    this.#fresh.clear();
    return this.#changed ? this.#root : undefined;
  }

  #onValue(info: ElementInfo): void {
    const { value, key, stack } = info;
    // Bounded against a hostile server: OpenAI allows 10 levels of nesting; past MAX_DEPTH the partials
    // stop (each value costs its depth) and the final answer is left to JSON.parse and the schema.
    if (stack.length > MAX_DEPTH) {
      this.#failed = true;
      return;
    }
    // The containers from the root down to the value's parent: each level's kind and key.
    const kinds: boolean[] = [];
    const keys: (string | number)[] = [];
    for (let i = 1; i < stack.length; i++) {
      kinds.push(Array.isArray(stack[i]?.value));
      keys.push(stack[i]?.key as string | number);
    }
    if (stack.length > 0) kinds.push(Array.isArray(info.parent));
    const leaf = leafValue(value);
    if (stack.length === 0) {
      // The top-level value: a primitive replaces the root; a finished container is already built.
      if (leaf !== undefined && !isContainer(leaf) && this.#root !== leaf) {
        this.#root = leaf;
        this.#changed = true;
      } else if (isContainer(leaf) && this.#root === undefined) {
        this.#root = leaf;
        this.#changed = true;
      }
      return;
    }
    const setsLeaf = leaf !== undefined && key !== undefined && !(isContainer(leaf) && info.partial);
    if (!this.#needsUpdate(kinds, keys, setsLeaf ? key : undefined, leaf)) return;
    this.#root = this.#own(this.#root, kinds[0] as boolean);
    let node = this.#root as Container;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string | number;
      const child = this.#own((node as Record<string | number, unknown>)[k], kinds[i + 1] as boolean);
      (node as Record<string | number, unknown>)[k] = child;
      node = child;
    }
    if (setsLeaf) {
      const current = (node as Record<string | number, unknown>)[key];
      // A finished container was built level by level: keep the copy this module owns.
      if (!(isContainer(leaf) && isContainer(current))) {
        (node as Record<string | number, unknown>)[key] = leaf;
      }
    }
    this.#changed = true;
  }

  /** Whether the snapshot lacks a container on the path, or holds another leaf value. */
  #needsUpdate(kinds: boolean[], keys: (string | number)[], key: string | number | undefined, leaf: unknown) {
    let node = this.#root;
    for (let i = 0; i <= keys.length; i++) {
      if (!isContainer(node) || Array.isArray(node) !== kinds[i]) return true;
      if (i < keys.length) node = (node as Record<string | number, unknown>)[keys[i] as string | number];
    }
    if (key === undefined) return false;
    const current = (node as Record<string | number, unknown>)[key];
    return isContainer(leaf) ? !isContainer(current) : current !== leaf;
  }

  /** `value` as a container of the right kind that this write may change: itself, a copy, or a new one. */
  #own(value: unknown, array: boolean): Container {
    if (isContainer(value) && Array.isArray(value) === array) {
      if (this.#fresh.has(value)) return value;
      const copy = array ? (value as unknown[]).slice() : { ...(value as Record<string, unknown>) };
      this.#fresh.add(copy);
      return copy;
    }
    const created: Container = array ? [] : {};
    this.#fresh.add(created);
    return created;
  }
}

/** The value to show for a token: strings, finite numbers, booleans, null and containers. */
function leafValue(value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) return undefined;
  return value;
}
