/**
 * ChatSession beyond the ported lua-openai cases: the observer (append, partial per chunk, incomplete on abort /
 * truncation / stream error, truncate), sendStream, regenerate/truncate, validation (developer role,
 * content parts, malformed messages), replies without usage, any 2xx, restore. Against a real
 * node:http server on 127.0.0.1.
 */
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../src/types/chat.js";
import { paramsOf, useMockServer } from "../../test/lua-openai/mock.js";
import { OpenAI } from "../client/openai.js";
import {
  ChatSessionError,
  RequestAbortedError,
  StreamError,
  StreamTruncatedError,
} from "../errors/errors.js";
import { ChatSession } from "./chat-session.js";
import type { ChatSessionObserver } from "./observer.js";

const server = useMockServer();
const client = () => new OpenAI("k", { baseURL: server.baseURL, maxRetries: 0 });

const delta = (content: string, extra = "") =>
  `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}}${extra}}]}\n\n`;
const FINISH =
  'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n';
const reply = (content: string) => ({
  json: { choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }] },
});

/** Records every observer call, in order. */
function recorder() {
  const calls: [string, ...unknown[]][] = [];
  const observer: ChatSessionObserver = {
    onAppend: (message, index) => calls.push(["append", structuredClone(message), index]),
    onPartial: (message, index) => calls.push(["partial", structuredClone(message), index]),
    onIncomplete: (message, index, reason) =>
      calls.push(["incomplete", structuredClone(message), index, reason]),
    onTruncate: (length) => calls.push(["truncate", length]),
  };
  return { calls, observer };
}

describe("ChatSession observer", () => {
  it("an observer that throws reaches its onError (else console.error), never an uncaught exception", async () => {
    server.handle(() => ({ chunks: [delta("Hi"), delta(" there"), FINISH, "data: [DONE]\n\n"] }));
    const heard: unknown[] = [];
    const boom = new Error("observer broke");
    const chat = new ChatSession(client(), {
      observer: {
        onAppend: () => {
          throw boom;
        },
        onPartial: () => {
          throw boom;
        },
        onError: (error) => heard.push(error),
      },
    });
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on("uncaughtException", onUncaught);
    try {
      expect(await chat.send("Hello", () => {})).toBe("Hi there");
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    // Two appends and two partials threw; each reached onError, and the history is whole.
    expect(heard).toEqual([boom, boom, boom, boom]);
    expect(uncaught).toEqual([]);
    expect(chat.messages).toEqual([
      { role: "user", content: "Hello" },
      { role: "assistant", content: "Hi there" },
    ]);

    // Without onError, the console hears of it.
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      server.handle(() => reply("Ok"));
      const bare = new ChatSession(client(), {
        observer: {
          onAppend: () => {
            throw boom;
          },
        },
      });
      expect(await bare.send("Hi")).toBe("Ok");
    } finally {
      console.error = original;
    }
    expect(logged.map((args) => args[1])).toEqual([boom, boom]);
  });

  it("reports appends for a non-streamed exchange", async () => {
    server.handle(() => reply("Hi!"));
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), {
      observer,
      messages: [{ role: "system", content: "Be brief." }],
    });
    expect(await chat.send("Hello")).toBe("Hi!");
    // Restored/initial messages do not fire onAppend; the new ones do, at their index.
    expect(calls).toEqual([
      ["append", { role: "user", content: "Hello" }, 1],
      ["append", { role: "assistant", content: "Hi!" }, 2],
    ]);
  });

  it("reports a partial per streamed chunk, then the final message at the same index", async () => {
    server.handle(() => ({
      chunks: [delta("One"), delta(" two"), delta(" three"), FINISH, "data: [DONE]\n\n"],
    }));
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), { observer });
    const seen: string[] = [];
    const text = await chat.send("Count", (chunk) => seen.push(String(chunk)));
    expect(text).toBe("One two three");
    expect(seen).toEqual(["One", " two", " three"]); // the finish chunk (empty delta) is not passed on
    expect(calls).toEqual([
      ["append", { role: "user", content: "Count" }, 0],
      ["partial", { role: "assistant", content: "One" }, 1],
      ["partial", { role: "assistant", content: "One two" }, 1],
      ["partial", { role: "assistant", content: "One two three" }, 1],
      ["append", { role: "assistant", content: "One two three" }, 1],
    ]);
    expect(chat.lastCompletion?.choices[0]?.finish_reason).toBe("stop");
  });

  it("keeps a truncated reply (no terminator) and reports it incomplete, then throws StreamTruncatedError", async () => {
    server.handle(() => ({ chunks: [delta("Half"), delta(" a reply")] }));
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), { observer });
    const error = await chat.send("Go", () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(chat.messages).toEqual([
      { role: "user", content: "Go" },
      { role: "assistant", content: "Half a reply" },
    ]);
    expect(calls.at(-1)).toEqual([
      "incomplete",
      { role: "assistant", content: "Half a reply" },
      1,
      "truncated",
    ]);
    expect(calls.filter(([kind]) => kind === "append")).toHaveLength(1); // the partial is never "appended" as complete
    expect(chat.busy).toBe(false);
  });

  it("reports an error chunk inside the stream as incomplete with reason error", async () => {
    server.handle(() => ({
      chunks: [delta("Partial"), 'data: {"error":{"message":"Provider disconnected","code":502}}\n\n'],
    }));
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), { observer });
    const error = await chat.send("Go", () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect(calls.at(-1)).toEqual(["incomplete", { role: "assistant", content: "Partial" }, 1, "error"]);
  });

  it("reports truncate", () => {
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), {
      observer,
      messages: [
        { role: "user", content: "a" },
        { role: "assistant", content: "b" },
      ],
    });
    chat.truncate(2); // no change, no call
    chat.truncate(1);
    expect(chat.messages).toEqual([{ role: "user", content: "a" }]);
    expect(calls).toEqual([["truncate", 1]]);
    expect(() => chat.truncate(5)).toThrow(/length must be an integer from 0 to 1/);
    expect(() => chat.truncate(-1)).toThrow(TypeError);
  });
});

