// Client-level conformance: every corpus file (packages/core/test/conformance) through the real client
// against the conformance route of the shared test server, whole, byte by byte and at random split points, checked
// against expected.json. Streams through streamChatCompletion / createChatCompletion(..., cb) /
// streamResponse / streamCompletion; the JSON bodies (28, 29) and the error bodies through plain calls.
// Runs in Node and in Chromium.
import { beforeAll, describe, expect, inject, test, vi } from "vitest";
import {
  type ApiResult,
  type ChatCompletion,
  type Completion,
  OpenAI,
  type ResponseObject,
  StreamError,
  StreamTruncatedError,
} from "../src/index.js";
import {
  type Chunking,
  type Corpus,
  type CorpusFile,
  corpusUrl,
  expectedChatSummary,
  loadCorpus,
  summarizeChat,
  summarizeResponse,
} from "./conformance-harness.js";

// Byte-by-byte replays over HTTP are slow on a loaded 2-core machine (and in Chromium): a time
// limit, not an assertion, so it is generous.
vi.setConfig({ testTimeout: 120_000 });

const server = inject("testServerUrl");
const user = [{ role: "user" as const, content: "replay" }];
let corpus: Corpus;

beforeAll(async () => {
  corpus = await loadCorpus(server);
});

const NAMES = [...Array(40).keys()].map((i) => String(i + 1).padStart(2, "0"));

/**
 * Chunkings: the whole body, one byte per network write (every file but the 1.6 MB one), and two
 * seeded random splits (bigger pieces for the 1.6 MB file).
 */
function chunkings(file: CorpusFile): Chunking[] {
  const large = file.bytes.length > 100_000;
  const max = large ? 65_536 : 97;
  const seed = Number(file.number) * 7919;
  return [
    "whole",
    ...(large ? [] : (["bytes"] as const)),
    `random-${seed}-${max}`,
    `random-${seed + 1}-${max}`,
  ];
}

/** A client for one corpus file; errors are not retried (the route answers the same every time). */
function clientFor(file: CorpusFile, chunking: Chunking): OpenAI {
  return new OpenAI("sk-conformance", { baseURL: corpusUrl(server, file.name, chunking), maxRetries: 0 });
}

/** How a chat stream must end: cleanly, with an in-stream error, or as a truncation. */
function chatOutcome(file: CorpusFile): "complete" | "error" | "truncated" {
  const e = file.expected;
  if (e.in_stream_errors?.length) return "error";
  const finished = Object.values(e.choices ?? {}).some((c) => c.finish_reason != null);
  return e.done_dispatched || finished ? "complete" : "truncated";
}

/** Runs `run` and returns its aggregate: the value, or the `.partial` of the expected error. */
async function settle<T>(run: () => Promise<T>, outcome: "complete" | "error" | "truncated"): Promise<T> {
  if (outcome === "complete") return run();
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(outcome === "error" ? StreamError : StreamTruncatedError);
  return (error as StreamError<T>).partial;
}

function checkChat(file: CorpusFile, completion: ChatCompletion): void {
  expect(summarizeChat(completion)).toEqual(expectedChatSummary(file.expected));
  expect(completion.usage ?? null).toEqual(file.expected.usage ?? null);
}

describe.each(NAMES)("corpus file %s through the client", (number) => {
  test("gives the expected aggregate or error, whole, byte by byte and at random split points", async () => {
    const file = corpus.byNumber(number);
    for (const chunking of chunkings(file)) {
      const client = clientFor(file, chunking);
      if (file.kind === "chat") {
        const outcome = chatOutcome(file);
        const viaIterator = await settle(() => client.streamChatCompletion(user).final(), outcome);
        checkChat(file, viaIterator);
        const chunks: unknown[] = [];
        const viaCallback = await settle(async () => {
          const result = await client.createChatCompletion(user, { stream: true }, (chunk) =>
            chunks.push(chunk),
          );
          expect(result.ok).toBe(true);
          return (result as { data: ChatCompletion }).data;
        }, outcome);
        checkChat(file, viaCallback);
        expect(chunks.length).toBeGreaterThan(0);
        if (outcome === "error") {
          const error = await client
            .streamChatCompletion(user)
            .final()
            .catch((e: unknown) => e);
          const expectedError = file.expected.in_stream_errors?.[0] ?? {};
          const got = (error as StreamError).error;
          const inner = (expectedError.error ?? expectedError) as { message?: string; code?: unknown };
          if (inner.code !== undefined) expect(got.code).toEqual(inner.code);
          if (inner.message) expect(got.message).toBe(inner.message);
        }
      } else if (file.kind === "completions") {
        const stream = client.streamCompletion("replay", { model: "m" });
        const completion: Completion = await stream.final();
        const expected = file.expected.choices?.["0"];
        expect(completion.choices[0]?.text).toBe(expected?.text);
        expect(completion.choices[0]?.finish_reason).toBe(expected?.finish_reason);
        expect(completion.usage ?? null).toEqual(file.expected.usage ?? null);
      } else if (file.kind === "responses") {
        const failed = Boolean(file.expected.error_events?.length);
        const response: ResponseObject = await settle(
          () => client.streamResponse("replay").final(),
          failed ? "error" : "complete",
        );
        const summary = summarizeResponse(response);
        expect(summary.output_text).toBe(file.expected.output_text);
        expect(summary.reasoning_text).toBe(file.expected.reasoning_text);
        expect(summary.function_calls).toEqual(file.expected.function_calls);
        if (!failed) {
          expect(summary.status).toBe(file.expected.status);
          expect(summary.usage).toEqual(file.expected.usage);
        }
        const events: unknown[] = [];
        const viaCallback = await settle(
          async () => {
            const result = await client.createResponse("replay", { stream: true }, (event) =>
              events.push(event),
            );
            return (result as { data: ResponseObject }).data;
          },
          failed ? "error" : "complete",
        );
        expect(summarizeResponse(viaCallback).output_text).toBe(file.expected.output_text);
        expect(events.length).toBeGreaterThan(0);
      } else if (file.kind === "json") {
        const result = await client.createChatCompletion(user);
        expect(result.ok).toBe(true);
        checkChat(file, (result as { data: ChatCompletion }).data);
      } else {
        // An error body: an ApiResult with the normalised error, from a plain call and a streamed one.
        const plain = await client.createChatCompletion(user);
        const streamed = await client.createChatCompletion(user, { stream: true }, () => undefined);
        for (const result of [plain, streamed] as ApiResult<ChatCompletion>[]) {
          expect(result.ok).toBe(false);
          if (result.ok) continue;
          expect(result.status).toBe(file.status);
          expect(result.error.status).toBe(file.status);
          const expected = file.expected.error;
          if (expected) {
            expect(result.error.message).toBe(expected.message);
            if (expected.code !== undefined) expect(result.error.code).toEqual(expected.code);
            if (expected.type !== undefined) expect(result.error.type).toEqual(expected.type);
            if (expected.param !== undefined) expect(result.error.param).toEqual(expected.param);
          } else {
            expect(result.error.message).toContain(String(file.status));
          }
        }
      }
    }
  });
});
