// Issue 11 item 1, in every runtime: an error never keeps what its cause carried besides name,
// message and code. The cause here is shaped like ky's errors (a `Request` with every header, the
// options), nested under a fetch-style TypeError.
import { describe, expect, test } from "vitest";
import { redactUrl } from "../../src/http/index.js";
import { ConnectionError, RequestAbortedError, TimeoutError } from "../../src/index.js";

const KEY = "sk-SECRET-abcdef123456";
const url = "https://api.example.com/v1/models?key=QUERY-SECRET-1&alt=sse";

function kyLikeError(): Error {
  const inner = Object.assign(new Error("connect ECONNREFUSED 10.0.0.1:443"), {
    code: "ECONNREFUSED",
    port: 443,
    config: { headers: { authorization: `Bearer ${KEY}` } },
  });
  const fetchError = new TypeError("fetch failed", { cause: inner });
  return Object.assign(
    new Error(`Request failed due to a network error: GET ${url}`, { cause: fetchError }),
    {
      name: "NetworkError",
      request: new Request(url, { headers: { authorization: `Bearer ${KEY}` } }),
      options: { headers: { "x-api-key": KEY } },
    },
  );
}

function strings(value: unknown, seen = new Set<unknown>()): string {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null || seen.has(value)) return "";
  seen.add(value);
  let out = "";
  if (value instanceof Request) {
    for (const [, v] of value.headers) out += v;
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && "value" in descriptor) out += `\n${strings(descriptor.value, seen)}`;
  }
  return out;
}

describe("errors keep a safe copy of their cause", () => {
  test("ConnectionError: name, message and code survive; the Request, options and headers do not", () => {
    const error = new ConnectionError({ method: "GET", url }, { cause: kyLikeError() });
    const all = `${strings(error)}\n${JSON.stringify(error)}\n${error.stack}`;
    expect(all).not.toContain(KEY);
    expect(all).not.toContain("QUERY-SECRET-1");
    const cause = error.cause as Error & { cause: Error & { cause: Error & { code: string } } };
    expect(cause.name).toBe("NetworkError");
    expect(cause.message).toContain("key=REDACTED");
    expect(cause.cause.message).toBe("fetch failed");
    expect(cause.cause.cause.code).toBe("ECONNREFUSED");
    expect(Object.keys(cause)).not.toContain("request");
    expect(error.url).toBe("https://api.example.com/v1/models?key=REDACTED&alt=sse");
  });

  test("TimeoutError too; RequestAbortedError keeps the caller's own reason as given", () => {
    const timeout = new TimeoutError({ method: "GET", url }, "total", 10, { cause: kyLikeError() });
    expect(strings(timeout)).not.toContain(KEY);
    const reason = { why: "the user left" };
    expect(new RequestAbortedError({ method: "GET", url }, { cause: reason }).cause).toBe(reason);
  });

  test("redactUrl drops user:password@ and credential-like query values, keeps the rest", () => {
    expect(redactUrl("https://u:p@h.example/a?model=x&api_key=1&token=2&sig=3&X-Amz-Signature=4")).toBe(
      "https://h.example/a?model=x&api_key=REDACTED&token=REDACTED&sig=REDACTED&X-Amz-Signature=REDACTED",
    );
    expect(redactUrl("https://h.example/a?b=1")).toBe("https://h.example/a?b=1");
    expect(redactUrl("not a url")).toBe("not a url");
  });
});
