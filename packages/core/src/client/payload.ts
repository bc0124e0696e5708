/** Building request payloads and paths: omit `undefined`, keep `null`, encode ids, check input. */
import { describeValue } from "../utils/checks.js";

export { describeValue };

/**
 * Copies `source`'s own keys onto `target`, skipping `undefined` values (Lua's `pairs` skips nil),
 * so an unset option never reaches the payload nor overrides a default; `null` is kept and sent.
 */
export function mergeDefined<T extends Record<string, unknown>>(
  target: T,
  source: Record<string, unknown> | undefined,
): T {
  if (source === undefined || source === null) return target;
  if (typeof source !== "object" || Array.isArray(source)) {
    throw new TypeError(`Options must be a plain object of API parameters (got ${describeValue(source)}).`);
  }
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    // defineProperty, not assignment: a "__proto__" key is a parameter to send, not the prototype.
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
}

/**
 * The path segment for an id: checked (a non-empty string) and percent-encoded, so an id with `/`,
 * `?` or `#` cannot change the URL. `"."` and `".."` are refused: they are dot segments, which URL
 * parsing resolves (`/responses/..` is `/`), and encoding them does not help (`%2e` is a dot to the
 * URL parser too). `message` is lua-openai's assertion text where it has one.
 */
export function encodeId(id: unknown, message: string): string {
  if (typeof id !== "string" || id === "") {
    throw new TypeError(`${message} (a non-empty string; got ${describeValue(id)}).`);
  }
  if (id === "." || id === "..") {
    throw new TypeError(
      `${message} (got ${JSON.stringify(id)}, which is not an id: as a path segment it would leave the resource's path).`,
    );
  }
  return encodeURIComponent(id);
}

/** Checks the messages of a chat call: an array of objects with a string `role`. */
export function checkMessages(messages: unknown): void {
  if (!Array.isArray(messages)) {
    throw new TypeError(
      `messages must be an array of chat messages, e.g. [{ role: "user", content: "Hi" }] (got ${describeValue(messages)}).`,
    );
  }
  messages.forEach((message, index) => {
    if (
      typeof message !== "object" ||
      message === null ||
      typeof (message as { role?: unknown }).role !== "string"
    ) {
      throw new TypeError(
        `messages[${index}] must be an object with a string role, e.g. { role: "user", content: "Hi" } (got ${describeValue(message)}).`,
      );
    }
  });
}

/** Checks a value that must be present (lua-openai's `assert(input, "input must be provided")`). */
export function checkPresent(value: unknown, message: string): void {
  if (value === undefined || value === null) throw new TypeError(message);
}

/** Checks an optional callback. */
export function checkCallback(callback: unknown, name: string): void {
  if (callback !== undefined && typeof callback !== "function") {
    throw new TypeError(`${name} must be a function (got ${describeValue(callback)}).`);
  }
}

/** The init of a `call`: the per-call options (checked: an object or undefined) with `extra` over them. */
export function callInit<E extends object>(options: unknown, extra: E): E {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`Request options must be an object (got ${describeValue(options)}).`);
  }
  return { ...(options as object), ...extra };
}

/** `{ model, ...fields }` with the set `params` over it (the client's default model unless overridden). */
export function modelPayload(
  client: { defaultModel: string },
  fields: Record<string, unknown>,
  params: object | undefined,
): Record<string, unknown> {
  return mergeDefined({ model: client.defaultModel, ...fields }, params as Record<string, unknown>);
}
