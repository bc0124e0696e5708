/**
 * Everything the page asks of the SDK, in one module: the client (@oaikit/core), the durable
 * conversations and the conversation list (@oaikit/sessions), and the reading of typed errors.
 * The UI never makes an HTTP request or parses a stream itself.
 */
import {
  APIError,
  type ChatMessage,
  ChatSessionError,
  ConnectionError,
  getOutputText,
  OpenAI,
  RequestAbortedError,
  ResponsesSessionError,
  type ResponsesTurn,
  StreamError,
  StreamTruncatedError,
  TimeoutError,
} from "@oaikit/core";
import {
  createIndexedDbStore,
  type DurableChatSession,
  type DurableResponsesChatSession,
  deleteSession,
  exportSessions,
  importSessions,
  listSessions,
  openChatSession,
  openResponsesChatSession,
  renameSession,
  type SessionStore,
  type SessionSummary,
  titleFrom,
  watchSessions,
} from "@oaikit/sessions";
import {
  createRemoteStore,
  createSyncedStore,
  type SyncedStore,
  type SyncStatus,
} from "@oaikit/sessions/sync";
import type { ApiKind } from "./settings.ts";

/** The conversations of the demo live in their own IndexedDB database. */
const local = createIndexedDbStore({ dbName: "oaikit-demo" });
/** Where conversations are read and written: IndexedDB, or IndexedDB synced to the local server. */
let store: SessionStore = local;
let synced: SyncedStore | undefined;

export type { SyncStatus };

/**
 * Turns sync to the local server on (`url`, `token`) or off. IndexedDB stays the local copy either way;
 * with sync on, changes are pushed as they are written and other devices' changes pulled. Reopen open
 * conversations and re-watch the list after a switch (they hold the store they were opened with).
 */
export function useSync(
  target: { url: string; token: string } | undefined,
  onStatus?: (status: SyncStatus) => void,
): void {
  synced?.close();
  synced = undefined;
  store = local;
  if (!target) return;
  synced = createSyncedStore({
    local,
    remote: createRemoteStore(target),
    name: `oaikit-demo:${target.url}`,
  });
  store = synced;
  if (onStatus) {
    synced.onStatus(onStatus);
    onStatus(synced.status);
  }
}

/** Syncs everything now (no-op without sync). */
export async function syncNow(): Promise<void> {
  await synced?.sync();
}

/** Where and how requests go. */
export interface ClientSettings {
  apiKey: string;
  baseURL: string;
  model: string;
}

/** Token counts of one reply, when the server reports them. */
export interface Usage {
  input: number;
  output: number;
  total: number;
}

/** One message as the page shows it. `index` is its position in the stored history. */
export interface DisplayMessage {
  index: number;
  role: "user" | "assistant" | "tool";
  text: string;
  state: "complete" | "streaming" | "incomplete";
  /** Why an incomplete reply stopped: `aborted`, `error`, `truncated`, or `interrupted` (page closed while streaming). */
  reason?: string;
  /** A tool call the model made, as `name(arguments)`. */
  toolCall?: string;
}

/** A reply being streamed: its text so far arrives through `onText`; `abort()` stops it. */
export interface ReplyHandle {
  abort(): void;
  /** Resolves when the reply ended (finished, stopped or failed); the error, if any, is in `error`. */
  done: Promise<{ error?: unknown }>;
}

/** A stored conversation, open in this page. */
export interface Conversation {
  readonly id: string;
  readonly kind: ApiKind;
  readonly busy: boolean;
  messages(): DisplayMessage[];
  send(text: string, onText: (text: string) => void, onUsage: (usage: Usage) => void): ReplyHandle;
  regenerate(onText: (text: string) => void, onUsage: (usage: Usage) => void): ReplyHandle;
  /** Replaces the user message at `index` with `text`, drops what followed, and answers again. */
  edit(
    index: number,
    text: string,
    onText: (text: string) => void,
    onUsage: (usage: Usage) => void,
  ): ReplyHandle;
  /** Calls `listener` when another tab changed this conversation. */
  onChange(listener: () => void): () => void;
  /** Reloads the history from the store; false when nothing changed. */
  refresh(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The client for these settings. No key: no Authorization header (the local server needs none).
 * One retry only: a person is waiting, and the error says what to do.
 */
export function createClient(settings: ClientSettings): OpenAI {
  return new OpenAI(settings.apiKey || undefined, {
    baseURL: settings.baseURL,
    defaultModel: settings.model,
    maxRetries: 1,
    firstByteTimeout: 60_000,
    idleTimeout: 30_000,
  });
}

/** The usage of the last reply of a session, in the page's terms (undefined when the server sent none). */
function usageOf(session: DurableChatSession | DurableResponsesChatSession): Usage | undefined {
  if ("lastCompletion" in session) {
    const u = session.lastCompletion?.usage;
    return u ? { input: u.prompt_tokens, output: u.completion_tokens, total: u.total_tokens } : undefined;
  }
  const u = session.responseHistory.at(-1)?.usage as Record<string, number> | null | undefined;
  return u
    ? { input: u.input_tokens ?? 0, output: u.output_tokens ?? 0, total: u.total_tokens ?? 0 }
    : undefined;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: string; text?: string }) => (typeof part?.text === "string" ? part.text : ""))
    .join("");
}

