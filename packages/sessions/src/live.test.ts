// The durable sessions' live view, in Node against the one fake server's words model: each message's
// stored state and the title in the snapshot, rename() before the first commit, another handle's
// streamed reply seen live ("streaming elsewhere" with its batched text) and then complete with the
// unchanged messages kept by identity, an interrupted reply, and the heartbeat's expiry when a tab
// dies (two BroadcastChannels of one name talk to each other within a Node process).
import "fake-indexeddb/auto";
import { messageText, OpenAI } from "@oaikit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLlm } from "../test/llm.js";
import type { MessageState } from "./durable.js";
import { listSessions } from "./manage.js";
import { createMemoryStore } from "./memory-store.js";
import { type DurableChatSnapshot, openChatSession } from "./open-chat.js";
import { openResponsesChatSession } from "./open-responses.js";
import { ALIVE_MS, presenceOf } from "./presence.js";
import type { SessionStore } from "./store.js";

let server: Awaited<ReturnType<typeof startLlm>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startLlm();
  client = new OpenAI("sk-test", { baseURL: server.url, defaultModel: "test-model", maxRetries: 0 });
});
afterAll(() => server.close());

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
const until = async (check: () => boolean, what: string, ms = 5_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe("durable snapshots", () => {
  it("carry each message's state and the title; an unchanged states array keeps its identity", async () => {
    server.state.words = ["Hello", " there"];
    server.state.delayMs = 0;
    server.state.hangAfter = undefined;
    const store = createMemoryStore();
    const chat = await openChatSession(client, { id: "s1", store, notifyIntervalMs: 0 });
    expect(chat.getSnapshot()).toMatchObject({ messages: [], states: [], title: "", status: "ready" });
    await chat.send("First question\nwith a second line");
    const first = chat.getSnapshot();
    expect(first.title).toBe("First question");
    expect(first.states).toEqual([{ status: "complete" }, { status: "complete" }]);
    expect(Object.isFrozen(first.states)).toBe(true);
    // Aborted mid-stream: the partial reply is kept, its state says why.
    server.state.words = words(10);
    server.state.hangAfter = 2;
    const stream = chat.sendStream("Again");
    let seen = 0;
    await (async () => {
      for await (const _chunk of stream) if (++seen === 2) chat.stop();
    })().catch(() => {});
    const stopped = chat.getSnapshot();
    expect(stopped.messages.map(messageText)).toEqual([
      "First question\nwith a second line",
      "Hello there",
      "Again",
      "w0 w1 ",
    ]);
    expect(stopped.states.at(-1)).toEqual({ status: "incomplete", reason: "aborted" });
    expect(stopped.states.slice(0, 2)).toEqual(first.states);
    // A change of the title alone: a new snapshot, same messages.
    chat.rename("Renamed");
    const renamed = chat.getSnapshot();
    expect(renamed).not.toBe(stopped);
    expect(renamed.messages).toBe(stopped.messages);
    expect(renamed.title).toBe("Renamed");
    await chat.flush();
    expect((await listSessions({ store }))[0]?.title).toBe("Renamed");
    await chat.close();
  });

  it("rename() on a session with no message yet waits for its first commit (never an error)", async () => {
    server.state.words = ["Hi"];
    server.state.hangAfter = undefined;
    const store = createMemoryStore();
    const chat = await openChatSession(client, { id: "new", store });
    chat.rename("Planned trip");
    expect(chat.title).toBe("Planned trip");
    await chat.flush();
    expect(await listSessions({ store })).toEqual([]); // not created for a title alone
    await chat.send("Where should we go?");
    await chat.flush();
    expect((await listSessions({ store }))[0]).toMatchObject({
      id: "new",
      title: "Planned trip",
      messageCount: 2,
    });
    expect(() => chat.rename(5 as never)).toThrow(TypeError);
    await chat.close();
    const responses = await openResponsesChatSession(client, { id: "r-new", store });
    responses.rename("A Responses session");
    await responses.send("Hi");
    await responses.flush();
    expect((await listSessions({ store })).find((s) => s.id === "r-new")?.title).toBe("A Responses session");
    await responses.close();
  });
});

describe("following another handle", () => {
  async function twoHandles(store: SessionStore, id: string) {
    const writer = await openChatSession(client, { id, store, partialWriteIntervalMs: 20 });
    const reader = await openChatSession(client, { id, store, notifyIntervalMs: 0 });
    const heard: DurableChatSnapshot[] = [];
    const unsubscribe = reader.subscribe(() => heard.push(reader.getSnapshot()));
    return { writer, reader, heard, unsubscribe };
  }

  it("shows the other handle's reply streaming elsewhere with its batched text, then complete", async () => {
    server.state.words = ["Hi"];
    server.state.delayMs = 0;
    server.state.hangAfter = undefined;
    const store = createMemoryStore();
    const { writer, reader, heard, unsubscribe } = await twoHandles(store, "pair");
    await writer.send("One");
    await until(() => reader.getSnapshot().messages.length === 2, "the first exchange");
    const before = reader.getSnapshot();

    server.state.words = words(30);
    server.state.delayMs = 15;
    const done = writer.send("Two", () => {});
    await until(
      () =>
        reader.getSnapshot().states.at(-1)?.elsewhere === true &&
        messageText(reader.getSnapshot().messages.at(-1)) !== "",
      "the reply streaming elsewhere",
    );
    const live = reader.getSnapshot();
    expect(live.states.at(-1)).toEqual({ status: "streaming", elsewhere: true });
    expect(
      words(30)
        .join("")
        .startsWith(messageText(live.messages.at(-1))),
    ).toBe(true);
    // The exchange it had already is the same objects.
    expect(live.messages[0]).toBe(before.messages[0]);
    expect(live.messages[1]).toBe(before.messages[1]);
    await done;
    await until(() => reader.getSnapshot().states.at(-1)?.status === "complete", "the reply complete");
    const after = reader.getSnapshot();
    expect(after.messages.map(messageText)).toEqual(["One", "Hi", "Two", words(30).join("")]);
    expect(after.messages[0]).toBe(before.messages[0]);
    expect(after.messages.map(messageText)).toEqual(writer.messages.map(messageText));
    // The reader heard several growing versions of the partial text.
    const partialTexts = new Set(
      heard.filter((s) => s.states.at(-1)?.elsewhere).map((s) => messageText(s.messages.at(-1))),
    );
    expect(partialTexts.size).toBeGreaterThan(1);
    unsubscribe();
    await Promise.all([writer.close(), reader.close()]);
  });

  it("a reply whose writer was closed mid-stream reads as interrupted", async () => {
    server.state.words = words(20);
    server.state.delayMs = 10;
    server.state.hangAfter = 5;
    const store = createMemoryStore();
    const { writer, reader, unsubscribe } = await twoHandles(store, "cut");
    const sending = writer.send("Hello", () => {}).catch(() => {});
    await until(
      () => reader.getSnapshot().states.at(-1)?.elsewhere === true,
      "the reply streaming elsewhere",
    );
    await writer.close(); // the writer's tab goes away; its heartbeat ends with it
    await until(() => reader.getSnapshot().states.at(-1)?.reason === "interrupted", "interrupted");
    expect(reader.messageState(1)).toEqual({ status: "incomplete", reason: "interrupted" });
    writer.stop();
    await sending;
    unsubscribe();
    await reader.close();
  });

  it("a change committed while a reply streams here is loaded once the reply ends", async () => {
    server.state.words = words(8);
    server.state.delayMs = 10;
    server.state.hangAfter = undefined;
    const store = createMemoryStore();
    const { writer, reader, unsubscribe } = await twoHandles(store, "later");
    const streaming = reader.send("Mine", () => {});
    writer.appendMessage({ role: "system", content: "From the other handle" });
    await writer.flush();
    await streaming;
    await until(
      () => reader.getSnapshot().messages.some((m) => messageText(m) === "From the other handle"),
      "the other handle's message",
    );
    unsubscribe();
    await Promise.all([writer.close(), reader.close()]);
  });
});

describe("edits and Responses sessions", () => {
  it("setMessages on a durable session is stored as a truncation and appends", async () => {
    server.state.words = ["Hi"];
    server.state.delayMs = 0;
    server.state.hangAfter = undefined;
    const store = createMemoryStore();
    const chat = await openChatSession(client, { id: "edit", store });
    await chat.send("First");
    await chat.send("Second");
    const kept = chat.messages.slice(0, 2);
    chat.setMessages([...kept, { role: "user", content: "Second, edited" }]);
    await chat.flush();
    const again = await openChatSession(client, { id: "edit", store });
    expect(again.messages.map(messageText)).toEqual(["First", "Hi", "Second, edited"]);
    await Promise.all([chat.close(), again.close()]);
  });

  it("a Responses reader follows the writer's turns and keeps its unchanged turns by identity", async () => {
    server.state.words = ["Hello", " you"];
    server.state.delayMs = 0;
    server.state.hangAfter = undefined;
    const store = createMemoryStore();
    const writer = await openResponsesChatSession(client, { id: "resp", store });
    const reader = await openResponsesChatSession(client, { id: "resp", store, notifyIntervalMs: 0 });
    const unsubscribe = reader.subscribe(() => {});
    await writer.send("One");
    await writer.flush();
    await until(() => reader.getSnapshot().messages.length === 2, "the first exchange");
    const first = reader.getSnapshot();
    await writer.send("Two");
    await writer.flush();
    await until(() => reader.getSnapshot().messages.length === 4, "the second exchange");
    const second = reader.getSnapshot();
    expect(second.messages.map(messageText)).toEqual(["One", "Hello you", "Two", "Hello you"]);
    expect(second.messages[0]).toBe(first.messages[0]);
    expect(second.messages[1]).toBe(first.messages[1]);
    expect(reader.currentResponseId).toBe(writer.currentResponseId);
    expect(second.states).toEqual(Array(4).fill({ status: "complete" }));
    unsubscribe();
    await Promise.all([writer.close(), reader.close()]);
  });
});

describe("presence", () => {
  it("a tab that stops beating (closed, crashed) is no longer live after ALIVE_MS", async () => {
    const store = { channelName: `presence-test-${Math.random()}` } as SessionStore;
    const presence = presenceOf(store);
    const changes: boolean[] = [];
    const unwatch = presence.watch(() => changes.push(presence.isLive("s", 3, "me")));
    // Another "tab": one heartbeat on the channel, then nothing.
    const other = new BroadcastChannel(`${store.channelName}:live`);
    other.postMessage({ type: "beat", id: "s", seq: 3, source: "other-tab" });
    await until(() => changes.length === 1, "the heartbeat");
    expect(changes).toEqual([true]);
    await until(() => changes.length === 2, "the expiry", ALIVE_MS + 2_000);
    expect(changes).toEqual([true, false]);
    // Asked who streams "s", a streaming tab answers at once.
    const answering = new BroadcastChannel(`${store.channelName}:live`);
    answering.onmessage = (message: MessageEvent<{ type: string }>) => {
      if (message.data.type === "ask") answering.postMessage({ type: "beat", id: "s", seq: 4, source: "t" });
    };
    await presence.ask("s");
    expect(presence.isLive("s", 4, "me")).toBe(true);
    unwatch();
    other.close();
    answering.close();
  }, 10_000);

  it("states of handles in one page: the streaming one and the others", async () => {
    const state: MessageState = { status: "streaming", elsewhere: true };
    const store = createMemoryStore();
    presenceOf(store).streaming("x", 0, "writer-handle");
    expect(presenceOf(store).isLive("x", 0, "reader-handle")).toBe(true);
    expect(presenceOf(store).isLive("x", 0, "writer-handle")).toBe(false);
    presenceOf(store).ended("writer-handle");
    expect(presenceOf(store).isLive("x", 0, "reader-handle")).toBe(false);
    expect(state.elsewhere).toBe(true);
  });
});
