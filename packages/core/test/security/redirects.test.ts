// Issue 11 item 4: redirects are never followed. A redirect to another origin would carry every
// configured header (the key, Azure's `api-key`, `x-api-key`, `OpenAI-Organization`,
// `OpenAI-Project`, any `headers` entry) to it, and a 301/302/303 would turn a POST into a GET to
// another URL that resolves `ok: true`. So every redirect, same origin or not, rejects with a
// `RedirectError` naming the status and the new location, and nothing is sent to that location.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { request } from "../../src/http/index.js";
import { OpenAI, RedirectError } from "../../src/index.js";
import { type HostileServer, hostileServer } from "./hostile-server.js";

const KEY = "sk-SECRET-redirect-0123";
const user = [{ role: "user" as const, content: "Hi" }];
let origin: HostileServer; // the API the client is configured for
let elsewhere: HostileServer; // where the API's redirects point
let status = 302;

beforeAll(async () => {
  elsewhere = await hostileServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ object: "list", data: [], stolen: true }));
  });
  origin = await hostileServer((req, res) => {
    const to = req.url?.startsWith("/same") ? "/v1/models" : `${elsewhere.url}/steal?token=SECRET-T`;
    res.writeHead(status, { location: to, "content-type": "application/json" });
    res.end("{}");
  });
});
afterAll(async () => {
  await origin.close();
  await elsewhere.close();
});
beforeEach(() => {
  origin.received.length = 0;
  elsewhere.received.length = 0;
});

function client(path = "/v1"): OpenAI {
  return new OpenAI(KEY, {
    baseURL: `${origin.url}${path}`,
    headers: { "api-key": "azure-SECRET", "x-api-key": "xak-SECRET", "x-custom": "custom-SECRET" },
    organization: "org-SECRET",
    project: "proj-SECRET",
  });
}

async function redirectError(promise: Promise<unknown>): Promise<RedirectError> {
  const error = await promise.then(
    (value) => new Error(`resolved: ${JSON.stringify(value).slice(0, 200)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RedirectError);
  return error as RedirectError;
}

describe.each([301, 302, 303, 307, 308])("a %i to another origin", (code) => {
  beforeEach(() => {
    status = code;
  });

  test("POST (chat): RedirectError naming the location; nothing reaches the other origin", async () => {
    const error = await redirectError(client().createChatCompletion(user));
    expect(error).toMatchObject({ status: code, method: "POST", url: `${origin.url}/v1/chat/completions` });
    expect(error.location).toBe(`${elsewhere.url}/steal?token=REDACTED`);
    expect(error.message).toContain(`${elsewhere.url}/steal`);
    expect(error.message).not.toContain("SECRET");
    expect(elsewhere.received).toEqual([]);
    expect(origin.received).toHaveLength(1); // not retried either
  });

  test("GET, a stream, and the request builder: the same", async () => {
    await redirectError(client().models());
    await redirectError(client().streamChatCompletion(user).final());
    await redirectError(client().createResponse("Hi", { stream: true }));
    await redirectError(
      request(`${origin.url}/x`)
        .setHeaders({ authorization: `Bearer ${KEY}`, "x-api-key": "xak-SECRET" })
        .execute(),
    );
    await redirectError(request({ url: `${origin.url}/x`, method: "POST", body: { a: 1 } }).execute());
    await redirectError(
      (async () => {
        for await (const _ of request(`${origin.url}/x`).events());
      })(),
    );
    expect(elsewhere.received).toEqual([]);
  });
});

describe("a redirect within the same origin", () => {
  test("is refused too: a redirect never turns a call into another one (POST into GET)", async () => {
    status = 301;
    const error = await redirectError(client("/same/v1").createChatCompletion(user));
    expect(error.location).toBe(`${origin.url}/v1/models`);
    expect(origin.received.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /same/v1/chat/completions"]);
  });
});

describe("not a redirect", () => {
  test("a 3xx without Location (304, 300) is an answer like any other", async () => {
    const server = await hostileServer((_req, res) => {
      res.writeHead(300, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "choose" } }));
    });
    try {
      const result = await new OpenAI("k", { baseURL: server.url, maxRetries: 0 }).models();
      expect(result).toMatchObject({ ok: false, status: 300 });
    } finally {
      await server.close();
    }
  });
});
