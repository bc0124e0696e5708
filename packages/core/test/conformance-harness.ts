/**
 * The conformance corpus for tests: loading (filesystem in Node, the test server in Chromium), the
 * SHA256SUMS check, where each file is served, and summaries that put an aggregate in the same shape as
 * `expected.json`, so a test compares like with like. Reused by the stream conformance test and by the
 * client-level conformance test.
 *
 * The corpus (packages/core/test/conformance) is a verbatim copy of shared/conformance; Biome is told to
 * leave it alone (biome.json), because reformatting a JSON body changes its bytes and its checksum.
 */
import { createParser } from "eventsource-parser";
import type { ChatCompletion, ResponseObject } from "../src/types/index.js";
import { wrapJsonl } from "./conformance-wire.js";

export { prng, wrapJsonl } from "./conformance-wire.js";

/** Where a file fits: a chat / legacy / Responses stream, an HTTP error body, a non-stream JSON body. */
export type CorpusKind = "chat" | "completions" | "responses" | "error" | "json";

/** One corpus file with what the tests need to know about it. */
export interface CorpusFile {
  name: string;
  /** "01" … "40". */
  number: string;
  kind: CorpusKind;
  /** The HTTP status it is served with (INDEX.md). */
  status: number;
  bytes: Uint8Array;
  /** The expected.json entry. */
  expected: Expected;
}

/** An expected.json entry (only the fields the tests read are typed). */
export interface Expected {
  bytes: number;
  api?: string;
  events?: number;
  comments?: number;
  done_dispatched?: boolean;
  unterminated_trailing_line?: string | null;
  undispatched_event_at_eof?: { event: string | null; data: string } | null;
  choices?: Record<string, ExpectedChoice>;
  usage?: unknown;
  in_stream_errors?: Record<string, unknown>[];
  error?: {
    message: string;
    type?: string | null;
    param?: string | null;
    code?: string | number | null;
    status?: number;
  };
  output_text?: string;
  function_calls?: { name: string; call_id: string; arguments: string; item_id: string }[];
  function_call_args_from_deltas?: Record<string, string>;
  reasoning_text?: string;
  terminal_event?: string;
  status?: string;
  response_error?: { code: string; message: string } | null;
  error_events?: { error: Record<string, unknown> }[];
  [extra: string]: unknown;
}

/** A choice as expected.json describes it (and as `summarizeChat` produces it). */
export interface ExpectedChoice {
  finish_reason?: string | null;
  content?: string;
  refusal?: string;
  reasoning?: string;
  text?: string;
  images?: number;
  function_call?: { name: string; arguments: string };
  tool_calls?:
    | { index?: number; id: string; name: string; arguments: string }[]
    | Record<string, { id: string; name: string; arguments: string }>;
}

/** The loaded corpus. */
export interface Corpus {
  files: CorpusFile[];
  byNumber(number: string | number): CorpusFile;
  /** Expected SHA-256 per file name, from SHA256SUMS. */
  sums: Map<string, string>;
}

/** HTTP status of the non-200 files (INDEX.md, sections B, C, D and F). */
const HTTP_STATUS: Record<string, number> = {
  "13": 400,
  "18": 429,
  "24": 404,
  "35": 401,
  "36": 429,
  "37": 500,
  "38": 400,
  "39": 502,
  "40": 502,
};

/** The HTTP status INDEX.md gives a file. */
export function statusOf(name: string): number {
  return HTTP_STATUS[name.slice(0, 2)] ?? 200;
}

function kindOf(name: string, expected: Expected): CorpusKind {
  if (statusOf(name) !== 200) return "error";
  if (name.endsWith(".json")) return "json";
  if (expected.api === "responses") return "responses";
  if (expected.api === "completions") return "completions";
  return "chat";
}

const isNode =
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ===
    "string" && typeof (globalThis as { window?: unknown }).window === "undefined";

async function readLocal(name: string): Promise<Uint8Array> {
  // A variable specifier keeps the browser bundle from trying to resolve node:fs.
  const fsModule = "node:fs/promises";
  const fs = (await import(/* @vite-ignore */ fsModule)) as {
    readFile(path: URL): Promise<Uint8Array>;
  };
  return new Uint8Array(await fs.readFile(new URL(`./conformance/${name}`, import.meta.url)));
}