describe("ChatSession.sendStream", () => {
  it("iterates content chunks and resolves final() and text()", async () => {
    server.handle(() => ({ chunks: [delta("Hello"), delta(", world"), FINISH, "data: [DONE]"] }));
    const chat = new ChatSession(client());
    const stream = chat.sendStream("Hi");
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(`${chunk}`);
    expect(pieces).toEqual(["Hello", ", world"]);
    expect(await stream.final()).toBe("Hello, world");
    expect(await stream.text()).toBe("Hello, world");
    expect(chat.lastMessage()).toEqual({ role: "assistant", content: "Hello, world" });
    expect(server.requests[0]?.body?.stream).toBe(true);
  });

  it("final() works without iterating", async () => {
    server.handle(() => ({ chunks: [delta("Only final"), FINISH, "data: [DONE]\n\n"] }));
    const chat = new ChatSession(client());
    expect(await chat.sendStream("Hi").final()).toBe("Only final");
  });

  it("abort() keeps the partial reply, reports it incomplete (aborted) and rejects with RequestAbortedError", async () => {
    server.handle(() => ({ chunks: [delta("First"), delta(" second")], hang: true }));
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), { observer });
    const stream = chat.sendStream("Tell me a long story");
    const seen: string[] = [];
    const iteration = (async () => {
      for await (const chunk of stream) {
        seen.push(String(chunk));
        if (seen.length === 2) stream.abort();
      }
    })();
    await expect(iteration).rejects.toBeInstanceOf(RequestAbortedError);
    await expect(stream.final()).rejects.toBeInstanceOf(RequestAbortedError);
    expect(seen).toEqual(["First", " second"]);
    expect(chat.messages[1]).toEqual({ role: "assistant", content: "First second" });
    expect(calls.at(-1)).toEqual([
      "incomplete",
      { role: "assistant", content: "First second" },
      1,
      "aborted",
    ]);
    expect(chat.busy).toBe(false);
  });

  it("breaking out of the loop aborts the reply (partial kept)", async () => {
    server.handle(() => ({ chunks: [delta("Stop"), delta(" here")], hang: true }));
    const chat = new ChatSession(client());
    const stream = chat.sendStream("Go");
    for await (const chunk of stream) {
      expect(String(chunk)).toBe("Stop");
      break;
    }
    await expect(stream.final()).rejects.toBeInstanceOf(RequestAbortedError);
    expect(chat.lastMessage()).toEqual({ role: "assistant", content: "Stop" });
  });

  it("a per-send signal aborts a callback-form send too", async () => {
    server.handle(() => ({ chunks: [delta("Partial")], hang: true }));
    const controller = new AbortController();
    const chat = new ChatSession(client());
    const error = await chat
      .send("Go", { stream_callback: () => controller.abort(), signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestAbortedError);
    expect(chat.lastMessage()).toEqual({ role: "assistant", content: "Partial" });
  });

  it("streams a tool call and resolves to the assistant message", async () => {
    const tool = (fields: string) =>
      `data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"tool_calls":[${fields}]}}]}\n\n`;
    server.handle(() => ({
      chunks: [
        tool('{"index":0,"id":"call_1","type":"function","function":{"name":"get_time","arguments":""}}'),
        tool('{"index":0,"function":{"arguments":"{\\"tz\\":"}}'),
        tool('{"index":0,"function":{"arguments":"\\"UTC\\"}"}}'),
        'data: {"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}\n\n',
        "data: [DONE]\n\n",
      ],
    }));
    const chat = new ChatSession(client());
    const final = await chat.sendStream("What time is it?").final();
    expect(final).toEqual({
      role: "assistant",
      tool_calls: [
        { id: "call_1", type: "function", function: { name: "get_time", arguments: '{"tz":"UTC"}' } },
      ],
    });
    expect(chat.lastMessage()).toBe(final);
  });

  it("an error status of a streamed send is a ChatSessionError with lua-openai's text", async () => {
    server.handle(() => ({
      status: 429,
      json: { error: { message: "Slow down", code: "rate_limit_exceeded" } },
    }));
    const chat = new ChatSession(client());
    const error = await chat
      .sendStream("Hi")
      .final()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatSessionError);
    expect((error as ChatSessionError).message).toBe("Bad status: 429: Slow down (rate_limit_exceeded)");
    expect((error as ChatSessionError).status).toBe(429);
    expect((error as ChatSessionError).raw).toEqual({
      error: { message: "Slow down", code: "rate_limit_exceeded" },
    });
  });
});

