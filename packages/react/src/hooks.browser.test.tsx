// The React hooks in Chromium (Vitest browser mode, vitest-browser-react), against the one fake server's
// words model and IndexedDB: streaming renders (each render caused by a change), Stop keeps the partial,
// a remount restores from the store, switching ids closes the old session, StrictMode's double mount
// opens one writer, a tool run shows its steps, and the session list follows commits.
import { type ChatMessage, ChatSession, type Client, createClient, messageText } from "@oaikit/core";
import { runTools, tool } from "@oaikit/core/tools";
import {
  createIndexedDbStore,
  type DurableChatSession,
  type DurableChatSnapshot,
  type SessionStore,
} from "@oaikit/sessions";
import { StrictMode, useState } from "react";
import { describe, expect, inject, it } from "vitest";
import { render } from "vitest-browser-react";
import * as z from "zod";
import { type UseChatResult, useChat, useChatSession, useSessionList } from "./index.js";

type ChatHook = UseChatResult<DurableChatSession, DurableChatSnapshot, ChatMessage, string | ChatMessage>;

/** A client on a fresh scenario of the words model. */
async function wordsClient(words: { words?: string[]; delayMs?: number; hangAfter?: number }) {
  const server = inject("testServerUrl");
  const res = await fetch(`${server}/scenarios`, { method: "POST", body: JSON.stringify({ words }) });
  const { basePath } = (await res.json()) as { basePath: string };
  return createClient(undefined, { baseURL: `${server}${basePath}`, maxRetries: 0 });
}

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
let db = 0;
/** A fresh IndexedDB store that counts how often a session is opened (each open loads it once). */
function countingStore(): SessionStore & { loads: number } {
  const inner = createIndexedDbStore({ dbName: `react-hooks-${Date.now()}-${++db}` });
  const store = Object.create(inner) as SessionStore & { loads: number };
  store.loads = 0;
  store.load = (id: string) => {
    store.loads++;
    return inner.load(id);
  };
  return store;
}

function Chat(props: {
  client: Client;
  id: string;
  store: SessionStore;
  onRender?: (state: ChatHook) => void;
  sessions?: DurableChatSession[];
}) {
  const state = useChat({ client: props.client, id: props.id, store: props.store });
  props.onRender?.(state);
  if (state.session && props.sessions && !props.sessions.includes(state.session))
    props.sessions.push(state.session);
  return (
    <div>
      <p data-testid="status">{state.session ? state.status : "opening"}</p>
      <p data-testid="title">{state.title}</p>
      <ol>
        {state.messages.map((message, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the history is append-only in this test
          <li key={i} data-testid={`message-${i}`} data-state={state.states[i]?.status}>
            {message.role}: {messageText(message)}
          </li>
        ))}
      </ol>
      <p data-testid="pending">{state.pending ? messageText(state.pending) : ""}</p>
      <button type="button" onClick={() => state.send("Hello")}>
        Send
      </button>
      <button type="button" onClick={() => state.stop()}>
        Stop
      </button>
    </div>
  );
}

function Opened(props: { client: Client; id: string; store: SessionStore; kind: "chat" | "responses" }) {
  const state = useChat({
    client: props.client,
    id: props.id,
    store: props.store,
    kind: props.kind as "chat",
  });
  return (
    <p data-testid="opened">
      {state.status} {state.error?.message ?? ""} {state.session ? "open" : "closed"}{" "}
      {state.session && "turns" in state.session ? "responses" : "chat"}
    </p>
  );
}

function Switcher(props: { client: Client; store: SessionStore; sessions: DurableChatSession[] }) {
  const [id, setId] = useState("first");
  return (
    <>
      <button type="button" onClick={() => setId("second")}>
        Switch
      </button>
      <Chat client={props.client} id={id} store={props.store} sessions={props.sessions} />
    </>
  );
}

function Roles({ chat }: { chat: ChatSession }) {
  const { messages, status } = useChatSession(chat);
  return (
    <div>
      <p data-testid="status">{status}</p>
      <p data-testid="roles">{messages.map((m) => m.role).join(" ")}</p>
    </div>
  );
}

function List({ store }: { store: SessionStore }) {
  const sessions = useSessionList(store);
  return <p data-testid="list">{sessions.map((s) => `${s.id}:${s.title}:${s.messageCount}`).join(" | ")}</p>;
}

