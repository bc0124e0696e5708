/**
 * One synced store's bookkeeping, session by session: reads and writes {@link SyncState}s through the
 * {@link SyncStateStorage} (IndexedDB, memory, or the app's own), under keys that name the pairing of local
 * and remote store, so that one storage can serve several synced stores. The stored shape and the names the
 * engine reads are mapped by the codec in sync-state.ts.
 */
import type { SyncStateStorage } from "./state-storage.js";
import { fromStoredState, type SyncState, toStoredState } from "./sync-state.js";

export class Bookkeeping {
  /** `name` names the pairing of local and remote store (`SyncedStoreOptions.name`). */
  constructor(
    private readonly storage: SyncStateStorage,
    private readonly name: string,
  ) {}

  /** The bookkeeping of session `id`, or undefined when this pairing has none. */
  async read(id: string): Promise<SyncState | undefined> {
    const stored = await this.storage.get(this.key(id));
    return stored && fromStoredState(stored);
  }

  async write(state: SyncState): Promise<void> {
    await this.storage.set(this.key(state.id), toStoredState(state));
  }

  async delete(id: string): Promise<void> {
    await this.storage.delete(this.key(id));
  }

  /** The ids of every session this pairing keeps bookkeeping for. */
  async sessionIds(): Promise<string[]> {
    const prefix = this.key("");
    return (await this.storage.keys())
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  }

  private key(id: string): string {
    return `${this.name}\u0000${id}`;
  }
}