describe("ChatSession regenerate / truncate", () => {
  it("regenerate drops the last reply and asks again with the same history", async () => {
    let n = 0;
    server.handle(() => reply(`Answer ${++n}`));
    const { calls, observer } = recorder();
    const chat = new ChatSession(client(), { observer });
    expect(await chat.send("Question")).toBe("Answer 1");
    expect(await chat.regenerate()).toBe("Answer 2");
    expect(server.requests[1]?.body?.messages).toEqual([{ role: "user", content: "Question" }]);
    expect(chat.messages).toEqual([
      { role: "user", content: "Question" },
      { role: "assistant", content: "Answer 2" },
    ]);
    expect(calls.map(([kind, ...rest]) => [kind, rest.at(-1)])).toEqual([
      ["append", 0],
      ["append", 1],
      ["truncate", 1],
      ["append", 1],
    ]);
  });

  it("regenerateStream streams the new reply; regenerate after a failed send just retries", async () => {
    server.handle(() => ({ status: 500, json: { error: { message: "boom" } } }));
    const chat = new ChatSession(client());
    await expect(chat.send("Q")).rejects.toThrow("Bad status: 500: boom");
    expect(chat.messages).toEqual([{ role: "user", content: "Q" }]); // what the user wrote is kept
    server.handle(() => ({ chunks: [delta("Better"), FINISH, "data: [DONE]"] }));
    expect(await chat.regenerateStream().final()).toBe("Better");
    expect(chat.messages).toHaveLength(2);
    await expect(new ChatSession(client()).regenerate()).rejects.toThrow(/history is empty/);
  });

  it("edit = truncate + send", async () => {
    server.handle(() => reply("ok"));
    const chat = new ChatSession(client());
    await chat.send("first");
    await chat.send("second");
    chat.truncate(2);
    await chat.send("second, edited");
    expect(server.requests.at(-1)?.body?.messages).toEqual([
      { role: "user", content: "first" },
      { role: "assistant", content: "ok" },
      { role: "user", content: "second, edited" },
    ]);
  });

  it("refuses a second send while a reply is being generated", async () => {
    server.handle(() => ({ chunks: [delta("slow")], hang: true }));
    const chat = new ChatSession(client());
    const stream = chat.sendStream("one");
    expect(() => chat.sendStream("two")).toThrow(/already being generated/);
    await expect(chat.send("three")).rejects.toThrow(/already being generated/);
    expect(() => chat.truncate(0)).toThrow(/being generated/);
    stream.abort();
    await expect(stream.final()).rejects.toBeInstanceOf(RequestAbortedError);
    expect(chat.messages.map((m) => m.content)).toEqual(["one"]); // aborted before any chunk: nothing appended
  });
});