describe("useChat", () => {
  it("renders the reply as it streams, each render caused by a change, and restores after a remount", async () => {
    const client = await wordsClient({ words: words(20), delayMs: 10 });
    const store = countingStore();
    const seen: ChatHook[] = [];
    const screen = await render(<Chat client={client} id="a" store={store} onRender={(s) => seen.push(s)} />);
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
    await screen.getByRole("button", { name: "Send" }).click();
    await expect
      .element(screen.getByTestId("message-1"))
      .toHaveTextContent(`assistant: ${words(20).join("").trim()}`);
    // The pending text grew over several renders while the reply streamed.
    const partials = new Set(seen.map((s) => messageText(s.pending)).filter((text) => text !== ""));
    expect(partials.size).toBeGreaterThan(2);
    // No two consecutive renders saw the same state: every render was caused by a change.
    const fields = ["session", "messages", "pending", "status", "error", "states", "title"] as const;
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(fields.every((field) => a[field] === b[field])).toBe(false);
    }
    await expect.element(screen.getByTestId("title")).toHaveTextContent("Hello");
    await screen.unmount();
    // Mounted again: the conversation comes back from IndexedDB.
    const again = await render(<Chat client={client} id="a" store={store} />);
    await expect
      .poll(() => again.getByTestId("message-1").query()?.textContent)
      .toBe(`assistant: ${words(20).join("")}`);
    await expect.element(again.getByTestId("message-1")).toHaveAttribute("data-state", "complete");
  });

  it("Stop keeps the partial reply, marked incomplete", async () => {
    const client = await wordsClient({ words: words(30), delayMs: 20, hangAfter: 4 });
    const store = countingStore();
    const screen = await render(<Chat client={client} id="stop" store={store} />);
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
    await screen.getByRole("button", { name: "Send" }).click();
    await expect.element(screen.getByTestId("pending")).toHaveTextContent("w0 w1 w2 w3");
    await screen.getByRole("button", { name: "Stop" }).click();
    await expect.element(screen.getByTestId("message-1")).toHaveTextContent("assistant: w0 w1 w2 w3");
    await expect.element(screen.getByTestId("message-1")).toHaveAttribute("data-state", "incomplete");
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
  });

  it("StrictMode's double mount opens one writer; switching ids closes the old session", async () => {
    const client = await wordsClient({ words: ["Hi"] });
    const store = countingStore();
    const sessions: DurableChatSession[] = [];
    const screen = await render(
      <StrictMode>
        <Switcher client={client} store={store} sessions={sessions} />
      </StrictMode>,
    );
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
    expect(store.loads).toBe(1);
    expect(sessions).toHaveLength(1);
    await screen.getByRole("button", { name: "Send" }).click();
    await expect.element(screen.getByTestId("message-1")).toHaveTextContent("assistant: Hi");
    await screen.getByRole("button", { name: "Switch" }).click();
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
    await expect.element(screen.getByTestId("message-0")).not.toBeInTheDocument();
    expect(store.loads).toBe(2);
    expect(sessions).toHaveLength(2);
    // The first session was closed: it refuses to reload.
    await expect
      .poll(() =>
        sessions[0]!.refresh().then(
          () => "open",
          (e: Error) => e.message,
        ),
      )
      .toMatch(/closed/);
    await expect(sessions[1]!.refresh()).resolves.toBe(false);
  });
});

describe("useChat: opening", () => {
  it("a failed open is an error state (no session); a Responses session opens with kind", async () => {
    const client = await wordsClient({ words: ["Hi"] });
    const failing = countingStore();
    failing.load = () => Promise.reject(new Error("the disk is on fire"));
    const screen = await render(<Opened client={client} id="x" store={failing} kind="chat" />);
    await expect
      .element(screen.getByTestId("opened"))
      .toHaveTextContent("error the disk is on fire closed chat");
    await screen.unmount();
    const store = countingStore();
    const ok = await render(<Opened client={client} id="r" store={store} kind="responses" />);
    await expect.element(ok.getByTestId("opened")).toHaveTextContent("ready open responses");
  });
});

describe("useChatSession", () => {
  it("shows a tool run's steps as they happen, streaming until the answer", async () => {
    const client = createClient(undefined, { baseURL: `${inject("demoServerUrl")}/v1`, maxRetries: 0 });
    const chat = new ChatSession(client);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const weather = tool({
      name: "get_weather",
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        await gate;
        return `sunny in ${city}`;
      },
    });
    const time = tool({
      name: "get_time",
      parameters: z.object({ city: z.string() }),
      execute: () => "noon",
    });
    const screen = await render(<Roles chat={chat} />);
    const run = runTools(client, {
      session: chat,
      input: "What are the weather and the time in Paris?",
      tools: [weather, time],
      stream: true,
    });
    // The first step is in the snapshot while its tools run: the session is still streaming.
    await expect.element(screen.getByTestId("roles")).toHaveTextContent("user assistant");
    await expect.element(screen.getByTestId("status")).toHaveTextContent("streaming");
    release();
    await run;
    await expect.element(screen.getByTestId("roles")).toHaveTextContent("user assistant tool tool assistant");
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
  });
});

describe("useSessionList", () => {
  it("lists the stored sessions newest first and follows commits", async () => {
    const client = await wordsClient({ words: ["Hi"] });
    const store = countingStore();
    const screen = await render(
      <>
        <List store={store} />
        <Chat client={client} id="listed" store={store} />
      </>,
    );
    await expect.element(screen.getByTestId("status")).toHaveTextContent("ready");
    await screen.getByRole("button", { name: "Send" }).click();
    await expect.element(screen.getByTestId("list")).toHaveTextContent("listed:Hello:2");
  });
});
