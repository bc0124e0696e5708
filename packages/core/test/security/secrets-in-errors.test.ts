// Issue 11 item 1: whatever an error holds, at any depth, never contains a credential. Each error
// below is produced for real (a refused connection, a total timeout, a stream timeout, the request
// builder's failures) with every kind of credential configured, then printed the ways people print
// errors (console.log's util.inspect with every option on, JSON, String, the stack) and walked
// property by property. What helps stays: name, message, code, method, URL without secrets.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { request } from "../../src/http/index.js";
import { ConnectionError, OaikitError, OpenAI, RequestAbortedError, TimeoutError } from "../../src/index.js";
import { useOneServer } from "./hostile.js";

const SECRETS = {
  key: "sk-live-KEY0123456789abcdef",
  azure: "azure-KEY-9f8e7d6c5b4a",
  xApiKey: "xak-SECRET-13579",
  organization: "org-SECRET-24680",
  project: "proj-SECRET-11223",
  custom: "custom-SECRET-44556",
  query: "gemini-QUERY-KEY-77889",
};
const user = [{ role: "user" as const, content: "Hi" }];

/** A port with nothing listening (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every string reachable from `value`: own properties (enumerable or not, symbols too), any depth. */
function reachableStrings(value: unknown, seen = new Set<unknown>(), out: string[] = []): string[] {
  if (typeof value === "string") {
    out.push(value);
    return out;
  }
  if ((typeof value !== "object" && typeof value !== "function") || value === null || seen.has(value)) {
    return out;
  }
  seen.add(value);
  if (value instanceof Headers) {
    for (const [k, v] of value) out.push(`${k}: ${v}`);
  }
  if (typeof Request !== "undefined" && value instanceof Request) {
    out.push(value.url);
    for (const [k, v] of value.headers) out.push(`${k}: ${v}`);
  }
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && "value" in descriptor) reachableStrings(descriptor.value, seen, out);
  }
  return out;
}

function expectClean(error: unknown): void {
  expect(error).toBeInstanceOf(OaikitError);
  const printed = [
    inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    inspect(error),
    JSON.stringify(error),
    String(error),
    (error as Error).stack ?? "",
    ...reachableStrings(error),
  ].join("\n");
  for (const [what, secret] of Object.entries(SECRETS)) {
    expect(printed.includes(secret), `${what} leaked into the error:\n${printed.slice(0, 4000)}`).toBe(false);
  }
}

/** A client configured with every credential oaikit knows of. */
function client(baseURL: string, extra: Record<string, unknown> = {}): OpenAI {
  return new OpenAI(SECRETS.key, {
    baseURL,
    organization: SECRETS.organization,
    project: SECRETS.project,
    headers: { "api-key": SECRETS.azure, "x-api-key": SECRETS.xApiKey },
    maxRetries: 0,
    ...extra,
  });
}

const server = useOneServer();
let slow: { url: string };
beforeAll(() => {
  slow = server.scenario({
    byPath: {
      // "{", and the body never ends
      "stall-body": { headers: { "content-type": "application/json" }, text: "{", after: "stall" },
      "stall-stream": {
        headers: { "content-type": "text/event-stream" },
        sse: [": keep-alive\n\n"],
        after: "stall",
      },
      // Anything else: no answer at all (the head never comes while the client waits).
      "": { delayMs: 600_000 },
    },
  });
});