describe("ChatSession validation and DESIGN.md fixes", () => {
  it("accepts the developer role and any content parts", async () => {
    server.handle(() => reply("fine"));
    const messages: ChatMessage[] = [
      { role: "developer", content: "Answer in French." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
          { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } },
          { type: "file", file: { file_id: "file_1" } },
        ],
      },
    ];
    const chat = new ChatSession(client(), { messages });
    expect(await chat.generateResponse()).toBe("fine");
    expect(server.requests[0]?.body?.messages).toEqual(messages);
  });

  it("rejects truly malformed messages with a TypeError that says what is wrong", () => {
    const chat = new ChatSession(client());
    expect(() => chat.appendMessage({ role: "bot", content: "x" } as never)).toThrow(
      /role must be one of "system", "developer", "user", "assistant", "tool", "function", got "bot"/,
    );
    expect(() => chat.appendMessage({ role: "user" } as never)).toThrow(
      /content must be a string or an array/,
    );
    expect(() => chat.appendMessage({ role: "tool", content: "1" } as never)).toThrow(/needs tool_call_id/);
    expect(() => chat.appendMessage({ role: "function", content: "1" } as never)).toThrow(/needs name/);
    expect(() => chat.appendMessage({ role: "user", content: [{ text: "no type" }] } as never)).toThrow(
      /content\[0\] must be a content part with a string `type`/,
    );
    expect(() => chat.appendMessage("hello" as never)).toThrow(/must be a message object/);
    expect(() => new ChatSession(client(), { functions: [{ description: "no name" }] as never })).toThrow(
      /opts.functions\[0\] must be a function declaration/,
    );
    expect(chat.messages).toEqual([]);
  });

  it("accepts a reply without usage, and any 2xx status", async () => {
    server.handle(() => ({
      status: 201,
      json: {
        id: "x",
        object: "chat.completion",
        choices: [{ message: { role: "assistant", content: "made" } }],
      },
    }));
    const chat = new ChatSession(client());
    expect(await chat.send("Make it")).toBe("made");
  });

  it("sends exactly the set keys; session params and per-send overrides merge, undefined is left out", async () => {
    server.handle(() => reply("ok"));
    const chat = new ChatSession(client(), {
      model: "m1",
      params: { max_completion_tokens: 50, seed: 7 },
      response_format: { type: "json_object" },
      temperature: undefined,
    });
    await chat.send("x", { seed: 8, top_p: undefined, signal: new AbortController().signal });
    expect(paramsOf(server.requests[0])).toStrictEqual({
      model: "m1",
      max_completion_tokens: 50,
      seed: 8,
      response_format: { type: "json_object" },
    });
  });

  it("a failed parse keeps the raw body; a refusal is kept in the history", async () => {
    server.handle(() => ({ json: { choices: [{ message: { role: "user", content: "?" } }] } }));
    const chat = new ChatSession(client());
    await expect(chat.send("x")).rejects.toThrow(
      'Failed to parse response from server: field "choices[0].message.role": expected "assistant", got "user"',
    );
    server.handle(() => ({
      json: { choices: [{ message: { role: "assistant", content: null, refusal: "I can't." } }] },
    }));
    expect(await chat.send("y")).toBe("");
    expect(chat.lastMessage()).toEqual({ role: "assistant", content: null, refusal: "I can't." });
  });

  it("an error status keeps the normalised error as the cause", async () => {
    server.handle(() => ({
      status: 401,
      json: { error: { message: "Bad key", type: "invalid_request_error" } },
    }));
    const error = await new ChatSession(client()).send("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatSessionError);
    expect((error as Error).message).toBe("Bad status: 401: Bad key");
    expect(((error as Error).cause as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });
});
