/**
 * Every file of the conformance corpus through the stream classes, against the shared test server on
 * 127.0.0.1 (whole, one byte per write, seeded random writes), and in-process with exact read
 * boundaries (one byte per read, seeded random reads), in Node and in Chromium. Each run must give
 * exactly what expected.json / INDEX.md say. Error bodies go through normalizeErrorBody and through a
 * stream request that gets their status.
 */
import { beforeAll, describe, expect, inject, test, vi } from "vitest";
import { normalizeErrorBody } from "../src/errors/error-body.js";
import { APIError, StreamError, StreamTruncatedError } from "../src/errors/errors.js";
import { ChatCompletionStream } from "../src/stream/chat-stream.js";
import { CompletionStream } from "../src/stream/completion-stream.js";
import type { EventStream } from "../src/stream/event-stream.js";
import { ResponseStream } from "../src/stream/response-stream.js";
import type { StreamSource } from "../src/stream/types.js";
import type { ChatCompletion, ResponseObject, ResponseStreamEvent } from "../src/types/index.js";
import {
  type Chunking,
  type Corpus,
  type CorpusFile,
  checksumMismatches,
  chunkedBody,
  corpusUrl,
  expectedChatSummary,
  loadCorpus,
  prng,
  sseBody,
  summarizeChat,
  summarizeResponse,
  wireEvents,
} from "./conformance-harness.js";

// Byte-by-byte replays over HTTP are slow on a loaded 2-core machine (and in Chromium): a time
// limit, not an assertion, so it is generous.
vi.setConfig({ testTimeout: 120_000 });

const base = inject("testServerUrl");
const corpus: Corpus = await loadCorpus(base);
const streamFiles = corpus.files.filter(
  (f) => f.kind === "chat" || f.kind === "completions" || f.kind === "responses",
);
const errorFiles = corpus.files.filter((f) => f.kind === "error");

type AnyStream = EventStream<unknown, unknown>;

function makeStream(file: CorpusFile, source: StreamSource): AnyStream {
  if (file.kind === "responses") return new ResponseStream(source) as AnyStream;
  if (file.kind === "completions") return new CompletionStream(source) as AnyStream;
  return new ChatCompletionStream(source) as AnyStream;
}

function httpSource(url: string): StreamSource {
  return {
    target: { method: "POST", url },
    start: (signal) =>
      fetch(url, { method: "POST", signal, body: "{}", headers: { "content-type": "application/json" } }),
  };
}

function bodySource(body: ReadableStream<Uint8Array>): StreamSource {
  return {
    target: { method: "POST", url: "http://in-process/" },
    start: async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
  };
}

interface Outcome {
  chunks: unknown[];
  /** A deep copy of each chunk taken the moment it was yielded. */
  asYielded: unknown[];
  final?: unknown;
  error?: unknown;
  stream: AnyStream;
}

async function run(stream: AnyStream): Promise<Outcome> {
  const chunks: unknown[] = [];
  const asYielded: unknown[] = [];
  const outcome: Outcome = { chunks, asYielded, stream };
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      asYielded.push(structuredClone(chunk));
    }
    outcome.final = await stream.final();
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