describe("the client's errors hold no credential", () => {
  test("ConnectionError (connection refused), with the cause chain still telling what failed", async () => {
    const port = await closedPort();
    const error = await client(`http://127.0.0.1:${port}/v1`)
      .createChatCompletion(user, {}, undefined, { headers: { "x-custom-auth": SECRETS.custom } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expectClean(error);
    // What helps is kept: names, messages and codes down the chain.
    const printed = inspect(error, { depth: Number.POSITIVE_INFINITY });
    expect(printed).toContain("ECONNREFUSED");
    expect((error as ConnectionError).method).toBe("POST");
    expect((error as ConnectionError).url).toBe(`http://127.0.0.1:${port}/v1/chat/completions`);
  });

  test("TimeoutError (total: no response head)", async () => {
    const error = await client(`${slow.url}/v1`, { timeout: 200 })
      .models()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).phase).toBe("total");
    expectClean(error);
  });

  test("TimeoutError (total: a body that stalls)", async () => {
    const error = await client(`${slow.url}/stall-body`, { timeout: 300 })
      .models()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expectClean(error);
  });

  test("stream errors: a refused connection, a first-byte timeout, an abort", async () => {
    const port = await closedPort();
    const refused = await client(`http://127.0.0.1:${port}/v1`)
      .streamChatCompletion(user)
      .final()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expectClean(refused);

    const stalled = await client(`${slow.url}/stall-stream`, { firstByteTimeout: 200 })
      .streamChatCompletion(user)
      .final()
      .catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(TimeoutError);
    expectClean(stalled);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const aborted = await client(`${slow.url}/v1`)
      .models({ signal: controller.signal })
      .catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(RequestAbortedError);
    expectClean(aborted);
  });

  test("a fetched key (apiKey as a function): refused connection, total timeout, a stream's first-byte timeout", async () => {
    const port = await closedPort();
    const fetched = (baseURL: string, extra: Record<string, unknown> = {}) =>
      new OpenAI(() => Promise.resolve(SECRETS.key), { baseURL, maxRetries: 0, ...extra });
    const refused = await fetched(`http://127.0.0.1:${port}/v1`)
      .models()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectionError);
    expectClean(refused);
    const timedOut = await fetched(`${slow.url}/v1`, { timeout: 200 })
      .models()
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expectClean(timedOut);
    const stalled = await fetched(`${slow.url}/stall-stream`, { firstByteTimeout: 200 })
      .streamChatCompletion(user)
      .final()
      .catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(TimeoutError);
    expectClean(stalled);
  });

  test("a credential in the query string (Gemini's ?key=) is kept out of url and message", async () => {
    const port = await closedPort();
    const error = await client(`http://127.0.0.1:${port}/v1`)
      .models({ headers: {} })
      .catch((e: unknown) => e);
    expectClean(error);
    const withQuery = await request(`http://127.0.0.1:${port}/v1/models?key=${SECRETS.query}&alt=sse`)
      .execute()
      .catch((e: unknown) => e);
    expect(withQuery).toBeInstanceOf(ConnectionError);
    expectClean(withQuery);
    expect((withQuery as ConnectionError).url).toBe(
      `http://127.0.0.1:${port}/v1/models?key=REDACTED&alt=sse`,
    );
  });
});

describe("the request builder's errors hold no credential", () => {
  const headers = {
    authorization: `Bearer ${SECRETS.key}`,
    "api-key": SECRETS.azure,
    "x-api-key": SECRETS.xApiKey,
    "openai-organization": SECRETS.organization,
    "openai-project": SECRETS.project,
  };

  test("ConnectionError (connection refused), setHeaders and the table form", async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/x`;
    const bySetter = await request(url)
      .setHeaders(headers)
      .execute()
      .catch((e: unknown) => e);
    expect(bySetter).toBeInstanceOf(ConnectionError);
    expectClean(bySetter);
    const byTable = await request({ url, headers, method: "POST", body: { a: 1 } })
      .execute()
      .catch((e: unknown) => e);
    expectClean(byTable);
  });

  test("TimeoutError before the head and during the body; stream() and events() too", async () => {
    const head = await request(`${slow.url}/x`)
      .setHeaders(headers)
      .setTimeout(200)
      .execute()
      .catch((e: unknown) => e);
    expect(head).toBeInstanceOf(TimeoutError);
    expectClean(head);
    const body = await request(`${slow.url}/stall-body`)
      .setHeaders(headers)
      .setTimeout(300)
      .execute()
      .catch((e: unknown) => e);
    expect(body).toBeInstanceOf(TimeoutError);
    expectClean(body);
    const events = await (async () => {
      for await (const _ of request(`${slow.url}/stall-stream`).setHeaders(headers).setTimeout(300).events());
    })().catch((e: unknown) => e);
    expect(events).toBeInstanceOf(TimeoutError);
    expectClean(events);
  });

  test("ky's retries with a refused connection (NetworkError underneath)", async () => {
    const port = await closedPort();
    const error = await request(`http://127.0.0.1:${port}/x`)
      .setHeaders(headers)
      .setRetry({ limit: 1, delay: () => 10 })
      .execute()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expectClean(error);
  });
});

describe("console.log of a client and of its sessions holds no credential (items 2, 3)", () => {
  test("util.inspect with every option on: no key, no header value; the key's presence shows", async () => {
    const { ChatSession, ResponsesChatSession } = await import("../../src/index.js");
    const c = client("http://127.0.0.1:9/v1");
    const printed = [
      inspect(c, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
      inspect(new ChatSession(c), { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      inspect(new ResponsesChatSession(c), { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    ].join("\n");
    for (const [what, secret] of Object.entries(SECRETS)) {
      expect(printed.includes(secret), `${what} leaked:\n${printed}`).toBe(false);
    }
    expect(inspect(c)).toMatch(/^OpenAI \{/);
    expect(inspect(c)).toContain("apiKey: '[redacted]'");
    expect(inspect(c)).toContain("'x-api-key'");
  });
});
