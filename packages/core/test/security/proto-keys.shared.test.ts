// Issue 11 item 9: "__proto__" is a valid header name (a token), but it could never be sent: the
// builder kept headers in a plain object (where `headers["__proto__"] = value` sets the prototype),
// fetch's record conversion skips it, and Node's fetch drops it even from a `Headers`. It used to
// vanish without a word; now it is refused with a TypeError wherever a header is set (the builder's
// setHeader, setHeaders and table form, the client's headers and per-call headers). A "__proto__"
// API parameter, on the other hand, is data, and reaches the JSON payload.
import { describe, expect, test } from "vitest";
import { request } from "../../src/http/index.js";
import { OpenAI } from "../../src/index.js";

const url = "http://127.0.0.1:9/x";
/** `{ "__proto__": value }` as an own key (a literal would set the prototype instead). */
const proto = (value: string) =>
  JSON.parse(`{"__proto__": ${JSON.stringify(value)}}`) as Record<string, string>;
const withProto = () => {
  const headers = new Headers();
  headers.set("__proto__", "x");
  return headers;
};

describe('a header named "__proto__" is refused, never silently dropped', () => {
  test.each([
    ["setHeader", () => request(url).setHeader("__proto__", "x")],
    ["setHeader, upper case", () => request(url).setHeader("__PROTO__", "x")],
    ["setHeaders (record)", () => request(url).setHeaders(proto("x"))],
    ["setHeaders (Headers)", () => request(url).setHeaders(withProto())],
    ["the table form", () => request({ url, headers: proto("x") })],
    ["the client's headers", () => new OpenAI("k", { headers: proto("x") })],
    ["the client's headers (Headers)", () => new OpenAI("k", { headers: withProto() })],
    ["per-call headers", () => new OpenAI("k", { baseURL: url }).models({ headers: proto("x") })],
  ])("%s", (_name, call) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(/"__proto__" cannot be sent/);
  });

  test("the builder's header record keeps every other name as a plain key", () => {
    const built = request(url).setHeader("constructor", "1").setHeader("toString", "2");
    expect(built.headers()).toEqual({ constructor: "1", toString: "2" });
  });
});

describe('an API parameter named "__proto__" reaches the payload', () => {
  test("it is a key of the JSON body, not the payload's prototype", async () => {
    let body = "";
    const fetch: typeof globalThis.fetch = async (input, init) => {
      body = await new Request(input, init).text();
      return new Response("{}", { headers: { "content-type": "application/json" } });
    };
    const client = new OpenAI("k", { baseURL: "http://127.0.0.1:9/v1", fetch });
    await client.embedding("hi", { model: "m", ...proto("p") } as never);
    expect(body).toBe('{"input":"hi","model":"m","__proto__":"p"}');
  });
});
