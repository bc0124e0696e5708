/**
 * Validation for the sessions. Messages a user gives are checked strictly enough to catch what is truly
 * malformed (a TypeError that says what is wrong) and loosely enough to accept what the API accepts:
 * the `developer` role, any content part with a `type`, extra fields. Server replies are checked the
 * lua-openai's way (its `tableshape` messages: `field "choices": expected type "table", got "nil"`), but
 * without rejecting modern replies (no `usage`, content-part arrays, unknown Responses output items).
 */

import type { ChatMessage } from "../types/chat.js";
import { isRecord } from "../utils/checks.js";
import type { ResponsesTurn } from "./observer.js";

/** A legacy function declaration (`functions` option). */
export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  [extra: string]: unknown;
}

const ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;

/** `true` when `value` is set (neither undefined nor null). */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** lua-openai's (Lua) name for a value's type, as its `tableshape` errors print it. */
export function luaType(value: unknown): string {
  if (value === undefined) return "nil";
  if (value === null) return "null";
  if (typeof value === "object") return "table";
  return typeof value;
}

function show(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
  } catch {
    return String(value);
  }
}

function checkContentParts(parts: unknown[], where: string): void {
  parts.forEach((part, i) => {
    if (!isRecord(part) || typeof part.type !== "string") {
      throw new TypeError(
        `${where}.content[${i}] must be a content part with a string \`type\` (e.g. { type: "text", text: "..." }), got ${show(part)}.`,
      );
    }
  });
}

function checkContent(message: Record<string, unknown>, where: string, required: boolean): void {
  const content = message.content;
  if (typeof content === "string") return;
  if (Array.isArray(content)) {
    checkContentParts(content, where);
    return;
  }
  if (!isSet(content) && !required) return;
  throw new TypeError(
    `${where}.content must be a string or an array of content parts${required ? "" : " (or null)"}, got ${show(content)}.`,
  );
}

function checkOptionalString(message: Record<string, unknown>, key: string, where: string): void {
  const value = message[key];
  if (isSet(value) && typeof value !== "string") {
    throw new TypeError(`${where}.${key} must be a string when set, got ${show(value)}.`);
  }
}

/**
 * Checks one chat message and throws a `TypeError` naming what is wrong. `where` prefixes the message
 * (e.g. `ChatSession.appendMessage: message 0`).
 */
export function assertChatMessage(message: unknown, where: string): asserts message is ChatMessage {
  if (!isRecord(message)) {
    throw new TypeError(
      `${where} must be a message object such as { role: "user", content: "Hello" }, got ${show(message)}.`,
    );
  }
  const role = message.role;
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
    throw new TypeError(
      `${where}.role must be one of ${ROLES.map((r) => `"${r}"`).join(", ")}, got ${show(role)}.`,
    );
  }
  checkOptionalString(message, "name", where);
  switch (role) {
    case "system":
    case "developer":
    case "user":
      checkContent(message, where, true);
      return;
    case "assistant": {
      checkContent(message, where, false);
      const toolCalls = message.tool_calls;
      if (isSet(toolCalls)) {
        if (!Array.isArray(toolCalls)) {
          throw new TypeError(`${where}.tool_calls must be an array of tool calls, got ${show(toolCalls)}.`);
        }
        toolCalls.forEach((call, i) => {
          const fn = isRecord(call) ? call.function : undefined;
          if (!isRecord(call) || (isSet(fn) && !isRecord(fn))) {
            throw new TypeError(
              `${where}.tool_calls[${i}] must be { id, type: "function", function: { name, arguments } }, got ${show(call)}.`,
            );
          }
        });
      }
      const functionCall = message.function_call;
      if (isSet(functionCall) && !isRecord(functionCall)) {
        throw new TypeError(`${where}.function_call must be { name, arguments }, got ${show(functionCall)}.`);
      }
      return;
    }
    case "tool":
      if (typeof message.tool_call_id !== "string") {
        throw new TypeError(
          `${where}: a "tool" message needs tool_call_id (the id of the tool call it answers), got ${show(message.tool_call_id)}.`,
        );
      }
      checkContent(message, where, false);
      return;
    case "function":
      if (typeof message.name !== "string") {
        throw new TypeError(
          `${where}: a "function" message needs name (the function that was called), got ${show(message.name)}.`,
        );
      }
      if (isSet(message.content) && typeof message.content !== "string") {
        throw new TypeError(`${where}.content must be a string (or null), got ${show(message.content)}.`);
      }
      return;
  }
}

/** Checks a legacy function declaration (`{ name, description?, parameters? }`). */
export function assertFunctionDeclaration(
  value: unknown,
  where: string,
): asserts value is FunctionDeclaration {
  if (!isRecord(value) || typeof value.name !== "string") {
    throw new TypeError(
      `${where} must be a function declaration { name, description?, parameters? }, got ${show(value)}.`,
    );
  }
  if (value.description !== undefined && typeof value.description !== "string") {
    throw new TypeError(`${where}.description must be a string, got ${show(value.description)}.`);
  }
  if (value.parameters !== undefined && !isRecord(value.parameters)) {
    throw new TypeError(`${where}.parameters must be a JSON Schema object, got ${show(value.parameters)}.`);
  }
}

