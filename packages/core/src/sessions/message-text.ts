/**
 * `messageText(message)`: the text to show for one message of a session, whatever its shape. One
 * implementation for the UIs, the durable sessions' titles and the snapshots' readers.
 */
import { responseOutputText } from "../stream/responses-accumulator.js";
import type { ChatMessage } from "../types/chat.js";
import type { ResponseInput } from "../types/responses.js";
import type { ResponsesTurn } from "./observer.js";

/** The text parts of a content value joined, or the string itself (`""` for anything else). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let text = "";
  for (const part of content) {
    // Chat parts are `text`; Responses input and output parts are `input_text` / `output_text`.
    if (part && typeof part.text === "string" && /^(?:text|input_text|output_text)$/.test(part.type)) {
      text += part.text;
    }
  }
  return text;
}

/** The text of a Responses input: a string, or its message items' text, one line per item. */
function inputText(input: ResponseInput): string {
  if (typeof input === "string") return input;
  if (!Array.isArray(input)) return "";
  const lines: string[] = [];
  for (const item of input) {
    const text = contentText((item as { content?: unknown } | null)?.content);
    if (text !== "") lines.push(text);
  }
  return lines.join("\n");
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
  if (!message || typeof message !== "object") return "";
  const turn = message as Partial<Record<"kind" | "text", unknown>> & Partial<ResponsesTurn>;
  if (turn.kind === "input") return inputText((turn as { input: ResponseInput }).input);
  if (turn.kind === "response") return responseOutputText((turn as { response: unknown }).response);
  if (turn.kind === "partial") return typeof turn.text === "string" ? turn.text : "";
  const chat = message as ChatMessage & { refusal?: unknown };
  const text = contentText(chat.content);
  return text === "" && typeof chat.refusal === "string" ? chat.refusal : text;
}
