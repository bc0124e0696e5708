import type { Client } from "@oaikit/core";
import { useSessionList } from "@oaikit/react";
import { useState } from "react";
import { Conversation } from "./Conversation.tsx";

/** The conversation list (newest first, live across tabs) and the open conversation. */
export function App({ client }: { client: Client }) {
  const sessions = useSessionList();
  const [id, setId] = useState(() => location.hash.slice(1) || crypto.randomUUID());
  const open = (next: string) => {
    history.replaceState(null, "", `#${next}`);
    setId(next);
  };
  return (
    <>
      <nav aria-label="Conversations">
        <button type="button" onClick={() => open(crypto.randomUUID())}>
          + New chat
        </button>
        {sessions.map((session) => (
          <button
            key={session.id}
            type="button"
            aria-current={session.id === id}
            onClick={() => open(session.id)}
          >
            {session.title || "New chat"} ({session.messageCount})
          </button>
        ))}
      </nav>
      <Conversation client={client} id={id} />
    </>
  );
}