/** Runs one streamed reply: forwards the text as it grows, resolves when it ended. */
function run(
  start: () => AsyncIterable<{ content?: string }> & { abort(): void },
  onText: (text: string) => void,
  onEnd: () => void,
): ReplyHandle {
  let stream: (AsyncIterable<{ content?: string }> & { abort(): void }) | undefined;
  let abortedEarly = false;
  const done = (async () => {
    try {
      stream = start();
      if (abortedEarly) stream.abort();
      let text = "";
      for await (const chunk of stream) {
        text += chunk.content ?? "";
        onText(text);
      }
      onEnd();
      return {};
    } catch (error) {
      return { error };
    }
  })();
  return {
    abort() {
      if (stream) stream.abort();
      else abortedEarly = true;
    },
    done,
  };
}

function stateOf(session: DurableChatSession | DurableResponsesChatSession, index: number) {
  const state = session.messageState(index);
  if (!state || state.status === "complete") return { state: "complete" as const };
  return state.reason ? { state: state.status, reason: state.reason } : { state: state.status };
}

/**
 * A {@link Conversation} over a durable session of either kind: replies, edits and the lifecycle go
 * straight to the session (the same calls for both); only how its history reads (`messages`) differs.
 */
function conversationOver(
  id: string,
  kind: ApiKind,
  session: DurableChatSession | DurableResponsesChatSession,
  messages: () => DisplayMessage[],
): Conversation {
  const reportTo = (onUsage: (usage: Usage) => void) => () => {
    const usage = usageOf(session);
    if (usage) onUsage(usage);
  };
  return {
    id,
    kind,
    get busy() {
      return session.busy;
    },
    messages,
    send: (text, onText, onUsage) => run(() => session.sendStream(text), onText, reportTo(onUsage)),
    regenerate: (onText, onUsage) => run(() => session.regenerateStream(), onText, reportTo(onUsage)),
    edit: (index, text, onText, onUsage) =>
      run(
        () => {
          session.truncate(index);
          return session.sendStream(text);
        },
        onText,
        reportTo(onUsage),
      ),
    onChange: (listener) => session.onChange(listener),
    refresh: () => session.refresh(),
    close: () => session.close(),
  };
}

/** Opens (or creates) a stored conversation with a client. */
export async function openConversation(
  client: OpenAI,
  id: string,
  kind: ApiKind,
  model: string,
): Promise<Conversation> {
  if (kind === "chat") {
    const session = await openChatSession(client, {
      id,
      store,
      model,
    });
    return conversationOver(id, kind, session, () =>
      session.messages.flatMap((m: ChatMessage, index): DisplayMessage[] => {
        if (m.role === "system" || m.role === "developer") return [];
        const calls = m.role === "assistant" ? m.tool_calls : undefined;
        const toolCall = calls?.map((c) => `${c.function.name}(${c.function.arguments})`).join("\n");
        return [
          {
            index,
            role: m.role === "user" ? "user" : m.role === "assistant" ? "assistant" : "tool",
            text: textOf(m.content),
            ...stateOf(session, index),
            ...(toolCall ? { toolCall } : {}),
          },
        ];
      }),
    );
  }

  const session = await openResponsesChatSession(client, { id, store, model });
  return conversationOver(id, kind, session, () =>
    session.turns.map((turn: ResponsesTurn, index): DisplayMessage => {
      if (turn.kind === "input") {
        const input = turn.input;
        const text =
          typeof input === "string"
            ? input
            : input.map((item) => textOf((item as { content?: unknown }).content)).join("\n");
        return { index, role: "user", text, state: "complete" };
      }
      if (turn.kind === "partial") {
        return {
          index,
          role: "assistant",
          text: turn.text,
          state: "incomplete",
          reason: turn.reason ?? "interrupted",
        };
      }
      const calls = (turn.response.output ?? [])
        .filter((item: { type?: string }) => item.type === "function_call")
        .map((item) => {
          const call = item as { name?: string; arguments?: string };
          return `${call.name}(${call.arguments})`;
        })
        .join("\n");
      return {
        index,
        role: "assistant",
        text: getOutputText(turn.response),
        ...stateOf(session, index),
        ...(calls ? { toolCall: calls } : {}),
      };
    }),
  );
}

/**
 * The title a conversation gets from its first user message, by the rule the store applies: for a
 * header that must not wait for that title to be written and the list to be read again.
 */