/** Asserts an outcome against expected.json and INDEX.md. */
function check(file: CorpusFile, outcome: Outcome): void {
  const expected = file.expected;
  const diagnostics = outcome.stream.diagnostics;
  // What a stream yields is the server's: each chunk deep-equals the wire JSON when it is yielded, and
  // is never changed afterwards (not by later chunks, not by final() or the partial of an error).
  expect(outcome.asYielded).toEqual(wireEvents(file).slice(0, outcome.asYielded.length));
  expect(outcome.chunks).toEqual(outcome.asYielded);
  if (outcome.final !== undefined) {
    for (const chunk of outcome.chunks) {
      if (chunk && typeof chunk === "object" && "response" in chunk)
        expect((chunk as { response: unknown }).response).not.toBe(outcome.final);
    }
  }
  // Every data event reaches the iterator, raw and unfiltered; comments never do.
  expect(outcome.chunks.length).toBe(diagnostics.events);
  const wrapped = file.name.endsWith(".jsonl");
  const dispatchedDone = !wrapped && expected.done_dispatched ? 1 : 0;
  expect(diagnostics.events + dispatchedDone).toBe(expected.events);
  expect(diagnostics.comments).toBe(expected.comments);

  if (file.kind === "responses") {
    checkResponses(file, outcome);
    return;
  }

  if (expected.in_stream_errors?.length) {
    expect(outcome.error).toBeInstanceOf(StreamError);
    const error = outcome.error as StreamError<ChatCompletion>;
    const want = expected.in_stream_errors[0] as Record<string, unknown>;
    expect(error.error.message).toBe(want.message);
    expect(error.error.code).toBe(want.code);
    if ("type" in want) expect(error.error.type).toBe(want.type);
    if ("status_code" in want) expect(error.error.status).toBe(want.status_code);
    if (typeof want.code === "number") expect(error.error.status).toBe(want.code);
    if ("failed_generation" in want)
      expect(error.error.metadata?.failed_generation).toBe(want.failed_generation);
    expect(summarizeChat(error.partial)).toEqual(expectedChatSummary(expected));
    expect(error.partial.usage ?? null).toEqual(expected.usage ?? null);
    expect(diagnostics.endReason).toBe("error-event");
    return;
  }
  if (expected.unterminated_trailing_line) {
    expect(outcome.error).toBeInstanceOf(StreamTruncatedError);
    const error = outcome.error as StreamTruncatedError<ChatCompletion>;
    expect(summarizeChat(error.partial)).toEqual(expectedChatSummary(expected));
    expect(diagnostics.droppedTrailingData).toBe(expected.unterminated_trailing_line.replace(/^data: ?/, ""));
    expect(diagnostics.endReason).toBe("truncated");
    return;
  }
  expect(outcome.error).toBeUndefined();
  const final = outcome.final as ChatCompletion;
  expect(summarizeChat(final)).toEqual(expectedChatSummary(expected));
  expect(final.usage ?? null).toEqual(expected.usage ?? null);
  if (file.kind === "chat") expect(final.object).toBe("chat.completion");
  if (expected.undispatched_event_at_eof?.data === "[DONE]") expect(diagnostics.done).toBe(true);
  expect(diagnostics.endReason).toBe("complete");
}

function checkResponses(file: CorpusFile, outcome: Outcome): void {
  const expected = file.expected;
  const events = outcome.chunks as ResponseStreamEvent[];
  const fromDeltas: Record<string, string> = {};
  for (const event of events) {
    if (event.type === "response.function_call_arguments.delta" && event.item_id) {
      fromDeltas[event.item_id] = (fromDeltas[event.item_id] ?? "") + (event.delta ?? "");
    }
  }
  expect(fromDeltas).toEqual(expected.function_call_args_from_deltas);
  expect(
    events.filter((e) => e.type.startsWith("response.") && /completed|incomplete|failed/.test(e.type)).at(-1)
      ?.type,
  ).toBe(expected.terminal_event);
  let response: ResponseObject;
  if (expected.error_events?.length) {
    expect(outcome.error).toBeInstanceOf(StreamError);
    const error = outcome.error as StreamError<ResponseObject>;
    const want = (expected.error_events[0] as { error: Record<string, unknown> }).error;
    expect(error.error.code).toBe(want.code);
    expect(error.error.type).toBe(want.type);
    expect(error.error.message).toBe(want.message);
    response = error.partial;
  } else {
    expect(outcome.error).toBeUndefined();
    response = outcome.final as ResponseObject;
  }
  const summary = summarizeResponse(response);
  expect(summary.output_text).toBe(expected.output_text);
  expect(summary.reasoning_text).toBe(expected.reasoning_text);
  expect(summary.function_calls).toEqual(expected.function_calls);
  expect(summary.status).toBe(expected.status);
  expect(summary.usage).toEqual(expected.usage ?? null);
  expect(summary.response_error).toEqual(expected.response_error ?? null);
}

function chunkingsFor(file: CorpusFile): Chunking[] {
  // The 1.6 MB line (17) in pieces of up to 8 KB; a byte per write would be 1.6 million writes.
  if (file.bytes.length > 200_000) return ["whole", "random-1-8192", "random-2-8192"];
  const list: Chunking[] = ["whole", "random-11", "random-23", "random-47"];
  if (file.bytes.length <= 70_000) list.push("bytes");
  return list;
}

describe("corpus", () => {
  test("has 40 files, all matching SHA256SUMS, each with an expected.json entry", async () => {
    expect(corpus.files).toHaveLength(40);
    expect(await checksumMismatches(corpus)).toEqual([]);
  });
});

