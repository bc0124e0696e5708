// Issue 11 items 2 and 3, in every runtime: the key (and every configured credential header) is
// checked when it is set, with messages that never quote it, and it is not part of the client
// object: JSON of the client, of a chat session and of a Responses session never contains it.
import { describe, expect, test } from "vitest";
import { ChatSession, OpenAI, ResponsesChatSession } from "../../src/index.js";

const KEY = "sk-proj-SECRET0123456789";
const user = [{ role: "user" as const, content: "Hi" }];

/** A client whose fetch records the Authorization header of every request. */
function recording(apiKey?: string) {
  const seen: (string | null)[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    seen.push(new Request(input, init).headers.get("authorization"));
    return new Response(JSON.stringify({ object: "list", data: [] }), {
      headers: { "content-type": "application/json" },
    });
  };
  return { client: new OpenAI(apiKey, { baseURL: "http://127.0.0.1:9/v1", fetch }), seen };
}

/** The TypeError `call` throws; fails if it throws nothing or something else. */
function typeError(call: () => unknown): TypeError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return error as TypeError;
  }
  throw new Error("expected a TypeError");
}

describe("item 2: a key fetch cannot send is refused when it is set, never quoted", () => {
  test.each([
    ["a header injection", `${KEY}\r\nX-Injected: 1`],
    ["a trailing newline (a key read from a file)", `${KEY}\n`],
    ["a NUL", `${KEY}\0`],
    ["a character above U+00FF (an ellipsis pasted from a page)", `${KEY}…`],
  ])("new OpenAI(key with %s)", (_what, bad) => {
    const error = typeError(() => new OpenAI(bad));
    expect(error.message).toMatch(/API key/);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain("SECRET");
  });

  test("client.apiKey = bad: the same check, the old key stays", () => {
    const { client } = recording(KEY);
    const error = typeError(() => {
      client.apiKey = `${KEY}\r\nX: 1`;
    });
    expect(error.message).not.toContain(KEY);
    expect(client.apiKey).toBe(KEY);
  });

  test("credential headers in the config and per call: checked, named, never quoted", () => {
    const secret = "azure-SECRET-abc";
    const cases = [
      () => new OpenAI(undefined, { headers: { "api-key": `${secret}\n` } }),
      () => new OpenAI(undefined, { headers: [["x-api-key", `${secret}\r\n`]] }),
      () =>
        new OpenAI(undefined, { headers: new Headers({ "x-api-key": secret }), organization: `${secret}\n` }),
      () => new OpenAI(undefined, { project: `${secret}…` }),
      () => recording().client.models({ headers: { "x-api-key": `${secret}\r\nX: 1` } }),
      () => recording().client.streamChatCompletion(user, {}, { headers: { "api-key": `${secret}…` } }),
    ];
    for (const call of cases) {
      const error = typeError(call);
      expect(error.message).not.toContain(secret);
      expect(error.message).toMatch(/api-key|organization|project/);
    }
  });
});

describe("item 3: the key is not enumerable, not serialisable, and setting it is checked", () => {
  test("JSON.stringify, Object.keys, a spread and Object.entries of the client never hold the key", () => {
    const client = new OpenAI(KEY, {
      headers: { "api-key": "azure-SECRET-abc" },
      organization: "org-SECRET",
    });
    const json = JSON.stringify(client);
    expect(json).not.toContain(KEY);
    expect(json).not.toContain("azure-SECRET-abc");
    expect(json).not.toContain("org-SECRET");
    expect(JSON.parse(json)).toEqual({ baseURL: "https://api.openai.com/v1", defaultModel: "gpt-4.1" });
    expect(Object.keys(client)).not.toContain("apiKey");
    expect(JSON.stringify({ ...client })).not.toContain(KEY);
    expect(JSON.stringify(Object.entries(client))).not.toContain(KEY);
    expect(Object.getOwnPropertyDescriptor(client, "apiKey")).toBeUndefined();
    expect(client.apiKey).toBe(KEY); // still readable on purpose
  });

  test("JSON of a chat session and of a Responses session never holds the key", () => {
    const client = new OpenAI(KEY);
    const chat = new ChatSession(client, { messages: [{ role: "system", content: "Be brief." }] });
    const responses = new ResponsesChatSession(client, { instructions: "Be brief." });
    expect(JSON.stringify(chat)).not.toContain(KEY);
    expect(JSON.stringify(responses)).not.toContain(KEY);
  });

  test("client.apiKey = 42 is refused; a new key, and no key, take effect", async () => {
    const { client, seen } = recording(KEY);
    const error = typeError(() => {
      (client as { apiKey: unknown }).apiKey = 42;
    });
    expect(error.message).toMatch(/client\.apiKey: apiKey must be a string/);
    await client.models();
    client.apiKey = "sk-second";
    await client.models();
    client.apiKey = undefined;
    await client.models();
    client.apiKey = "";
    await client.models();
    expect(seen).toEqual([`Bearer ${KEY}`, "Bearer sk-second", null, null]);
  });

  test("subclasses and presets keep the key the same way", async () => {
    const { Gemini } = await import("../../src/index.js");
    const gemini = new Gemini(KEY);
    expect(gemini.apiKey).toBe(KEY);
    expect(JSON.stringify(gemini)).not.toContain(KEY);
    expect(() => new Gemini(`${KEY}\n`)).toThrow(TypeError);
  });
});
