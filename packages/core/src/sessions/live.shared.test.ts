// The sessions' live view (subscribe / getSnapshot) against the one fake server's words model, in Node
// and in Chromium: identity kept when nothing changed, a new snapshot on every kind of change, no call
// after unsubscribe, notifications throttled while a reply streams, stop and errors, setMessages.
import { describe, expect, inject, it } from "vitest";
import {
  ChatSession,
  ChatSessionError,
  type ChatSnapshot,
  createClient,
  messageText,
  RequestAbortedError,
  ResponsesChatSession,
  type ResponsesSnapshot,
} from "../index.js";

interface Words {
  words?: string[];
  delayMs?: number;
  hangAfter?: number;
}

/** A client on a fresh scenario of the words model (`words` joined is the reply). */
async function wordsClient(words: Words = {}, answers: unknown[] = []) {
  const server = inject("testServerUrl");
  const res = await fetch(`${server}/scenarios`, {
    method: "POST",
    body: JSON.stringify({ words, answers }),
  });
  const { basePath } = (await res.json()) as { basePath: string };
  return createClient(undefined, { baseURL: `${server}${basePath}`, maxRetries: 0 });
}

/** Every snapshot a listener was told of (read when told), and a way to wait for the next calls to settle. */
function record<S>(session: { subscribe(l: () => void): () => void; getSnapshot(): S }) {
  const heard: S[] = [];
  const unsubscribe = session.subscribe(() => heard.push(session.getSnapshot()));
  return { heard, unsubscribe };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);