describe.each(streamFiles.map((file) => [file.name, file] as const))("%s", (_name, file) => {
  test.each(chunkingsFor(file))("over HTTP, %s writes", async (chunking) => {
    check(file, await run(makeStream(file, httpSource(corpusUrl(base, file.name, chunking)))));
  });

  if (file.name.endsWith(".jsonl")) {
    const other = file.kind === "responses" ? "data" : "event";
    test(`over HTTP, wrapped as ${other === "data" ? "data lines + [DONE]" : "named events"}`, async () => {
      const stream = makeStream(file, httpSource(corpusUrl(base, file.name, "random-5", other)));
      const outcome = await run(stream);
      // Same aggregate either way; the [DONE] of the data wrapping is not an event.
      check({ ...file, name: file.name.replace(".jsonl", ".wrapped.jsonl") }, outcome);
    });
  }

  if (file.bytes.length <= 200_000) {
    test("in-process, one byte per read", async () => {
      check(file, await run(makeStream(file, bodySource(chunkedBody(sseBody(file), [1])))));
    });
  }

  test("in-process, seeded random reads (1..4096 bytes)", async () => {
    for (const seed of [3, 5]) {
      const next = prng(seed);
      const body = chunkedBody(sseBody(file), () => 1 + Math.floor(next() * 4096));
      check(file, await run(makeStream(file, bodySource(body))));
    }
  });
});

describe("multi-byte UTF-8 split at every byte offset (08: °, 20: 😊)", () => {
  for (const number of ["08", "20"]) {
    test(`${number}: two reads, cut at each offset inside every multi-byte character`, async () => {
      const file = corpus.byNumber(number);
      const body = sseBody(file);
      // Offsets that fall inside a multi-byte sequence (continuation bytes 0b10xxxxxx).
      const cuts: number[] = [];
      for (let i = 0; i < body.length; i++) if ((body[i] as number) >> 6 === 0b10) cuts.push(i);
      expect(cuts.length).toBeGreaterThan(0);
      for (const cut of cuts) {
        const stream = makeStream(file, bodySource(chunkedBody(body, [cut, body.length])));
        const final = (await stream.final()) as ChatCompletion;
        const content = final.choices[0]?.message.content as string;
        expect(content).not.toContain("\uFFFD");
        expect(content).toBe(file.expected.choices?.["0"]?.content);
      }
    });
  }
});

describe("error bodies", () => {
  beforeAll(() => {
    expect(errorFiles.map((f) => f.number)).toEqual(["13", "18", "24", "35", "36", "37", "38", "39", "40"]);
  });

  function decoded(file: CorpusFile): unknown {
    const text = new TextDecoder().decode(file.bytes);
    return file.name.endsWith(".json") ? JSON.parse(text) : text;
  }

  function checkBody(file: CorpusFile, error: ReturnType<typeof normalizeErrorBody>): void {
    expect(error.status).toBe(file.status);
    const want = file.expected.error;
    if (want) {
      expect(error.message).toBe(want.message);
      expect(error.code).toBe(want.code ?? null);
      if ("type" in want) expect(error.type).toBe(want.type ?? null);
      if ("param" in want) expect(error.param).toBe(want.param ?? null);
      else expect(error.param).toBeNull();
    }
    if (file.number === "13") {
      expect(error.type).toBeNull();
      const inner = error.metadata?.innererror as { code?: string } | undefined;
      expect(inner?.code).toBe("ResponsibleAIPolicyViolation");
      expect(error.metadata?.status).toBe(400);
    }
    if (file.number === "18") {
      expect(error.code).toBe(429);
      expect(error.metadata?.provider_name).toBe("Google");
      expect(typeof error.metadata?.raw).toBe("string");
    }
    if (file.number === "39") expect(error.code).toBe(502);
    if (file.number === "40") {
      expect(error.message).toContain("502 Bad Gateway");
      expect(error.message).toContain("nginx");
      expect(error.raw).toBe(new TextDecoder().decode(file.bytes));
    }
  }

  test.each(errorFiles.map((f) => [f.name, f] as const))("%s through normalizeErrorBody", (_name, file) => {
    const error = normalizeErrorBody(file.status, decoded(file));
    checkBody(file, error);
    expect(error.raw).toEqual(decoded(file));
  });

  test.each(errorFiles.map((f) => [f.name, f] as const))(
    "%s as the answer to a stream request → APIError",
    async (_name, file) => {
      const url = corpusUrl(base, file.name, "random-7");
      const source = httpSource(url);
      const stream = file.number === "38" ? new ResponseStream(source) : new ChatCompletionStream(source);
      const chunks: unknown[] = [];
      const error = await (async () => {
        try {
          for await (const chunk of stream as AnyStream) chunks.push(chunk);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(chunks).toEqual([]);
      expect(error).toBeInstanceOf(APIError);
      const apiError = error as APIError;
      expect(apiError.status).toBe(file.status);
      expect(apiError.requestId).toBe(`req_conformance_${file.number}`);
      checkBody(file, apiError.error);
      expect(stream.diagnostics.events).toBe(0);
      expect((await stream.response).status).toBe(file.status);
    },
  );
});
