// A React chat page with oaikit: useChat (a durable session in IndexedDB, its snapshot store, one writer
// under StrictMode), messages and the streamed reply rendered, one send, Stop.
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { createClient, messageText } from "../../../packages/core/dist/index.js";
import { useChat } from "../../../packages/react/dist/index.js";

function Chat({ client }) {
  const { messages, pending, status, send, stop } = useChat({ client, id: "page" });
  return createElement(
    "main",
    null,
    ...messages.map((m, i) => createElement("p", { key: i }, messageText(m))),
    pending && createElement("p", null, messageText(pending)),
    createElement(
      "button",
      { type: "button", onClick: () => send("Hi"), disabled: status === "streaming" },
      "Send",
    ),
    createElement("button", { type: "button", onClick: stop }, "Stop"),
  );
}

export function run(element, baseURL) {
  const client = createClient(undefined, { baseURL });
  createRoot(element).render(createElement(Chat, { client }));
}