describe("ChatSession live view", () => {
  it("returns the same snapshot until something changes, and keeps unchanged messages by identity", async () => {
    const chat = new ChatSession(await wordsClient({ words: ["Hi", " there"] }), {
      messages: [{ role: "system", content: "Be brief." }],
    });
    const first = chat.getSnapshot();
    expect(chat.getSnapshot()).toBe(first);
    expect(first).toEqual({ messages: [chat.messages[0]], pending: null, status: "ready", error: undefined });
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.messages)).toBe(true);
    expect(first.messages).not.toBe(chat.messages);

    await chat.send("Hello");
    const second = chat.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.messages.map((m) => messageText(m))).toEqual(["Be brief.", "Hello", "Hi there"]);
    expect(second.messages[0]).toBe(first.messages[0]);
    expect(chat.getSnapshot()).toBe(second);
    // A change that leaves the history alone (a new status) keeps the same messages array.
    const streaming = chat.sendStream("Again");
    const during = chat.getSnapshot();
    expect(during.status).toBe("streaming");
    expect(during.messages).not.toBe(second.messages); // "Again" was appended
    expect(during.messages.slice(0, 3)).toEqual(second.messages);
    expect(during.messages[1]).toBe(second.messages[1]);
    await streaming.final();
    expect(chat.getSnapshot().messages).toHaveLength(5);
  });

  it("shows the streamed reply as pending, tells listeners of every kind of change, then ready", async () => {
    const chat = new ChatSession(await wordsClient({ words: words(8), delayMs: 15 }), {
      notifyIntervalMs: 0,
    });
    const { heard, unsubscribe } = record<ChatSnapshot>(chat);
    await chat.send("Hello", () => {});
    await settle();
    unsubscribe();
    expect(heard[0]).toMatchObject({ status: "streaming", pending: null });
    expect(heard[0]!.messages.map(messageText)).toEqual(["Hello"]);
    const partials = heard.filter((s) => s.pending !== null).map((s) => messageText(s.pending));
    expect(partials.length).toBeGreaterThan(1);
    for (const [i, text] of partials.entries()) {
      expect(words(8).join("").startsWith(text)).toBe(true);
      if (i > 0) expect(text.length).toBeGreaterThanOrEqual(partials[i - 1]!.length);
    }
    // While it streams, the history is the same array: a chunk changes the pending reply only.
    const streamingOnes = heard.filter((s) => s.status === "streaming");
    expect(new Set(streamingOnes.map((s) => s.messages)).size).toBe(1);
    const last = heard.at(-1)!;
    expect(last).toMatchObject({ status: "ready", pending: null, error: undefined });
    expect(last.messages.map(messageText)).toEqual(["Hello", words(8).join("")]);
    expect(Object.isFrozen(partials.length && heard.find((s) => s.pending)!.pending)).toBe(true);
  });

  it("notifies at most once per interval while streaming (urgent changes aside)", async () => {
    const interval = 60;
    const chat = new ChatSession(await wordsClient({ words: words(40), delayMs: 5 }), {
      notifyIntervalMs: interval,
    });
    const { heard, unsubscribe } = record<ChatSnapshot>(chat);
    const started = performance.now();
    await chat.send("Hello", () => {});
    const elapsed = performance.now() - started;
    await settle();
    unsubscribe();
    const chunkNotifications = heard.filter((s) => s.status === "streaming" && s.pending !== null).length;
    // 40 chunks; the listener heard of them at most once per 60 ms (plus the one already queued).
    expect(chunkNotifications).toBeLessThanOrEqual(Math.ceil(elapsed / interval) + 1);
    expect(heard.filter((s) => s.status === "ready")).toHaveLength(1);
  });

  it("calls no listener after unsubscribe, and one listener's throw does not stop the others", async () => {
    const chat = new ChatSession(await wordsClient(), { notifyIntervalMs: 0 });
    let calls = 0;
    const unsubscribe = chat.subscribe(() => calls++);
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args[1]);
    const boom = new Error("listener broke");
    const offThrowing = chat.subscribe(() => {
      throw boom;
    });
    let others = 0;
    const offOther = chat.subscribe(() => others++);
    try {
      chat.appendMessage({ role: "user", content: "one" });
      await settle();
      expect(calls).toBe(1);
      expect(others).toBe(1);
      expect(logged).toEqual([boom]);
      unsubscribe();
      offThrowing();
      chat.appendMessage({ role: "user", content: "two" });
      await chat.send("three");
      await settle();
      expect(calls).toBe(1);
      expect(others).toBeGreaterThan(1);
    } finally {
      console.error = original;
      offOther();
    }
    expect(() => chat.subscribe("nope" as never)).toThrow(/listener must be a function/);
  });

  it("stop() keeps the partial reply and goes back to ready, not error", async () => {
    const chat = new ChatSession(await wordsClient({ words: words(10), delayMs: 10, hangAfter: 3 }));
    const stream = chat.sendStream("Hello");
    let seen = 0;
    const iterated = (async () => {
      for await (const chunk of stream) {
        if (String(chunk) !== "") seen++;
        if (seen === 3) chat.stop();
      }
    })();
    await expect(iterated).rejects.toBeInstanceOf(RequestAbortedError);
    await expect(stream.final()).rejects.toBeInstanceOf(RequestAbortedError);
    const snapshot = chat.getSnapshot();
    expect(snapshot).toMatchObject({ status: "ready", error: undefined, pending: null });
    expect(snapshot.messages.map(messageText)).toEqual(["Hello", "w0 w1 w2 "]);
    chat.stop(); // idle: nothing to stop
    expect(chat.getSnapshot()).toBe(snapshot);
  });

  it("an error sets status and error until the next send", async () => {
    const chat = new ChatSession(
      await wordsClient({ words: ["fine"] }, [
        { status: 400, json: { error: { message: "bad model", code: "model_not_found" } } },
      ]),
    );
    await expect(chat.send("Hello")).rejects.toBeInstanceOf(ChatSessionError);
    const failed = chat.getSnapshot();
    expect(failed.status).toBe("error");
    expect(failed.error).toBeInstanceOf(ChatSessionError);
    expect(failed.error?.message).toBe("Bad status: 400: bad model (model_not_found)");
    chat.truncate(0);
    expect(await chat.send("Again")).toBe("fine");
    expect(chat.getSnapshot()).toMatchObject({ status: "ready", error: undefined });
  });

  it("setMessages keeps the shared start by identity and tells the observer only what changed", async () => {
    const calls: unknown[][] = [];
    const chat = new ChatSession(await wordsClient({ words: ["again"] }), {
      observer: {
        onAppend: (message, index) => calls.push(["append", messageText(message), index]),
        onTruncate: (length) => calls.push(["truncate", length]),
      },
    });
    chat.appendMessage(
      { role: "user", content: "a" },
      { role: "assistant", content: "b" },
      { role: "user", content: "c" },
    );
    calls.length = 0;
    const before = chat.getSnapshot();
    chat.setMessages([...chat.messages.slice(0, 2), { role: "user", content: "c, edited" }]);
    expect(calls).toEqual([
      ["truncate", 2],
      ["append", "c, edited", 2],
    ]);
    const after = chat.getSnapshot();
    expect(after.messages[0]).toBe(before.messages[0]);
    expect(after.messages[1]).toBe(before.messages[1]);
    expect(after.messages.map(messageText)).toEqual(["a", "b", "c, edited"]);
    expect(() => chat.setMessages([{ role: "robot" } as never])).toThrow(/setMessages: messages\[0\]/);
    // regenerate() drops the last reply and asks again; the snapshot follows.
    await chat.send("d");
    await chat.regenerate();
    expect(chat.getSnapshot().messages.map(messageText)).toEqual(["a", "b", "c, edited", "d", "again"]);
  });

  it("refuses a bad notifyIntervalMs", async () => {
    const client = await wordsClient();
    expect(() => new ChatSession(client, { notifyIntervalMs: -1 })).toThrow(/notifyIntervalMs/);
  });
});

