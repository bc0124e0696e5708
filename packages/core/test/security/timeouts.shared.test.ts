// Issue 11 item 6: one rule for every timeout option (client, per call, stream classes, request
// builder): 1 … 2 147 483 647 ms, or `false` for none. A longer value does not fit in a timer (it
// would fire at once, or loop on a 1 ms timer, or make ky throw a RangeError), and `0` is ambiguous:
// both are refused with a TypeError at the call that sets them.
import { describe, expect, test } from "vitest";
import { request } from "../../src/http/index.js";
import { ChatCompletionStream, OpenAI, ResponseStream } from "../../src/index.js";
import { MAX_TIMEOUT_MS } from "../../src/transport/limits.js";

const url = "http://127.0.0.1:9/v1";
const user = [{ role: "user" as const, content: "Hi" }];
const never: typeof fetch = () => new Promise<Response>(() => {});
const source = { target: { method: "POST", url }, start: () => new Promise<Response>(() => {}) };

/** Every place a timeout can be set, as a function of the value. */
const settings: [string, (value: number | false) => unknown][] = [
  ["config.timeout", (value) => new OpenAI("k", { baseURL: url, timeout: value })],
  ["config.firstByteTimeout", (value) => new OpenAI("k", { baseURL: url, firstByteTimeout: value })],
  ["config.idleTimeout", (value) => new OpenAI("k", { baseURL: url, idleTimeout: value })],
  [
    "options.timeout",
    (value) =>
      void new OpenAI("k", { baseURL: url, fetch: never }).models({ timeout: value }).catch(() => undefined),
  ],
  [
    "options.firstByteTimeout",
    (value) =>
      new OpenAI("k", { baseURL: url, fetch: never }).streamChatCompletion(
        user,
        {},
        { firstByteTimeout: value },
      ),
  ],
  [
    "options.idleTimeout",
    (value) =>
      new OpenAI("k", { baseURL: url, fetch: never }).streamResponse("Hi", {}, { idleTimeout: value }),
  ],
  ["stream firstByteTimeout", (value) => new ChatCompletionStream(source, { firstByteTimeout: value })],
  ["stream idleTimeout", (value) => new ResponseStream(source, { idleTimeout: value })],
  ["request({ timeout })", (value) => request({ url, timeout: value })],
  ["setTimeout", (value) => request(url).setTimeout(value)],
];

describe("every timeout option follows one rule", () => {
  test.each(settings)("%s refuses a value a timer cannot hold (3e9 ms, 2^31 ms)", (_name, set) => {
    for (const value of [3e9, MAX_TIMEOUT_MS + 1, Number.POSITIVE_INFINITY]) {
      expect(() => set(value)).toThrow(TypeError);
      expect(() => set(value)).toThrow(/2147483647/);
    }
  });

  test.each(settings)("%s refuses 0, negatives and NaN (false is how to turn it off)", (_name, set) => {
    expect(() => set(0)).toThrow(/pass false/);
    for (const value of [-1, Number.NaN]) expect(() => set(value)).toThrow(TypeError);
  });

  test.each(settings)("%s accepts false (no timeout), 1 and the largest timer", (_name, set) => {
    for (const value of [false, 1, MAX_TIMEOUT_MS] as const) expect(() => set(value)).not.toThrow();
  });

  test("the message never echoes anything but the number", () => {
    expect(() => new OpenAI("k", { timeout: "sk-secret" as never })).toThrow(/got a string\)/);
  });
});
