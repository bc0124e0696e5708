// normalizeErrorBody and the retry classifiers on synthetic shapes (the corpus bodies are tested in
// packages/core/test/stream.conformance.shared.test.ts).
import { describe, expect, test } from "vitest";
import {
  isQuotaError,
  isRetryableError,
  isRetryableStatus,
  normalizeErrorBody,
  normalizeStreamError,
} from "./error-body.js";

describe("normalizeErrorBody", () => {
  test("OpenAI shape", () => {
    const body = { error: { message: "Bad", type: "invalid_request_error", param: "x", code: "c" } };
    expect(normalizeErrorBody(400, body)).toEqual({
      message: "Bad",
      type: "invalid_request_error",
      param: "x",
      code: "c",
      status: 400,
      raw: body,
    });
  });

  test("JSON held in a string is decoded; text and empty bodies get a message", () => {
    expect(normalizeErrorBody(404, '{"error":{"message":"nope"}}').message).toBe("nope");
    expect(normalizeErrorBody(500, "upstream exploded").message).toBe("upstream exploded");
    expect(normalizeErrorBody(503, "").message).toBe("HTTP 503 Service Unavailable");
    expect(normalizeErrorBody(418, undefined).message).toBe("HTTP 418");
  });

  test("other providers' shapes: error string, detail, top-level message, errors list", () => {
    expect(normalizeErrorBody(404, { error: "model 'x' not found" }).message).toBe("model 'x' not found");
    expect(normalizeErrorBody(422, { detail: "field required" }).message).toBe("field required");
    expect(normalizeErrorBody(400, { message: "bad", code: "99" })).toMatchObject({
      message: "bad",
      code: "99",
    });
    expect(normalizeErrorBody(400, { errors: [{ message: "first" }, { message: "second" }] }).message).toBe(
      "first",
    );
  });

  test("an HTML page: title and visible text, scripts dropped, shortened", () => {
    const html = `<html><head><title>504 Gateway Time-out</title><script>var x = 1;</script></head><body><h1>Gateway</h1>${"y".repeat(1000)}</body></html>`;
    const error = normalizeErrorBody(504, html);
    expect(error.message.startsWith("504 Gateway Time-out: Gateway")).toBe(true);
    expect(error.message).not.toContain("var x");
    expect(error.message.length).toBeLessThanOrEqual(300);
    expect(error.raw).toBe(html);
  });
});

describe("normalizeStreamError", () => {
  test("flat Responses error event", () => {
    const error = normalizeStreamError({
      type: "error",
      code: "server_error",
      message: "boom",
      param: null,
      sequence_number: 3,
    });
    expect(error).toMatchObject({ message: "boom", code: "server_error", type: null, status: 200 });
    expect(error.metadata).toBeUndefined();
  });

  test("the status an in-stream error names: status_code, status, or an HTTP-like numeric code", () => {
    expect(normalizeStreamError({ error: { message: "m", status_code: 400 } }).status).toBe(400);
    expect(normalizeStreamError({ error: { message: "m", code: 429 } }).status).toBe(429);
    expect(normalizeStreamError({ error: { message: "m", code: 7 } }).status).toBe(200);
  });
});

describe("classifiers", () => {
  test("isRetryableStatus", () => {
    expect([408, 409, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 422].some(isRetryableStatus)).toBe(false);
  });

  test("insufficient_quota is a quota error and is not retried", () => {
    const quota = { error: { message: "m", type: "insufficient_quota", code: "insufficient_quota" } };
    const rate = { error: { message: "m", type: "requests", code: "rate_limit_exceeded" } };
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(normalizeErrorBody(429, quota))).toBe(true);
    expect(isQuotaError(rate)).toBe(false);
    expect(isRetryableError(429, quota)).toBe(false);
    expect(isRetryableError(429, rate)).toBe(true);
    expect(isRetryableError(400, rate)).toBe(false);
  });
});
