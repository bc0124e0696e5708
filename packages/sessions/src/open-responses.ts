import {
  messageText,
  ResponsesChatSession,
  type ResponsesChatSessionOptions,
  type ResponsesSnapshot,
  type ResponsesTurn,
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
import type { IncompleteReason, SessionRecord } from "./schema.js";

/** Options of {@link openResponsesChatSession}: the core options (except restored state/observer) and the store's. */
export interface OpenResponsesChatSessionOptions
  extends Omit<ResponsesChatSessionOptions, "turns" | "responseHistory" | "currentResponseId" | "observer">,
    DurableOptions {}

/** A durable Responses session's snapshot: the core one, with each turn's stored state and the title. */
export type DurableResponsesSnapshot = ResponsesSnapshot & DurableSnapshotFields;

/** A core `ResponsesChatSession` whose turns are restored from a store on open and saved as they change. */
export type DurableResponsesChatSession = ResponsesChatSession<DurableResponsesSnapshot> & DurableControls;

/** The core session with the durable part in its snapshot. */
class StoredResponsesSession extends ResponsesChatSession<DurableResponsesSnapshot> {
  readonly #durable: Durable;
  constructor(client: SessionClient, options: ResponsesChatSessionOptions, durable: Durable) {
    super(client, options);
    this.#durable = durable;
    durable.attach(() => this.snapshotChanged());
  }
  protected override snapshotExtras(turns: readonly ResponsesTurn[]): DurableSnapshotFields {
    return this.#durable.extras(turns);
  }
  protected override snapshotWatched(active: boolean): void {
    this.#durable.watched(active);
  }
}

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
  let session: ResponsesChatSession<DurableResponsesSnapshot> | undefined;
  const durable = createDurable({ ...options, store }, stored, {
    kind: "responses",
    busy: () => session?.busy ?? false,
    items: () => session!.turns,
    restore: (fresh, items) => {
      const s = session!;
      // A partial record reads back as a partial turn marked "aborted" (see turnsOf), unless unchanged.
      s.setMessages(
        items.map((item, i) =>
          item === fresh.records[i]!.item ? turnOf(fresh.records[i]!) : item,
        ) as ResponsesTurn[],
      );
      s.currentResponseId = fresh.header.currentResponseId ?? sessionOptions.previous_response_id;
    },
  });
  const restored: ResponsesChatSessionOptions = { ...sessionOptions, turns: turnsOf(stored?.records ?? []) };
  if (stored?.header.currentResponseId) restored.currentResponseId = stored.header.currentResponseId;
  session = new StoredResponsesSession(
    client,
    {
      ...restored,
      // The writer keeps references and copies them when it writes (see openChatSession); a turn that
      // cannot be copied (a reply nested 20,000 levels deep) is reported through onError, not thrown.
      observer: {
        onAppend: durable.guard(
          (turn: ResponsesTurn, index: number, currentResponseId: string | undefined) => {
            durable.writer().append(index, turn);
            durable.writer().setHeader({ currentResponseId: currentResponseId ?? null });
            if (turn.kind === "input") durable.autoTitle(messageText(turn));
          },
        ),
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
    },
    durable,
  );
  return withControls(session, durable.controls);
}

/** Stored records as core turns; a reply cut off by a reload is a partial turn marked "aborted". */
function turnsOf(records: SessionRecord[]): ResponsesTurn[] {
  return records.map(turnOf);
}

function turnOf(record: SessionRecord): ResponsesTurn {
  const turn = record.item as ResponsesTurn;
  if (turn.kind === "partial" && record.status === "partial") {
    return { kind: "partial", text: turn.text, reason: "aborted" };
  }
  return turn;
}
