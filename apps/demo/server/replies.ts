/**
 * The demo server's "model": deterministic replies derived from the last user message. The same
 * conversation always gets the same answer, so tests and benchmarks can assert on it.
 */

/** A function tool as both APIs describe it, reduced to what the demo server needs. */
export interface ToolSpec {
  name: string;
  description?: string;
  parameters?: unknown;
}

/** A tool call the server decided to make. */
export interface PlannedToolCall {
  name: string;
  arguments: string;
}

/** FNV-1a: a small stable hash, for picking variants and seeding vectors. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Splits text into token-ish pieces (a word with its trailing whitespace), the unit of streaming
 * and of the usage counts. Joining the pieces gives the text back exactly.
 */
export function splitPieces(text: string): string[] {
  return text.match(/\s+|\S+\s*/gu) ?? [];
}

/** Token count of a text, in the demo server's unit (pieces). */
export function countTokens(text: string): number {
  return splitPieces(text).length;
}

/** Text of a message `content`: a string, or the text of its parts (`text`, `input_text`, `output_text`). */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => {
      if (typeof part === "string") return part;
      if (part && typeof part === "object" && typeof (part as { text?: unknown }).text === "string") {
        return (part as { text: string }).text;
      }
      return "";
    })
    .join("");
}

const CLOSINGS = [
  "Ask me anything else: I answer the same way every time.",
  "Change a word and the answer changes with it.",
  "Try asking for some code, or for the weather with tools enabled.",
  "Everything here runs on your machine; no key, no network.",
];

const CODE_WORDS = /\b(code|function|snippet|typescript|javascript|program|example|script)\b/i;

/** Shortens a text for quoting, on a word boundary. */
function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The Markdown reply to a user message: a heading, the message echoed verbatim in a quote (raw HTML
 * in it is kept on purpose: the page must render it inert), a short list, and a code block when the
 * message asks for code.
 */
export function composeReply(userText: string): string {
  const text = userText.trim();
  if (text === "") return "I received an empty message. Type something and I will echo it back.";
  const words = text.split(/\s+/).length;
  const h = hash(text);
  const quoted = excerpt(text, 280)
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
  const parts = [
    "### Echo from the local server",
    "",
    "You wrote:",
    "",
    quoted,
    "",
    `That is **${words} word${words === 1 ? "" : "s"}** and ${[...text].length} characters. This reply is deterministic:`,
    "",
    "- each piece arrives as its own server-sent event,",
    "- the Markdown is rendered safely (no raw HTML runs),",
    "- usage counts one token per word.",
  ];
  if (CODE_WORDS.test(text)) {
    const name = `reply${(h % 1000).toString().padStart(3, "0")}`;
    parts.push(
      "",
      "Here is some code, as asked:",
      "",
      "```ts",
      `// Echoes the question, deterministically.`,
      `export function ${name}(question: string): string {`,
      "  const words = question.trim().split(/\\s+/);",
      '  return "You asked " + words.length + " words: " + question;',
      "}",
      "",
      `console.log(${name}(${JSON.stringify(excerpt(text, 60))}));`,
      "```",
    );
  }
  parts.push("", CLOSINGS[h % CLOSINGS.length]!);
  return parts.join("\n");
}

/** The legacy completion of a prompt: a continuation, deterministic. */
export function composeCompletion(prompt: string): string {
  const h = hash(prompt);
  const endings = [
    " and so the story continues, one deterministic word after another.",
    " which the oaikit demo server completes the same way every time.",
    " is a fine prompt; this is its repeatable completion.",
  ];
  return endings[h % endings.length]!;
}

/** The final answer after a tool returned its result. */
export function composeToolAnswer(toolName: string | undefined, output: string): string {
  const shown = excerpt(output, 400);
  return [
    `The tool${toolName ? ` \`${toolName}\`` : ""} returned:`,
    "",
    "```json",
    shown,
    "```",
    "",
    `Based on that result, here is my answer: ${summarizeToolOutput(output)}`,
  ].join("\n");
}

function summarizeToolOutput(output: string): string {
  try {
    const value: unknown = JSON.parse(output);
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const fields = Object.entries(value as Record<string, unknown>)
        .slice(0, 4)
        .map(([k, v]) => `${k} is ${typeof v === "string" ? v : JSON.stringify(v)}`);
      if (fields.length > 0) return `${fields.join(", ")}.`;
    }
  } catch {
    // Not JSON: quote it as text.
  }
  return `"${excerpt(output, 120)}".`;
}

const TOOL_HINTS = /\b(weather|time|temperature|forecast|clock|tool|call)\b/i;

/**
 * Decides whether to call a tool, and which, with what arguments:
 * `tool_choice: "none"` never; `"required"` or a named function always; otherwise when the message
 * mentions a tool's name or a hint word ("weather", "time", ...).
 */
export function planToolCall(
  tools: ToolSpec[],
  toolChoice: unknown,
  userText: string,
): PlannedToolCall | undefined {
  if (tools.length === 0 || toolChoice === "none") return undefined;
  const forced = forcedToolName(toolChoice);
  const lower = userText.toLowerCase();
  let tool = forced ? tools.find((t) => t.name === forced) : undefined;
  if (!tool) {
    const mentioned = tools.find((t) => {
      const words = t.name
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length > 2 && w !== "get");
      return lower.includes(t.name.toLowerCase()) || words.some((w) => lower.includes(w));
    });
    if (mentioned) tool = mentioned;
    else if (forced || toolChoice === "required" || TOOL_HINTS.test(userText)) tool = tools[0];
  }
  if (!tool) return undefined;
  return { name: tool.name, arguments: JSON.stringify(argumentsFor(tool.parameters, userText)) };
}

function forcedToolName(toolChoice: unknown): string | undefined {
  if (!toolChoice || typeof toolChoice !== "object") return undefined;
  const choice = toolChoice as { name?: unknown; function?: { name?: unknown } };
  if (typeof choice.name === "string") return choice.name;
  if (typeof choice.function?.name === "string") return choice.function.name;
  return undefined;
}

/** Fills a JSON schema's properties with values taken from the message, or plain defaults. */
function argumentsFor(parameters: unknown, userText: string): Record<string, unknown> {
  const schema = (parameters ?? {}) as { properties?: Record<string, { type?: unknown; enum?: unknown[] }> };
  const place = /\b(?:in|at|for)\s+([A-Z][\p{L}-]+(?:\s+[A-Z][\p{L}-]+)?)/u.exec(userText)?.[1] ?? "Paris";
  const args: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (Array.isArray(prop.enum) && prop.enum.length > 0) args[key] = prop.enum[0];
    else if (prop.type === "number" || prop.type === "integer") args[key] = 1;
    else if (prop.type === "boolean") args[key] = true;
    else if (prop.type === "array") args[key] = [];
    else if (prop.type === "object") args[key] = {};
    else if (/city|location|place|country|region|timezone|zone/i.test(key)) args[key] = place;
    else args[key] = excerpt(userText, 40);
  }
  return args;
}

/** Splits a string into pieces of about `size` characters (tool arguments stream this way). */
export function splitEvery(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length > 0 ? pieces : [""];
}
