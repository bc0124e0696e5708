/**
 * The client's credentials: the API key and the configured headers. What this file promises:
 *
 * - The key is checked when it is set (the constructor and every `client.apiKey = ...`), with
 *   messages that never quote it: a key that fetch could not send (a line break, a character above
 *   U+00FF) or that is neither a string nor a function is refused at once, not at the first request.
 *   A function (a fetched key, `../transport/credential.ts`) is checked on each call instead.
 * - The key is not a property of the client: it lives here, in a module-private `WeakMap`, behind the
 *   `apiKey` accessor. So `JSON.stringify(client)`, `console.log(client)`, `Object.keys(client)`,
 *   a spread `{ ...client }`, structured cloning and anything holding the client (a session) never
 *   see it; `client.apiKey` still reads it.
 * - `clientJSON` / `inspectClient` are the client's `toJSON` and Node `util.inspect` views: the base
 *   URL and model, the names (never the values) of the configured headers.
 */
import type { ApiKeyFunction } from "../transport/credential.js";
import { checkHeader, headerValueProblem } from "../transport/headers.js";
import { describeValue } from "../utils/checks.js";

/** A client's key: fixed (a string) or fetched per request (a function). */
export type ApiKey = string | ApiKeyFunction;

const keys = new WeakMap<object, ApiKey>();

/**
 * Checks an API key: a string fetch can send in a header, a function that fetches one, or
 * `undefined`/`null`/`""` for none. The `TypeError` names `where`, never the value.
 */
export function checkApiKey(value: unknown, where: string, hint = ""): ApiKey | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "function") return value as ApiKeyFunction;
  if (typeof value !== "string") {
    throw new TypeError(
      `${where}: apiKey must be a string, a function that returns one, or undefined (got ${describeValue(value)})${hint ? `; ${hint}` : "."}`,
    );
  }
  const problem = headerValueProblem(value);
  if (problem) {
    throw new TypeError(
      `${where}: the API key ${problem}, so it cannot be sent in a header (the key is not shown here). ` +
        "Check how it was read: a line break at the end of a file or an environment variable is the usual cause.",
    );
  }
  return value;
}

/** The key of `owner` (a string or a key function), or undefined. */
export function readApiKey(owner: object): ApiKey | undefined {
  return keys.get(owner);
}

/** Checks `value` (see `checkApiKey`) and stores it as `owner`'s key; no key removes it. */
export function writeApiKey(owner: object, value: unknown, where: string, hint?: string): void {
  const key = checkApiKey(value, where, hint);
  if (key === undefined) keys.delete(owner);
  else keys.set(owner, key);
}

/**
 * Checks the client-wide headers (and `organization` / `project`, which become headers) and returns
 * them as `Headers`. Names are checked as tokens; values as fetch would, but with messages that name
 * the header and never quote its value (fetch's own error quotes it, key included).
 */
export function checkClientHeaders(
  headers: HeadersInit | undefined,
  extra: Record<string, string | undefined>,
  where: string,
): Headers {
  const checked = new Headers();
  for (const [name, value] of headerEntries(headers, where)) {
    checkHeader(name, value, `${where}.headers`);
    checked.append(name, value);
  }
  for (const [option, value] of Object.entries(extra)) {
    if (value === undefined) continue;
    if (typeof value !== "string") {
      throw new TypeError(`${where}.${option} must be a string (got ${describeValue(value)}).`);
    }
    const problem = headerValueProblem(value);
    if (problem) throw new TypeError(`${where}.${option} ${problem}, so it cannot be sent in a header.`);
  }
  return checked;
}

/** Checks per-call headers (`null` or `undefined` values remove or skip a header). */
export function checkHeaderMap(
  headers: Record<string, string | null | undefined> | undefined,
  where: string,
): Record<string, string | null | undefined> | undefined {
  if (headers === undefined) return undefined;
  if (typeof headers !== "object" || headers === null || Array.isArray(headers)) {
    throw new TypeError(
      `${where} must be an object of header names to strings (got ${describeValue(headers)}).`,
    );
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === null || value === undefined) continue;
    checkHeader(name, value, where);
  }
  return headers;
}

function headerEntries(headers: HeadersInit | undefined, where: string): [string, unknown][] {
  if (headers === undefined) return [];
  if (headers instanceof Headers) return [...headers.entries()];
  if (Array.isArray(headers)) {
    return headers.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") {
        throw new TypeError(`${where}.headers: each entry of an array must be a [name, value] pair.`);
      }
      return [pair[0], pair[1]] as [string, unknown];
    });
  }
  if (typeof headers !== "object" || headers === null) {
    throw new TypeError(
      `${where}.headers must be an object, an array of pairs or Headers (got ${describeValue(headers)}).`,
    );
  }
  return Object.entries(headers);
}

/** What a client shows of itself; the key and the header values never appear. */
interface ClientView {
  baseURL: string;
  defaultModel: string;
}

/** The client's `toJSON()`: base URL and default model only. */
export function clientJSON(client: ClientView): ClientView {
  return { baseURL: client.baseURL, defaultModel: client.defaultModel };
}

/** Node's `util.inspect` (and so `console.log`) key for a custom view. */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** The client's `util.inspect` view: class name, base URL, model, whether a key is set, header names. */
export function inspectClient(
  client: ClientView & { constructor: { name: string } },
  headerNames: readonly string[],
  options: unknown,
  inspect: ((value: unknown, options: unknown) => string) | undefined,
): string {
  const view = {
    ...clientJSON(client),
    apiKey: apiKeyView(readApiKey(client)),
    headers: headerNames,
  };
  return `${client.constructor.name} ${inspect ? inspect(view, options) : JSON.stringify(view)}`;
}

function apiKeyView(key: ApiKey | undefined): string | undefined {
  if (key === undefined) return undefined;
  return typeof key === "function" ? "[function]" : "[redacted]";
}
