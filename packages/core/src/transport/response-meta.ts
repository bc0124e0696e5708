/** What every layer above the transport reads from a `Response` the same way: status class, request id, body decoding. */

/**
 * Decodes a body the way lua-openai does (`pcall(cjson.decode)`): the JSON value when the text parses
 * as JSON, else the text itself (an empty body gives `""`).
 */
export function decodeBody(text: string): unknown {
  if (text.trim() === "") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `x-request-id` (or `request-id`), or undefined: the same rule for results and streams. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get("x-request-id") ?? headers.get("request-id") ?? undefined;
}

/** Any 2xx is success (lua-openai's sessions only accepted 200). */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