export function titleOf(conversation: Conversation): string {
  const first = conversation.messages().find((m) => m.role === "user");
  return first ? titleFrom(first.text) : "";
}

/** The stored conversations, most recent first. */
export function listConversations(): Promise<SessionSummary[]> {
  return listSessions({ store });
}

/** Calls `listener` whenever any conversation changes, in this tab or another. */
export function watchConversations(listener: () => void): () => void {
  return watchSessions(store, listener);
}

/** Renames a conversation. */
export function renameConversation(id: string, title: string): Promise<void> {
  return renameSession(id, title, { store });
}

/** Deletes a conversation and its messages. */
export function deleteConversation(id: string): Promise<void> {
  return deleteSession(id, { store });
}

/** All conversations as a JSON text (history and titles only: never a key or a setting). */
export async function exportConversations(): Promise<string> {
  return JSON.stringify(await exportSessions({ store }), null, 2);
}

/** Imports an export; conversations that already exist are kept. Returns how many were added. */
export async function importConversations(json: string): Promise<number> {
  return (await importSessions(json, { store, onConflict: "skip" })).length;
}

/** What went wrong with a reply, in words, and what to do about it. */
export interface ErrorAdvice {
  /** `stopped` is the user's own Stop: shown quietly, not as an error. */
  kind:
    | "stopped"
    | "auth"
    | "rate-limit"
    | "quota"
    | "server"
    | "network"
    | "cut"
    | "stream"
    | "timeout"
    | "request"
    | "other";
  title: string;
  detail: string;
  hint: string;
}

function apiErrorIn(error: unknown): APIError | undefined {
  if (error instanceof APIError) return error;
  if (
    (error instanceof ChatSessionError || error instanceof ResponsesSessionError) &&
    error.cause instanceof APIError
  ) {
    return error.cause;
  }
  return undefined;
}

/** Reads a typed SDK error into advice for the conversation. */
export function adviseError(error: unknown, baseURL: string): ErrorAdvice {
  if (error instanceof RequestAbortedError) {
    return {
      kind: "stopped",
      title: "Stopped",
      detail: "You stopped this reply.",
      hint: "The partial reply is kept.",
    };
  }
  const api = apiErrorIn(error);
  const status = api?.status ?? (error as { status?: number }).status;
  const message = api?.error.message ?? (error instanceof Error ? error.message : String(error));
  if (status === 401 || status === 403) {
    return {
      kind: "auth",
      title: `The server refused the API key (${status})`,
      detail: message,
      hint: "Open Settings and check the key for this provider, or clear it to use the local demo server.",
    };
  }
  if (status === 429) {
    const quota = api?.error.code === "insufficient_quota" || api?.error.type === "insufficient_quota";
    const retryAfter = api?.headers?.get("retry-after");
    return quota
      ? {
          kind: "quota",
          title: "Quota exceeded (429)",
          detail: message,
          hint: "Your account has no credit left for this API. Check the plan and billing of this key.",
        }
      : {
          kind: "rate-limit",
          title: "Rate limited (429)",
          detail: message,
          hint: `Too many requests. Wait${retryAfter ? ` ${retryAfter} s` : " a moment"}, then press Retry.`,
        };
  }
  if (status !== undefined && status >= 500) {
    return {
      kind: "server",
      title: `The server failed (${status})`,
      detail: message,
      hint: "This is on the provider's side; press Retry in a moment.",
    };
  }
  if (status !== undefined && status >= 400) {
    return {
      kind: "request",
      title: `The request was refused (${status})`,
      detail: message,
      hint: "Check the model name and the base URL in Settings.",
    };
  }
  if (error instanceof StreamTruncatedError) {
    return {
      kind: "cut",
      title: "The reply was cut off",
      detail: "The connection ended before the reply was complete.",
      hint: "What arrived is kept above. Press Retry to generate it again.",
    };
  }
  if (error instanceof StreamError) {
    return {
      kind: "stream",
      title: "The server reported an error mid-reply",
      detail: error.error.message,
      hint: "What arrived is kept above. Press Retry to generate it again.",
    };
  }
  if (error instanceof TimeoutError) {
    return {
      kind: "timeout",
      title: "The server stopped answering",
      detail: error.message,
      hint: "What arrived is kept above. Press Retry, or check the server.",
    };
  }
  if (error instanceof ConnectionError) {
    return {
      kind: "network",
      title: "Cannot reach the server",
      detail: `No answer from ${baseURL}.`,
      hint:
        "Check that the server is running (for the local demo server: `pnpm demo`) and that you are online. " +
        "A server that does not allow this page's origin (CORS) fails the same way.",
    };
  }
  return {
    kind: "other",
    title: "Something went wrong",
    detail: message,
    hint: "Press Retry, or check Settings.",
  };
}
