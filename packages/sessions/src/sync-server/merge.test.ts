import { describe, expect, it } from "vitest";
import { msg } from "../../test/sync-world.js";
import type { RecordBody, StoredSession } from "../schema.js";
import { baseOf, type PushRequest } from "../sync-protocol/protocol.js";
import { recordHash } from "../sync-protocol/record-hash.js";
import { decidePush } from "./merge.js";

describe("decidePush: the conflict rule", () => {
  const session = (records: RecordBody[], revision = records.length): StoredSession => ({
    header: {
      v: 1,
      id: "s",
      kind: "chat",
      title: "T",
      createdAt: 1,
      updatedAt: 1,
      revision,
      nextSeq: records.length,
      count: records.length,
    },
    records: records.map((body, seq) => ({ v: 1, seq, ...body })),
  });

  it("applies a push based on the current revision as sent", () => {
    const s = session([msg("a", 1)]);
    const d = decidePush(s, { base: baseOf(s), append: [msg("b", 2)] });
    expect(d).toMatchObject({ kind: "commit", outcome: "applied", change: { append: [msg("b", 2)] } });
  });

  it("merges appends from both sides by timestamp, moving stored records that come later", () => {
    const base = session([msg("m", 1)]);
    const now = session([msg("m", 1), msg("a1", 10), msg("a2", 30)], 2);
    const d = decidePush(now, { base: baseOf(base), append: [msg("b1", 20), msg("b2", 40)] });
    if (d.kind !== "commit") throw new Error(d.kind);
    expect(d.outcome).toBe("merged");
    expect(d.change.truncateFrom).toBe(2); // a2 moves after b1
    expect(d.change.append?.map((b) => (b.item as { content: string }).content)).toEqual(["b1", "a2", "b2"]);
    expect(d.moved).toEqual([{ seq: 2, index: 1 }]);
  });

  it("keeps the stored order when every pushed record is later", () => {
    const base = session([msg("m", 1)]);
    const now = session([msg("m", 1), msg("a1", 10)], 2);
    const d = decidePush(now, { base: baseOf(base), append: [msg("b1", 20)] });
    expect(d).toMatchObject({ kind: "commit", outcome: "merged", moved: [] });
    if (d.kind === "commit") expect(d.change.truncateFrom).toBeUndefined();
  });

  it("recognises a push it already applied (a retry after a lost answer)", () => {
    const base = session([msg("m", 1)]);
    const push: PushRequest = { base: baseOf(base), append: [msg("b", 2)] };
    const now = session([msg("m", 1), msg("b", 2)], 2);
    expect(decidePush(now, push)).toEqual({ kind: "duplicate", seqs: [1] });
  });

  it("conflicts when the push truncates and the store gained records since its base", () => {
    const base = session([msg("m", 1), msg("r", 2, "assistant")]);
    const now = session([msg("m", 1), msg("r", 2, "assistant"), msg("u", 3)], 3);
    const d = decidePush(now, { base: baseOf(base), truncateFrom: 1, append: [msg("r2", 4, "assistant")] });
    expect(d.kind).toBe("conflict");
  });

  it("conflicts when the store was truncated since the base and the push appends", () => {
    const base = session([msg("m", 1), msg("r", 2, "assistant")]);
    const now = session([msg("m", 1)], 3);
    now.header.nextSeq = 3;
    now.records.push({ v: 1, seq: 2, ...msg("r2", 5, "assistant") });
    const d = decidePush(now, { base: baseOf(base), append: [msg("u", 4)] });
    expect(d.kind).toBe("conflict");
  });

  it("takes a streamed reply's continuation (a put on a partial record) alongside others' appends", () => {
    const partial: RecordBody = { status: "partial", at: 2, item: { role: "assistant", content: "Hel" } };
    const base = session([msg("m", 1), partial]);
    const now = session([msg("m", 1), partial, msg("other", 3)], 3);
    const done: RecordBody = { status: "complete", at: 4, item: { role: "assistant", content: "Hello" } };
    const d = decidePush(now, {
      base: baseOf(base),
      put: [{ seq: 1, body: done, prev: recordHash(partial) }],
    });
    expect(d).toMatchObject({ kind: "commit", outcome: "merged", change: { put: [{ seq: 1, body: done }] } });
  });

  it("keeps the store's title when both sides renamed", () => {
    const base = session([msg("m", 1)]);
    const now = session([msg("m", 1)], 2);
    now.header.title = "Theirs";
    const d = decidePush(now, { base: baseOf(base), set: { title: "Mine" }, append: [msg("x", 2)] });
    if (d.kind !== "commit") throw new Error(d.kind);
    expect(d.change.set?.title).toBeUndefined();
  });
});
