import {
  type ResponseInput,
  ResponsesChatSession,
  type ResponsesChatSessionOptions,
  type ResponsesTurn,
  type SessionClient,
  withResponseHelpers,
} from "@oaikit/core";
import {
  createDurable,
  type DurableControls,
  type DurableOptions,
  openStored,
  withControls,
} from "./durable.js";
import type { IncompleteReason, SessionRecord } from "./schema.js";

/** Options of {@link openResponsesChatSession}: the core options (except restored state/observer) and the store's. */
export interface OpenResponsesChatSessionOptions
  extends Omit<ResponsesChatSessionOptions, "turns" | "responseHistory" | "currentResponseId" | "observer">,
    DurableOptions {}

/** A core `ResponsesChatSession` whose turns are restored from a store on open and saved as they change. */
export type DurableResponsesChatSession = ResponsesChatSession & DurableControls;

/**
 * Opens (or creates) the stored Responses session `id`: its turns (inputs, responses, partial replies)
 * and `currentResponseId` are restored, and every change is saved (see `openChatSession`).
 *
 * ```ts
 * const session = await openResponsesChatSession(client, { id: "research", instructions: "Be brief." });
 * const text = await session.send("Hello", (chunk) => render(String(chunk)));
 * ```
 */
export async function openResponsesChatSession(
  client: SessionClient,
  options: OpenResponsesChatSessionOptions,
): Promise<DurableResponsesChatSession> {
  const { store, stored, sessionOptions } = await openStored(options, "responses");
  let session: ResponsesChatSession | undefined;
  const durable = createDurable({ ...options, store }, stored, {
    kind: "responses",
    busy: () => session?.busy ?? false,
    restore: (fresh) => {
      const s = session!;
      const turns = turnsOf(fresh.records);
      s.turns.splice(0, s.turns.length, ...turns);
      s.responseHistory.splice(
        0,
        s.responseHistory.length,
        ...turns.flatMap((t) => (t.kind === "response" ? [withResponseHelpers(t.response)] : [])),
      );
      s.currentResponseId = fresh.header.currentResponseId ?? sessionOptions.previous_response_id;
    },
  });
  const restored: ResponsesChatSessionOptions = { ...sessionOptions, turns: turnsOf(stored?.records ?? []) };
  if (stored?.header.currentResponseId) restored.currentResponseId = stored.header.currentResponseId;
  session = new ResponsesChatSession(client, {
    ...restored,
    // The writer keeps references and copies them when it writes (see openChatSession); a turn that
    // cannot be copied (a reply nested 20,000 levels deep) is reported through onError, not thrown.
    observer: {
      onAppend: durable.guard((turn: ResponsesTurn, index: number, currentResponseId: string | undefined) => {
        durable.writer().append(index, turn);
        durable.writer().setHeader({ currentResponseId: currentResponseId ?? null });
        if (turn.kind === "input") durable.autoTitle(inputText(turn.input));
      }),
      onPartial: durable.guard((text: string, index: number) => {
        durable.writer().partial(index, { kind: "partial", text });
      }),
      onIncomplete: durable.guard((text: string, index: number, reason: IncompleteReason) => {
        durable.writer().incomplete(index, { kind: "partial", text, reason }, reason);
      }),
      onTruncate: durable.guard((length: number) => {
        durable.writer().truncate(length);
        // The core session has already moved currentResponseId back to the last kept response.
        durable.writer().setHeader({ currentResponseId: session?.currentResponseId ?? null });
      }),
    },
  });
  return withControls(session, durable.controls);
}

/** Stored records as core turns; a reply cut off by a reload is a partial turn marked "aborted". */
function turnsOf(records: SessionRecord[]): ResponsesTurn[] {
  return records.map((r) => {
    const turn = r.item as ResponsesTurn;
    if (turn.kind === "partial" && r.status === "partial")
      return { kind: "partial", text: turn.text, reason: "aborted" };
    return turn;
  });
}

function inputText(input: ResponseInput): string {
  if (typeof input === "string") return input;
  for (const item of input) {
    const content = (item as { content?: unknown }).content;
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      const text = content.find((c) => typeof c?.text === "string");
      if (text) return text.text as string;
    }
  }
  return "";
}
