import type { ChangeNotice } from "../sync-protocol/protocol.js";
import { type ChangeFeed, createSyncHandler } from "../sync-server/handler.js";
import { createDenoKvStore } from "./kv-store.js";
import type { KvKey, KvLike } from "./kv-types.js";

/** Options of {@link createDenoSyncHandler}. */
export interface DenoSyncHandlerOptions {
  /** The KV database (`await Deno.openKv()`). */
  kv: KvLike;
  /** Maps a request to a user id, or refuses it (401). See `bearerAuthorizer` for the example's. */
  authorize(request: Request): string | null | undefined | Promise<string | null | undefined>;
  /** Key prefix (default `["oaikit-sessions"]`); each user's sessions live under `[...prefix, "u", userId]`. */
  prefix?: KvKey;
  /** Path prefix of the protocol's paths (default none). */
  basePath?: string;
  /** `Access-Control-Allow-Origin` (default `*`). */
  allowOrigin?: string;
}

/**
 * The sync handler for `Deno.serve` (docs/sync.md): `Deno.serve(createDenoSyncHandler({ kv, authorize }))`.
 * Each user's sessions are a {@link createDenoKvStore} under their own key prefix; change notices travel
 * through a KV key per user and `kv.watch`, so every isolate serving the user (Deno Deploy) hears them.
 */
export function createDenoSyncHandler(
  options: DenoSyncHandlerOptions,
): (request: Request) => Promise<Response> {
  const prefix = options.prefix ?? ["oaikit-sessions"];
  const handlerOptions: Parameters<typeof createSyncHandler>[0] = {
    authorize: options.authorize,
    store: (user) => createDenoKvStore(options.kv, { prefix: [...prefix, "u", user] }),
    feed: createKvChangeFeed(options.kv, prefix),
  };
  if (options.basePath !== undefined) handlerOptions.basePath = options.basePath;
  if (options.allowOrigin !== undefined) handlerOptions.allowOrigin = options.allowOrigin;
  return createSyncHandler(handlerOptions);
}

/** The last notices of one user, in one KV value: `kv.watch` may skip intermediate values, this does not. */
interface NoticeLog {
  n: number;
  recent: (ChangeNotice & { n: number })[];
}

const KEEP = 32;
const PUBLISH_ATTEMPTS = 40;

/**
 * A {@link ChangeFeed} on Deno KV: `publish` appends to a per-user log value (atomically, by versionstamp),
 * `subscribe` follows it with `kv.watch` and reports every entry newer than what it saw.
 */
export function createKvChangeFeed(kv: KvLike, prefix: KvKey): ChangeFeed {
  const key = (user: string): KvKey => [...prefix, "n", user];
  return {
    async publish(user, notice) {
      // Called after the change is committed: its own retries (a version conflict with another isolate's
      // notice, "database is locked" from another connection to a local file) never reach the request.
      for (let attempt = 0; attempt < PUBLISH_ATTEMPTS; attempt++) {
        try {
          const current = await kv.get<NoticeLog>(key(user));
          const n = (current.value?.n ?? 0) + 1;
          const log: NoticeLog = {
            n,
            recent: [...(current.value?.recent ?? []), { ...notice, n }].slice(-KEEP),
          };
          const done = await kv.atomic().check(current).set(key(user), log).commit();
          if (done.ok) return;
        } catch (error) {
          if (!/database is locked|busy/i.test(String((error as Error)?.message ?? error))) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(250, 5 * 2 ** attempt) * Math.random()));
      }
      throw new Error(`change notice for ${notice.id} not published after ${PUBLISH_ATTEMPTS} attempts`);
    },
    subscribe(user, listener) {
      if (typeof kv.watch !== "function") return () => {};
      const stream = kv.watch<NoticeLog>([key(user)]);
      const reader = stream.getReader();
      let seen: number | undefined;
      let stopped = false;
      (async () => {
        while (!stopped) {
          const { done, value } = await reader.read();
          if (done) return;
          const log = value[0]?.value;
          const latest = log?.n ?? 0;
          // The first value is the state at subscription time: only later entries are news.
          if (seen !== undefined && log) {
            for (const entry of log.recent)
              if (entry.n > seen) listener({ id: entry.id, revision: entry.revision });
          }
          seen = latest;
        }
      })().catch(() => {});
      return () => {
        stopped = true;
        reader.cancel().catch(() => {});
      };
    },
  };
}
