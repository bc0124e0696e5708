import { type ChatMessage, type Client, messageText } from "@oaikit/core";
import { runTools } from "@oaikit/core/tools";
import { useChat } from "@oaikit/react";
import { type FormEvent, useState } from "react";
import { weatherTools } from "./tools.ts";

/** An assistant message's tool calls, as `name()` (it has no text of its own). */
function toolCalls(message: ChatMessage): string {
  if (message.role !== "assistant") return "";
  return (message.tool_calls ?? []).map((call) => `${call.function?.name}()`).join(" ");
}

/** One durable conversation: its messages, the reply as it streams, Stop, a title to edit, a tool run. */
export function Conversation({ client, id }: { client: Client; id: string }) {
  const { session, messages, states, pending, status, error, title, send, stop, regenerate } = useChat({
    client,
    id,
  });
  const [draft, setDraft] = useState("");
  const busy = status === "streaming";
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim() || busy) return;
    send(draft);
    setDraft("");
  };
  const askWithTools = () => {
    if (!session || busy || !draft.trim()) return;
    // The run holds the session: its steps (calls, results) appear in `messages` as they happen.
    // Its errors show in the snapshot (`status: "error"`), like a send's.
    runTools(client, { session, input: draft, tools: weatherTools, stream: true });
    setDraft("");
  };
  return (
    <main>
      <input
        aria-label="Title"
        value={title}
        placeholder="Untitled"
        onChange={(event) => session?.rename(event.target.value)}
      />
      <p aria-live="polite" data-testid="status">
        {session ? status : "opening"}
      </p>
      <ol>
        {messages.map((message, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: a message's place is its identity in a chat
            key={i}
            data-role={message.role}
            data-state={states[i]?.elsewhere ? "elsewhere" : states[i]?.status}
            data-reason={states[i]?.reason}
          >
            <b>{message.role}:</b> {messageText(message) || toolCalls(message)}
          </li>
        ))}
        {pending && (
          <li className="pending" data-role="pending">
            <b>assistant:</b> {messageText(pending)}
          </li>
        )}
      </ol>
      {error && <p role="alert">{error.message}</p>}
      <form onSubmit={submit}>
        <input aria-label="Message" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" disabled={!session || busy}>
          Send
        </button>
        <button type="button" onClick={askWithTools} disabled={!session || busy}>
          Ask with tools
        </button>
        <button type="button" onClick={stop} disabled={!busy}>
          Stop
        </button>
        <button
          type="button"
          onClick={() => regenerate()}
          disabled={!session || busy || messages.length === 0}
        >
          Regenerate
        </button>
      </form>
    </main>
  );
}
