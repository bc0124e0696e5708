/**
 * The small value checks every layer uses, in one place (like ky's `utils/type-guards.ts`). Nothing
 * here imports anything: errors, transport, streams, client and sessions all sit above it.
 */

/** `true` for an object that is not null and not an array (JSON's "object"). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A short description of a value for error messages, never its content (it may be a secret): its
 * kind, the class of an object that is not a plain one (`an object (Map)`), and numbers, booleans
 * and `undefined` as themselves.
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return value === "" ? "an empty string" : "a string";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "bigint":
      return "a bigint";
    case "object": {
      const proto = Object.getPrototypeOf(value);
      const name = proto === null || proto === Object.prototype ? undefined : proto?.constructor?.name;
      return typeof name === "string" && name !== "" && name !== "Object"
        ? `an object (${name})`
        : "an object";
    }
    default:
      return String(value);
  }
}
