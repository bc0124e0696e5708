// Bundled by test/sync-page.mjs for the sync spec (e2e/sync.spec.ts): a device. `connect(url, token)`
// creates a synced store (IndexedDB + the sync handler at `url`); `say`, `edit` and `reply` write through
// durable chat sessions (the real writer), `texts` and `list` read IndexedDB directly.
import { OpenAI } from "@oaikit/core";
import * as sessions from "../src/index.js";
import * as sync from "../src/sync/index.js";

const client = new OpenAI("sk-e2e-sync-secret", { baseURL: `${location.origin}/v1`, maxRetries: 0 });
let store: sync.SyncedStore | undefined;
const chats = new Map<string, Awaited<ReturnType<typeof sessions.openChatSession>>>();

async function chat(id: string) {
  let open = chats.get(id);
  if (!open) {
    if (!store) throw new Error("connect(url, token) first");
    open = await sessions.openChatSession(client, { id, store });
    const session = open;
    // Another device's change arrived: reload it (what the demo does).
    session.onChange(() => session.refresh().catch(() => {}));
    chats.set(id, open);
  }
  return open;
}

const page = {
  sessions,
  sync,
  connect(url: string, token: string) {
    store = sync.createSyncedStore({
      local: sessions.createIndexedDbStore(),
      remote: sync.createRemoteStore({ url, token }),
      pollMs: 0,
    });
    Object.assign(globalThis, { store });
  },
  async syncNow() {
    await store!.sync();
  },
  async say(id: string, text: string, role: "user" | "assistant" = "user") {
    const c = await chat(id);
    c.appendMessage({ role, content: text });
    await c.flush();
  },
  /** An edit: cut the history back to `length` messages, then append `text` (offline: no model call). */
  async edit(id: string, length: number, text: string, role: "user" | "assistant" = "assistant") {
    const c = await chat(id);
    c.truncate(length);
    c.appendMessage({ role, content: text });
    await c.flush();
  },
  async texts(id: string) {
    const session = await sessions.createIndexedDbStore().load(id);
    return session?.records.map((r) => (r.item as { content: string }).content);
  },
  async list() {
    return (await sessions.createIndexedDbStore().list()).map((h) => ({ id: h.id, title: h.title }));
  },
  async closeAll() {
    for (const c of chats.values()) await c.close();
    chats.clear();
    store?.close();
  },
};

Object.assign(globalThis, { page });
export type SyncPage = typeof page;
