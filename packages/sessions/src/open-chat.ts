import {
  type ChatMessage,
  ChatSession,
  type ChatSessionOptions,
  type ChatSnapshot,
  messageText,
  type SessionClient,
} from "@oaikit/core";
import {
  createDurable,
  type Durable,
  type DurableControls,
  type DurableOptions,
  type DurableSnapshotFields,
  openStored,
  withControls,
} from "./durable.js";
import type { IncompleteReason } from "./schema.js";

/** Options of {@link openChatSession}: the core `ChatSession` options (except `messages`/`observer`) and the store's. */
export interface OpenChatSessionOptions
  extends Omit<ChatSessionOptions, "messages" | "observer">,
    DurableOptions {}

/** A durable chat session's snapshot: the core one, with each message's stored state and the title. */
export type DurableChatSnapshot = ChatSnapshot & DurableSnapshotFields;

/** A core `ChatSession` whose history is restored from a store on open and saved as it changes. */
export type DurableChatSession = ChatSession<DurableChatSnapshot> & DurableControls;

/** The core session with the durable part in its snapshot. */
class StoredChatSession extends ChatSession<DurableChatSnapshot> {
  readonly #durable: Durable;
  constructor(client: SessionClient, options: ChatSessionOptions, durable: Durable) {
    super(client, options);
    this.#durable = durable;
    durable.attach(() => this.snapshotChanged());
  }
  protected override snapshotExtras(messages: readonly ChatMessage[]): DurableSnapshotFields {
    return this.#durable.extras(messages);
  }
  protected override snapshotWatched(active: boolean): void {
    this.#durable.watched(active);
  }
}

/**
 * Opens (or creates) the stored Chat Completions session `id`: reads it first, builds a core
 * `ChatSession` with the stored history, and saves every change (one record per message; streamed replies
 * at most every `partialWriteIntervalMs` and when they end). Nothing is written before the stored state has
 * been read, and no client setting or key is ever stored.
 *
 * ```ts
 * const chat = await openChatSession(client, { id: "support-42", model: "gpt-4.1-mini" });
 * await chat.send("Hello", (chunk) => render(String(chunk)));
 * ```
 */
export async function openChatSession(
  client: SessionClient,
  options: OpenChatSessionOptions,
): Promise<DurableChatSession> {
  const { store, stored, sessionOptions } = await openStored(options, "chat");
  let session: ChatSession<DurableChatSnapshot> | undefined;
  const durable = createDurable({ ...options, store }, stored, {
    kind: "chat",
    busy: () => session?.busy ?? false,
    items: () => session!.messages,
    restore: (_fresh, items) => session!.setMessages(items as ChatMessage[]),
  });
  session = new StoredChatSession(
    client,
    {
      ...sessionOptions,
      messages: stored?.records.map((r) => r.item as ChatMessage) ?? [],
      // The writer keeps references and copies them when it writes (a streamed reply: at the batching
      // interval, not per chunk). Core builds a new message object per chunk, so a reference is a snapshot.
      observer: {
        onAppend: durable.guard((message: ChatMessage, index: number) => {
          durable.writer().append(index, message);
          if (message.role === "user") durable.autoTitle(messageText(message));
        }),
        onPartial: durable.guard((message: ChatMessage, index: number) => {
          durable.writer().partial(index, message);
        }),
        onIncomplete: durable.guard((message: ChatMessage, index: number, reason: IncompleteReason) => {
          durable.writer().incomplete(index, message, reason);
        }),
        onTruncate: durable.guard((length: number) => {
          durable.writer().truncate(length);
        }),
      },
    },
    durable,
  );
  return withControls(session, durable.controls);
}
