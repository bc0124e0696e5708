// The same React chat page with the Vercel AI SDK: @ai-sdk/react's useChat, calling the model from the
// page through ai's DirectChatTransport and @ai-sdk/openai (no server route), one send, Stop. It keeps
// no history across reloads (the oaikit page stores it in IndexedDB).
import { createOpenAI } from "@ai-sdk/openai";
import { useChat } from "@ai-sdk/react";
import { DirectChatTransport, ToolLoopAgent } from "ai";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

function Chat({ transport }) {
  const { messages, status, sendMessage, stop } = useChat({ transport });
  return createElement(
    "main",
    null,
    ...messages.map((m) =>
      createElement(
        "p",
        { key: m.id },
        m.parts.map((part) => (part.type === "text" ? part.text : "")),
      ),
    ),
    createElement(
      "button",
      { type: "button", onClick: () => sendMessage({ text: "Hi" }), disabled: status === "streaming" },
      "Send",
    ),
    createElement("button", { type: "button", onClick: stop }, "Stop"),
  );
}

export function run(element, baseURL) {
  const openai = createOpenAI({ apiKey: "sk-...", baseURL });
  const agent = new ToolLoopAgent({ model: openai.chat("gpt-4.1") });
  const transport = new DirectChatTransport({ agent });
  createRoot(element).render(createElement(Chat, { transport }));
}
