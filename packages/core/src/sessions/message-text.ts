/**
 * `messageText(message)`: the text to show for one message of a session, whatever its shape. One
 * implementation for the UIs, the durable sessions' titles and the snapshots' readers.
 */
import type { ChatMessage } from "../types/chat.js";
import type { ResponsesTurn } from "./observer.js";

/**
 * The text of a content value: the string itself, or its parts' `text` (chat `text`, Responses
 * `input_text` / `output_text`) joined; the items of a Responses input are joined one per line.
 */
export function contentText(content: unknown, separator = ""): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part?.text === "string" ? part.text : contentText(part?.content)))
    .filter((text) => text !== "")
    .join(separator);
}

/**
 * The text of a chat message (a string, text parts joined, `""` for `null` or a message that only
 * calls tools, the refusal when there is no content), of a Responses turn (the input's text, a
 * response's output text, a partial reply's text), or of a snapshot's `pending` reply. Tool calls are
 * not text: read them from `message.tool_calls`.
 *
 * ```ts
 * import { messageText } from "@oaikit/core";
 * console.log(messageText({ role: "user", content: [{ type: "text", text: "Hello" }] })); // "Hello"
 * ```
 */
export function messageText(message: ChatMessage | ResponsesTurn | null | undefined): string {
  const m = (message ?? {}) as Record<string, unknown>;
  // A response's output items hold their text parts in `content` (`output_text`).
  if (m.kind === "response") return contentText((m.response as { output?: unknown } | undefined)?.output);
  if (m.kind === "partial") return typeof m.text === "string" ? m.text : "";
  if (m.kind === "input") return contentText(m.input, "\n");
  const text = contentText(m.content);
  return text === "" && typeof m.refusal === "string" ? m.refusal : text;
}
