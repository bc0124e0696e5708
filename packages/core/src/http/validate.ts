/**
 * Input checks for the request builder. Each throws a `TypeError` that names the call and says what
 * to pass instead (Astra drops several of these silently; we refuse them).
 */

import { checkHeader, TOKEN } from "../transport/headers.js";
import { describeValue } from "../utils/checks.js";

// fetch refuses these methods outright (they are valid tokens, but not for fetch).
const FETCH_FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/** Resolves and checks a URL; relative URLs resolve against the page's location in a browser. */
export function checkUrl(url: unknown, where: string): string {
  if (typeof url !== "string" && !(url instanceof URL)) {
    throw new TypeError(`${where}: the URL must be a string (or a URL), got ${describeValue(url)}.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url, globalThis.location?.href);
  } catch {
    throw new TypeError(
      `${where}: "${String(url)}" is not a valid absolute URL (e.g. "https://example.com/v1").`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new TypeError(
      `${where}: the URL contains credentials (user:password@), which fetch refuses. ` +
        "Send them in an Authorization header instead.",
    );
  }
  return parsed.href;
}

/** Checks a method token and upper-cases it. Custom tokens (PURGE, QUERY, ...) are fine. */
export function checkMethod(method: unknown, where: string): string {
  if (typeof method !== "string" || !TOKEN.test(method)) {
    throw new TypeError(
      `${where}: ${JSON.stringify(method) ?? String(method)} is not a valid HTTP method. Use a token such as ` +
        '"GET", "POST", "PATCH" or a custom one like "PURGE" (letters, digits and !#$%&\'*+-.^_`|~ only).',
    );
  }
  const upper = method.toUpperCase();
  if (FETCH_FORBIDDEN_METHODS.has(upper)) {
    throw new TypeError(
      `${where}: fetch does not allow the ${upper} method in any runtime; it cannot be sent.`,
    );
  }
  return upper;
}

/** Checks one header (the one rule of `transport/headers.ts`). */
export { checkHeader };

/** Checks a whole header record; names that differ only in case are refused (they are one header). */
export function checkHeaders(headers: unknown, where: string): Record<string, string> {
  if (headers === null || typeof headers !== "object" || Array.isArray(headers)) {
    throw new TypeError(`${where}: headers must be an object of strings, got ${describeValue(headers)}.`);
  }
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const seen = new Set<string>();
  // A null-prototype record: "__proto__" (a valid header name) is a key like any other, not a setter.
  const copy: Record<string, string> = Object.create(null);
  for (const [name, value] of entries) {
    checkHeader(name, value, where);
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      throw new TypeError(`${where}: header "${name}" is given twice (header names are case-insensitive).`);
    }
    seen.add(lower);
    copy[name] = value as string;
  }
  return copy;
}

/** Checks an AbortSignal. */
export function checkSignal(signal: unknown, where: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: signal must be an AbortSignal (e.g. new AbortController().signal).`);
  }
  return signal;
}