/** lua-openai's `tableshape` text for a field of the wrong type: `field "x": expected type "table", got "nil"`. */
function fieldType(path: string, value: unknown, expected = "table"): string {
  return `${path ? `field "${path}": ` : ""}expected type "${expected}", got "${luaType(value)}"`;
}

/** The first reply message of a `chat.completion`, or lua-openai-style reason it is malformed. */
export function parseChatReply(
  data: unknown,
): { ok: true; message: Record<string, unknown> } | { ok: false; reason: string } {
  const fail = (reason: string) => ({ ok: false, reason }) as const;
  if (!isRecord(data)) return fail(fieldType("", data));
  const choices = data.choices;
  if (!Array.isArray(choices)) return fail(fieldType("choices", choices));
  const first: unknown = choices[0];
  if (!isRecord(first)) return fail(fieldType("choices[0]", first));
  const message = first.message;
  const at = "choices[0].message";
  if (!isRecord(message)) return fail(fieldType(at, message));
  if (message.role !== undefined && message.role !== "assistant") {
    return fail(`field "${at}.role": expected "assistant", got ${show(message.role)}`);
  }
  const { content, tool_calls: toolCalls, function_call: functionCall } = message;
  if (isSet(content) && typeof content !== "string" && !Array.isArray(content)) {
    return fail(`field "${at}.content": expected a string, an array or null, got "${luaType(content)}"`);
  }
  if (isSet(toolCalls) && !Array.isArray(toolCalls)) return fail(fieldType(`${at}.tool_calls`, toolCalls));
  if (
    isSet(functionCall) &&
    (!isRecord(functionCall) ||
      typeof functionCall.name !== "string" ||
      typeof functionCall.arguments !== "string")
  ) {
    return fail(`field "${at}.function_call": expected { name, arguments } strings`);
  }
  return { ok: true, message };
}

/** Checks a Responses object lua-openai's way (`id` and `output` required), accepting any output item type. */
export function responseShapeError(data: unknown): string | undefined {
  if (!isRecord(data)) return fieldType("", data);
  if (typeof data.id !== "string") return fieldType("id", data.id, "string");
  if (!Array.isArray(data.output)) return fieldType("output", data.output);
  const bad = data.output.findIndex((item) => !isRecord(item) || typeof item.type !== "string");
  if (bad !== -1) return `field "output[${bad}]": expected an item with a string "type"`;
  return undefined;
}

/** Checks a Responses input (a string, or an array of input items) and throws a TypeError if malformed. */
export function assertResponseInput(input: unknown, where: string): void {
  if (typeof input === "string") return;
  if (!isSet(input)) {
    throw new TypeError(`${where}: input must be provided (a string or an array of input items).`);
  }
  if (!Array.isArray(input)) {
    throw new TypeError(`${where}: input must be a string or an array of input items, got ${show(input)}.`);
  }
  input.forEach((item, i) => {
    if (!isRecord(item) || (typeof item.role !== "string" && typeof item.type !== "string")) {
      throw new TypeError(
        `${where}: input[${i}] must be a message ({ role, content }) or a typed item ({ type: "function_call_output", call_id, output }), got ${show(item)}.`,
      );
    }
    if (typeof item.role === "string" && typeof item.content !== "string" && !Array.isArray(item.content)) {
      throw new TypeError(
        `${where}: input[${i}].content must be a string or an array of content parts, got ${show(item.content)}.`,
      );
    }
  });
}

const REASONS = ["error", "aborted", "truncated"];

/**
 * Checks one turn of a Responses conversation (`turns`, as a store keeps them) and throws a TypeError
 * that says what is wrong: an input (a string or input items), a response (an object with a string
 * `id` and an `output` list), or a partial reply (its `text`, and a known `reason` if any).
 */
export function assertResponsesTurn(turn: unknown, where: string): asserts turn is ResponsesTurn {
  if (!isRecord(turn))
    throw new TypeError(
      `${where} must be { kind: "input" | "response" | "partial", ... }, got ${show(turn)}.`,
    );
  if (turn.kind === "input") {
    assertResponseInput(turn.input, `${where}.input`);
    return;
  }
  if (turn.kind === "response") {
    const problem = responseShapeError(turn.response);
    if (problem) throw new TypeError(`${where}.response is not a response object: ${problem}.`);
    return;
  }
  if (turn.kind === "partial") {
    if (typeof turn.text !== "string")
      throw new TypeError(`${where}.text must be a string, got ${show(turn.text)}.`);
    if (turn.reason !== undefined && !REASONS.includes(turn.reason as string)) {
      throw new TypeError(
        `${where}.reason must be "error", "aborted" or "truncated", got ${show(turn.reason)}.`,
      );
    }
    return;
  }
  throw new TypeError(`${where}.kind must be "input", "response" or "partial", got ${show(turn.kind)}.`);
}
