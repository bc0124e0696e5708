// The live-view bench's page (bundled by run.mjs with production React): a ChatSession with `history`
// messages rendered in React while a reply of many small chunks streams, either through
// `useChatSession` (the snapshot store) or by copying the history into React state on every chunk.
import { createElement as h, memo, useState } from "react";
import { createRoot } from "react-dom/client";
import { ChatSession, createClient, messageText } from "../../packages/core/dist/index.js";
import { useChatSession } from "../../packages/react/dist/index.js";

/** The history: re-rendered only when `messages` is a new array (the way a chat UI memoises its list). */
const History = memo(function History({ messages }) {
  return h(
    "ol",
    null,
    messages.map((message, i) => h("li", { key: i }, messageText(message))),
  );
});

function Live({ chat, counter }) {
  const { messages, pending } = useChatSession(chat);
  counter.renders++;
  return h("div", null, h(History, { messages }), h("p", null, messageText(pending)));
}

function CopyPerChunk({ chat, counter, setter }) {
  const [messages, setMessages] = useState(chat.messages);
  setter.current = setMessages;
  counter.renders++;
  return h("div", null, h(History, { messages }));
}

const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

let current;

/** Builds the session with `history` messages and renders it (not measured). */
globalThis.setup = async ({ baseURL, history, variant }) => {
  const client = createClient(undefined, { baseURL });
  const messages = Array.from({ length: history }, (_, i) => ({
    role: i % 2 ? "assistant" : "user",
    content: `message ${i}`,
  }));
  const chat = new ChatSession(client, { messages });
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  const counter = { renders: 0 };
  const setter = { current: undefined };
  root.render(h(variant === "useChatSession" ? Live : CopyPerChunk, { chat, counter, setter }));
  await frame();
  await frame();
  current = { chat, root, container, counter, setter, variant };
};

/** Sends one message and streams the reply into the page (measured); then unmounts. */
globalThis.send = async () => {
  const { chat, root, container, counter, setter, variant } = current;
  counter.renders = 0;
  let chunks = 0;
  let text = "";
  const started = performance.now();
  await chat.send("Go", (chunk) => {
    chunks++;
    if (variant !== "useChatSession") {
      text += String(chunk);
      setter.current([...chat.messages, { role: "assistant", content: text }]);
    }
  });
  await frame();
  const wallMs = performance.now() - started;
  const renders = counter.renders;
  root.unmount();
  container.remove();
  return { chunks, renders, wallMs };
};