async function readServed(baseUrl: string, name: string): Promise<Uint8Array> {
  const response = await fetch(`${baseUrl}/conformance/raw/${name}`);
  if (!response.ok) throw new Error(`GET /conformance/raw/${name}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Loads every corpus file, expected.json and SHA256SUMS: from the filesystem in Node, through the
 * test server (`/conformance/raw/<file>`) elsewhere.
 */
export async function loadCorpus(baseUrl: string): Promise<Corpus> {
  const read = isNode ? readLocal : (name: string) => readServed(baseUrl, name);
  const decoder = new TextDecoder();
  const sumsText = decoder.decode(await read("SHA256SUMS"));
  const expectedAll = JSON.parse(decoder.decode(await read("expected.json"))) as Record<string, Expected>;
  const sums = new Map<string, string>();
  for (const line of sumsText.split("\n")) {
    const match = /^([0-9a-f]{64}) [ *]?(.+)$/.exec(line.trim());
    if (match) sums.set(match[2] as string, match[1] as string);
  }
  const names = [...sums.keys()].sort();
  const files = await Promise.all(
    names.map(async (name): Promise<CorpusFile> => {
      const expected = expectedAll[name];
      if (!expected) throw new Error(`expected.json has no entry for ${name}`);
      return {
        name,
        number: name.slice(0, 2),
        kind: kindOf(name, expected),
        status: statusOf(name),
        bytes: await read(name),
        expected,
      };
    }),
  );
  return {
    files,
    sums,
    byNumber(number) {
      const key = String(number).padStart(2, "0");
      const file = files.find((f) => f.number === key);
      if (!file) throw new Error(`no corpus file ${key}`);
      return file;
    },
  };
}

/** SHA-256 of bytes as hex (WebCrypto: the same in Node and in the browser). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The files whose bytes do not match SHA256SUMS (empty when the corpus is intact). */
export async function checksumMismatches(corpus: Corpus): Promise<string[]> {
  const bad: string[] = [];
  for (const file of corpus.files) {
    if ((await sha256(file.bytes)) !== corpus.sums.get(file.name)) bad.push(file.name);
  }
  return bad;
}

/** Chunking policies of the conformance route (see apps/demo/server/testing/conformance.ts). */
export type Chunking = "whole" | "bytes" | `random-${number}` | `random-${number}-${number}`;

/**
 * The URL that serves a corpus file with its status and content type, cut into reads by `chunking`.
 * Use it as a client's `baseURL`: anything after the file name is accepted (`/chat/completions`).
 */
export function corpusUrl(
  baseUrl: string,
  name: string,
  chunking: Chunking = "whole",
  wrap?: "data" | "event",
): string {
  return `${baseUrl}/conformance/${chunking}/${name}${wrap ? `?wrap=${wrap}` : ""}`;
}

/**
 * The SSE body a client receives for a file (`.jsonl` wrapped as INDEX.md says), for in-process tests
 * that need exact read boundaries.
 */
export function sseBody(file: CorpusFile, wrap?: "data" | "event"): Uint8Array {
  if (!file.name.endsWith(".jsonl")) return file.bytes;
  const mode = wrap ?? (file.kind === "responses" ? "event" : "data");
  return new TextEncoder().encode(wrapJsonl(new TextDecoder().decode(file.bytes), mode));
}

/** Splits bytes at the given piece sizes (cycled) into a `ReadableStream` with exactly those reads. */
export function chunkedBody(
  bytes: Uint8Array,
  sizes: number[] | ((index: number) => number),
): ReadableStream<Uint8Array> {
  let offset = 0;
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      const size = typeof sizes === "function" ? sizes(index) : (sizes[index % sizes.length] as number);
      index++;
      controller.enqueue(bytes.slice(offset, offset + Math.max(1, size)));
      offset += Math.max(1, size);
    },
  });
}

/** A chat aggregate in expected.json's shape: per choice only the fields that arrived. */
export function summarizeChat(completion: ChatCompletion): Record<string, ExpectedChoice> {
  const out: Record<string, ExpectedChoice> = {};
  for (const choice of completion.choices) {
    const message = choice.message ?? {};
    const summary: ExpectedChoice = { finish_reason: choice.finish_reason ?? null };
    if (typeof message.content === "string" && message.content !== "") summary.content = message.content;
    if (typeof message.refusal === "string" && message.refusal !== "") summary.refusal = message.refusal;
    if (typeof message.reasoning === "string" && message.reasoning !== "")
      summary.reasoning = message.reasoning;
    if (typeof choice.text === "string" && choice.text !== "") summary.text = choice.text;
    if (Array.isArray(message.images)) summary.images = message.images.length;
    if (message.function_call) summary.function_call = { ...message.function_call };
    if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
      summary.tool_calls = message.tool_calls.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
    }
    out[String(choice.index)] = summary;
  }
  return out;
}

/**
 * expected.json's choices in `summarizeChat`'s shape: tool calls as a list ordered by their index
 * (the aggregate keeps no `index` on a tool call, as in a non-streamed message), without the index.
 */
export function expectedChatSummary(expected: Expected): Record<string, ExpectedChoice> {
  const out: Record<string, ExpectedChoice> = {};
  for (const [index, choice] of Object.entries(expected.choices ?? {})) {
    const copy: ExpectedChoice = { ...choice, finish_reason: choice.finish_reason ?? null };
    const tools = choice.tool_calls;
    if (tools) {
      const list = Array.isArray(tools)
        ? [...tools].sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
        : Object.entries(tools)
            .sort(([a], [b]) => Number(a) - Number(b))
            .map(([, call]) => call);
      copy.tool_calls = list.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments }));
    }
    out[index] = copy;
  }
  return out;
}

/** A Responses aggregate in expected.json's shape. */
export function summarizeResponse(response: ResponseObject): {
  output_text: string;
  reasoning_text: string;
  function_calls: { name: string; call_id: string; arguments: string; item_id: string }[];
  status: string | undefined;
  usage: unknown;
  response_error: unknown;
} {
  let outputText = "";
  let reasoning = "";
  const calls: { name: string; call_id: string; arguments: string; item_id: string }[] = [];
  for (const item of response.output ?? []) {
    if (item.type === "message") {
      for (const part of item.content ?? []) if (part.type === "output_text") outputText += part.text ?? "";
    } else if (item.type === "reasoning") {
      for (const part of item.content ?? []) reasoning += typeof part.text === "string" ? part.text : "";
    } else if (item.type === "function_call") {
      calls.push({
        name: item.name ?? "",
        call_id: item.call_id ?? "",
        arguments: item.arguments ?? "",
        item_id: item.id ?? "",
      });
    }
  }
  const error = response.error ? { code: response.error.code, message: response.error.message } : null;
  return {
    output_text: outputText,
    reasoning_text: reasoning,
    function_calls: calls,
    status: response.status,
    usage: response.usage ?? null,
    response_error: error,
  };
}

/**
 * The JSON of every data event a file's body carries, parsed here independently of the client (an
 * eventsource-parser of its own, the whole body at once): what "the server sent" means when a test
 * checks that every yielded chunk deep-equals the wire JSON. `[DONE]` and non-JSON data are skipped;
 * data that joins several JSON lines (a server that never sends the blank line) counts line by line.
 */
export function wireEvents(file: CorpusFile): unknown[] {
  const events: unknown[] = [];
  const take = (data: string) => {
    if (data === "[DONE]") return;
    try {
      events.push(JSON.parse(data));
    } catch {
      if (!data.includes("\n")) return;
      for (const line of data.split("\n")) if (line !== "" && line !== "[DONE]") take(line);
    }
  };
  const parser = createParser({
    onEvent: ({ data }) => take(data),
    // Indented `data:` lines (lua-openai's test style) reach the client as data events too.
    onError: (error) => {
      if (error.type === "unknown-field" && error.field?.trim() === "data" && error.value !== undefined)
        take(error.value);
    },
  });
  parser.feed(new TextDecoder().decode(sseBody(file)));
  parser.feed("\n\n");
  return events;
}
