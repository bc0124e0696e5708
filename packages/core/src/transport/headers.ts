import { describeValue } from "../utils/checks.js";

/**
 * What a header may be, in one place (the client's credentials and the request builder both check
 * here): a name is an RFC 9110 token; a value is what fetch can send. Messages name the header, never
 * its value (a value may be a credential).
 */

/** RFC 9110 §5.6.2 token: the characters allowed in a method or a header name. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks a header name (a token); the `TypeError` quotes the name, never a value. `__proto__` is a
 * valid token but is refused: Node's fetch (undici, Node 20 and 24) drops it without a word, so it
 * could never be sent reliably; refusing it is better than losing it.
 */
export function checkHeaderName(name: unknown, where: string): asserts name is string {
  if (typeof name !== "string" || !TOKEN.test(name)) {
    throw new TypeError(
      `${where}: ${JSON.stringify(name) ?? String(name)} is not a valid header name. ` +
        'Use a non-empty token of letters, digits and !#$%&\'*+-.^_`|~ (e.g. "x-trace-id").',
    );
  }
  if (name.toLowerCase() === "__proto__") {
    throw new TypeError(
      `${where}: a header named "__proto__" cannot be sent: Node's fetch drops it silently. Use another name.`,
    );
  }
}

/**
 * Why fetch cannot send `value` as a header value (a phrase that fits after "the value"), or
 * undefined when it can. Never quotes the value.
 */
export function headerValueProblem(value: string): string | undefined {
  if (/[\r\n\0]/.test(value)) return "contains a line break or NUL, which HTTP forbids";
  // fetch sends header values as bytes (a ByteString): a character above U+00FF cannot be sent.
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0xff) return "contains a character above U+00FF, which a header cannot carry";
  }
  return undefined;
}

/**
 * Checks one header: a token name (see `checkHeaderName`) and a string value fetch can send. The
 * `TypeError` names the header and `where`, never the value.
 */
export function checkHeader(name: unknown, value: unknown, where: string): asserts value is string {
  checkHeaderName(name, where);
  if (typeof value !== "string") {
    throw new TypeError(
      `${where}: the value of header "${name}" must be a string (got ${describeValue(value)}); ` +
        "convert it with String(value).",
    );
  }
  const problem = headerValueProblem(value);
  if (problem) {
    throw new TypeError(`${where}: the value of header "${name}" ${problem} (the value is not shown here).`);
  }
}
