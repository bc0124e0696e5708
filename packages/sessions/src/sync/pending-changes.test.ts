import { describe, expect, it } from "vitest";
import type { CommitResult, RecordBody, SessionHeader, StoredSession } from "../schema.js";
import { pendingWholeSession, recordLocalCommit, redirectToMovedSeqs } from "./pending-changes.js";
import { newSyncState, type SyncState } from "./sync-state.js";

const body = (content: string, at = 1): RecordBody => ({
  status: "complete",
  at,
  item: { role: "user", content },
});
const header = (revision: number): SessionHeader => ({
  v: 1,
  id: "s",
  kind: "chat",
  title: "T",
  createdAt: 5,
  updatedAt: 6,
  revision,
  nextSeq: 10,
  count: 10,
});
const result = (revision: number, seqs: number[] = []): CommitResult => ({ header: header(revision), seqs });
const synced = (): SyncState => ({
  ...newSyncState("s"),
  base: { kind: "chat", revision: 3, nextSeq: 3, createdAt: 5, count: 3, tail: [], title: "T" },
  localRevision: 3,
});

describe("recordLocalCommit", () => {
  it("keeps the latest body per local seq, in seq order, and counts the revision", () => {
    const state = synced();
    recordLocalCommit(state, { append: [body("b"), body("a")] }, result(4, [5, 4]));
    recordLocalCommit(state, { put: [{ seq: 5, body: body("b2") }] }, result(5));
    expect(state.pending?.touched).toEqual([
      [4, body("a")],
      [5, body("b2")],
    ]);
    expect(state.localRevision).toBe(5);
    expect(state.needsReconcile).toBeUndefined();
    expect(state.pending?.create).toBeUndefined(); // the session exists on the server
  });

  it("a truncation drops the touched records it removes and keeps the lowest cut", () => {
    const state = synced();
    recordLocalCommit(state, { append: [body("x"), body("y")] }, result(4, [3, 4]));
    recordLocalCommit(state, { truncateFrom: 4 }, result(5));
    recordLocalCommit(state, { truncateFrom: 6 }, result(6));
    expect(state.pending).toEqual({ touched: [[3, body("x")]], cut: 4 });
  });

  it("a revision it did not count means another writer: the next sync compares contents", () => {
    const state = synced();
    recordLocalCommit(state, { append: [body("x")] }, result(6, [3]));
    expect(state.needsReconcile).toBe(true);
    expect(state.localRevision).toBe(6);
  });

  it("a session never synced (or deleted here) is pending its create; a change unblocks a refused push", () => {
    const state = newSyncState("s");
    state.blocked = "too large";
    recordLocalCommit(state, { create: { kind: "chat" }, set: { title: "A" } }, result(1));
    recordLocalCommit(state, { set: { title: "B" } }, result(2));
    expect(state.pending).toEqual({
      touched: [],
      create: { kind: "chat", title: "T", createdAt: 5 },
      set: { title: "B" },
    });
    expect(state.blocked).toBeUndefined();
  });
});

describe("pendingWholeSession", () => {
  it("every record and the header fields, as for a new session", () => {
    const session: StoredSession = {
      header: { ...header(2), currentResponseId: "resp_1" },
      records: [
        { v: 1, seq: 2, ...body("a") },
        {
          v: 1,
          seq: 7,
          status: "incomplete",
          reason: "aborted",
          at: 2,
          item: { role: "assistant", content: "b" },
        },
      ],
    };
    expect(pendingWholeSession(session)).toEqual({
      create: { kind: "chat", title: "T", createdAt: 5 },
      touched: [
        [2, body("a")],
        [7, { status: "incomplete", reason: "aborted", at: 2, item: { role: "assistant", content: "b" } }],
      ],
      set: { title: "T", currentResponseId: "resp_1" },
    });
  });
});

describe("redirectToMovedSeqs", () => {
  it("leaves a change alone when nothing moved", () => {
    const change = { put: [{ seq: 1, body: body("x") }] };
    expect(redirectToMovedSeqs(change, undefined)).toBe(change);
    expect(redirectToMovedSeqs(change, [])).toBe(change);
  });

  it("sends puts and truncations on moved records to their new seqs, and keeps writes to removed ones as appends", () => {
    const moved: [number, number][] = [
      [4, 6],
      [5, -1],
    ];
    expect(
      redirectToMovedSeqs(
        {
          truncateFrom: 4,
          put: [
            { seq: 2, body: body("same") },
            { seq: 4, body: body("moved") },
            { seq: 5, body: body("gone") },
          ],
          append: [body("new")],
        },
        moved,
      ),
    ).toEqual({
      truncateFrom: 6,
      put: [
        { seq: 2, body: body("same") },
        { seq: 6, body: body("moved") },
      ],
      append: [body("gone"), body("new")],
    });
    // A truncation from a removed record stays where it was.
    expect(redirectToMovedSeqs({ truncateFrom: 5 }, moved)).toEqual({ truncateFrom: 5 });
  });
});
