import { checkVersion, planCommit, planReplace, toRecord } from "./plan.js";
import type { CommitResult, SessionChange, SessionHeader, SessionRecord, StoredSession } from "./schema.js";
import type { SessionStore } from "./store.js";

/** Session data kept in memory: one header and a seq-ordered record map per session. */
interface MemorySession {
  header: SessionHeader;
  records: Map<number, SessionRecord>;
}

/**
 * A {@link SessionStore} in memory: the default where there is no IndexedDB (Node, workers without it,
 * tests). Sessions last as long as the store object. Values are deep-copied on the way in and out
 * (`structuredClone`, as IndexedDB does), so callers never share objects with the store.
 */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, MemorySession>();

  async load(id: string): Promise<StoredSession | undefined> {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    checkVersion(session.header.v, `load "${id}"`);
    const records = [...session.records.values()].sort((a, b) => a.seq - b.seq);
    return structuredClone({ header: session.header, records });
  }

  async commit(id: string, change: SessionChange): Promise<CommitResult> {
    // Everything below runs synchronously after the first await point of the caller: no other commit can
    // interleave, which is what makes it atomic.
    const change_ = structuredClone(change);
    const session = this.sessions.get(id);
    const records = new Map(session?.records);
    let removed = 0;
    if (change_.truncateFrom !== undefined) {
      for (const seq of [...records.keys()]) {
        if (seq >= change_.truncateFrom) {
          records.delete(seq);
          removed++;
        }
      }
    }
    let created = 0;
    for (const { seq } of change_.put ?? []) if (!records.has(seq)) created++;
    const result = planCommit(id, session?.header, change_, { removed, created }, Date.now());
    for (const { seq, body } of change_.put ?? []) records.set(seq, toRecord(seq, body));
    (change_.append ?? []).forEach((body, i) => {
      const seq = result.seqs[i]!;
      records.set(seq, toRecord(seq, body));
    });
    this.sessions.set(id, { header: result.header, records });
    return structuredClone(result);
  }

  async replace(id: string, change: SessionChange): Promise<CommitResult> {
    // Synchronous from here to the end, like commit: the old session stays until the new one is complete.
    const change_ = structuredClone(change);
    const result = planReplace(id, this.sessions.get(id)?.header, change_, Date.now());
    const records = new Map<number, SessionRecord>();
    (change_.append ?? []).forEach((body, i) => {
      const seq = result.seqs[i]!;
      records.set(seq, toRecord(seq, body));
    });
    this.sessions.set(id, { header: result.header, records });
    return structuredClone(result);
  }

  async list(): Promise<SessionHeader[]> {
    return [...this.sessions.values()].map((s) => structuredClone(s.header));
  }

  async delete(id: string): Promise<void> {
    this.sessions.delete(id);
  }
}

/** Creates an in-memory {@link SessionStore}. */
export function createMemoryStore(): SessionStore {
  return new MemorySessionStore();
}