describe("ResponsesChatSession live view", () => {
  it("streams its reply as a pending partial turn, and keeps turns by identity", async () => {
    const session = new ResponsesChatSession(await wordsClient({ words: words(6), delayMs: 10 }), {
      notifyIntervalMs: 0,
    });
    const { heard, unsubscribe } = record<ResponsesSnapshot>(session);
    await session.send("Hello", () => {});
    await settle();
    const afterFirst = session.getSnapshot();
    expect(afterFirst.messages.map(messageText)).toEqual(["Hello", words(6).join("")]);
    const partials = heard.filter((s) => s.pending).map((s) => s.pending);
    expect(partials.length).toBeGreaterThan(0);
    expect(partials.every((p) => p?.kind === "partial")).toBe(true);
    await session.send("Again", () => {});
    const afterSecond = session.getSnapshot();
    expect(afterSecond.messages[0]).toBe(afterFirst.messages[0]);
    expect(afterSecond.messages[1]).toBe(afterFirst.messages[1]);
    unsubscribe();

    // setMessages back to the first exchange: the chain goes back to its response.
    session.setMessages(afterFirst.messages);
    expect(session.turns).toHaveLength(2);
    expect(session.currentResponseId).toBe(session.responseHistory.at(-1)?.id);
    expect(session.responseHistory).toHaveLength(1);
  });

  it("stop() keeps the partial turn and is ready afterwards", async () => {
    const session = new ResponsesChatSession(
      await wordsClient({ words: words(10), delayMs: 10, hangAfter: 2 }),
    );
    const stream = session.sendStream("Hello");
    let seen = 0;
    const iterated = (async () => {
      for await (const _chunk of stream) if (++seen === 2) session.stop();
    })();
    await expect(iterated).rejects.toBeInstanceOf(RequestAbortedError);
    await expect(stream.final()).rejects.toBeInstanceOf(RequestAbortedError);
    const snapshot = session.getSnapshot();
    expect(snapshot).toMatchObject({ status: "ready", pending: null, error: undefined });
    expect(snapshot.messages.at(-1)).toEqual({ kind: "partial", text: "w0 w1 ", reason: "aborted" });
  });
});

describe("messageText", () => {
  it("reads every message shape", () => {
    expect(messageText({ role: "user", content: "plain" })).toBe("plain");
    expect(
      messageText({
        role: "user",
        content: [
          { type: "text", text: "two " },
          { type: "image_url", image_url: { url: "data:," } },
          { type: "text", text: "parts" },
        ],
      }),
    ).toBe("two parts");
    expect(messageText({ role: "assistant", content: null, tool_calls: [] })).toBe("");
    expect(messageText({ role: "assistant", content: null, refusal: "I can't." })).toBe("I can't.");
    expect(messageText({ kind: "input", input: "hi" })).toBe("hi");
    expect(
      messageText({
        kind: "input",
        input: [
          { role: "user", content: [{ type: "input_text", text: "first" }] },
          { role: "user", content: "second" },
        ],
      }),
    ).toBe("first\nsecond");
    expect(
      messageText({
        kind: "response",
        response: {
          id: "r",
          object: "response",
          output: [{ type: "message", content: [{ type: "output_text", text: "out" }] }],
        } as never,
      }),
    ).toBe("out");
    expect(messageText({ kind: "partial", text: "so far" })).toBe("so far");
    expect(messageText(null)).toBe("");
  });
});
