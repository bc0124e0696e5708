/**
 * The small value checks every layer uses, in one place (like ky's `utils/type-guards.ts`). Nothing
 * here imports anything: errors, transport, streams, client and sessions all sit above it.
 */

/** `true` for an object that is not null and not an array (JSON's "object"). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short description of a value for error messages (never its content: it may be a secret). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  return typeof value === "object" ? "an object" : String(value);
}
