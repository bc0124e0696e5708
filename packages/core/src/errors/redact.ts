/**
 * What an error may keep of what went wrong, and what it must not: the one place that decides it.
 *
 * oaikit's errors name the method and the URL (without credentials in it) and keep the cause's
 * name, message and code, because they help. They never keep what the cause carried besides: ky's
 * errors hold the `Request` (and with it every header, `Authorization` included) and the options;
 * fetch implementations may hold more. So a cause is never kept as it was thrown: it is copied into a
 * plain `Error` with only the fields below, at every depth of its `cause` chain, and any known
 * secret (a header value of the request) is cut out of its texts.
 */

/** Query parameter names whose values are credentials (`?key=` for Gemini, signed URLs, tokens). */
const SECRET_PARAM =
  /(?:^|[-_.])(?:key|apikey|token|secret|password|passwd|pwd|sig|signature|auth|authorization|credentials?|session|sessionid|code)$|token|secret|password|api[-_]?key/i;

/** What replaces a secret in a URL or a message. */
export const REDACTED = "REDACTED";

/**
 * A URL fit for a message or an error field: no `user:password@`, and the values of query parameters
 * that look like credentials (`key`, `api_key`, `token`, `sig`, ...) replaced by `REDACTED`.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = "";
    parsed.password = "";
    changed = true;
  }
  if (parsed.search) {
    const params = new URLSearchParams(parsed.search);
    for (const name of new Set(params.keys())) {
      if (SECRET_PARAM.test(name)) {
        params.set(name, REDACTED);
        changed = true;
      }
    }
    if (changed) parsed.search = params.toString();
  }
  return changed ? parsed.toString() : url;
}

/** Fields of an error cause worth keeping: they say what failed (`ECONNREFUSED`, `connect`, the port). */
const SAFE_FIELDS = ["code", "errno", "syscall", "address", "port", "hostname", "type", "status"] as const;
/** How deep a cause chain is copied. */
const MAX_DEPTH = 5;

/** What to cut out of the texts of a cause: secret values, and the raw URL (replaced by its redacted form). */
export interface Redaction {
  /** Values that must never appear (the request's header values). */
  secrets?: readonly string[] | undefined;
  /** The request's URL, replaced by `redactUrl(url)` wherever it appears. */
  url?: string | undefined;
}

/** `text` with every secret replaced by `REDACTED` and the raw URL by its redacted form. */
export function scrubText(text: string, redaction: Redaction = {}): string {
  let out = text;
  if (redaction.url) {
    const safe = redactUrl(redaction.url);
    if (safe !== redaction.url) out = out.split(redaction.url).join(safe);
  }
  for (const secret of redaction.secrets ?? []) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * A cause safe to keep on an error: an `Error` becomes a plain `Error` copy with its name, message,
 * stack (scrubbed, see `scrubText`), the `SAFE_FIELDS` that are primitives, and its own cause made
 * safe the same way; errors `keep` accepts (oaikit's own, already safe) are kept as they are; other
 * objects are dropped (`undefined`); primitives are scrubbed strings or kept numbers and booleans.
 */
export function safeCause(
  value: unknown,
  redaction: Redaction = {},
  keep: (error: Error) => boolean = () => false,
  depth = 0,
): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === "string") return scrubText(value, redaction);
  if (typeof value !== "object") return typeof value === "function" ? undefined : value;
  if (!(value instanceof Error)) return undefined;
  if (keep(value)) return value;
  const source = value as Error & Record<string, unknown>;
  let cause: unknown;
  try {
    cause = depth < MAX_DEPTH ? safeCause(source.cause, redaction, keep, depth + 1) : undefined;
  } catch {
    cause = undefined;
  }
  const copy = new Error(
    scrubText(String(source.message ?? ""), redaction),
    cause === undefined ? undefined : { cause },
  );
  const name = typeof source.name === "string" ? source.name : "Error";
  Object.defineProperty(copy, "name", { value: name, writable: true, configurable: true, enumerable: false });
  if (typeof source.stack === "string") copy.stack = scrubText(source.stack, redaction);
  for (const field of SAFE_FIELDS) {
    let fieldValue: unknown;
    try {
      fieldValue = source[field];
    } catch {
      continue;
    }
    if (typeof fieldValue === "string")
      (copy as unknown as Record<string, unknown>)[field] = scrubText(fieldValue, redaction);
    else if (typeof fieldValue === "number" || typeof fieldValue === "boolean")
      (copy as unknown as Record<string, unknown>)[field] = fieldValue;
  }
  return copy;
}
