/**
 * Session sync on the demo server: the `@oaikit/sessions/sync-server` handler (the same one the Cloudflare
 * and Deno handlers use) under `/sync`, over one in-memory store per user (lost when the server stops).
 * The page's "Sync to the local server" setting uses it with the token below. Node's request and response
 * are adapted to the handler's fetch `Request`/`Response`, streams included (the change notices are SSE).
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

/** The token the demo page sends; it maps to the one demo user. */
export const DEMO_SYNC_TOKEN = "oaikit-demo-local";

type SyncServerModule = typeof import("@oaikit/sessions/sync-server");
type SessionsModule = Pick<typeof import("@oaikit/sessions"), "createMemoryStore">;

/**
 * How the server gets the package: by default the built one (`pnpm build`); `pnpm demo` swaps in a loader
 * that compiles it from source through Vite, so sync works right after `pnpm install`.
 */
let loadModules: () => Promise<[SyncServerModule, SessionsModule]> = () =>
  Promise.all([import("@oaikit/sessions/sync-server"), import("@oaikit/sessions")]);

export function setSyncModuleLoader(loader: () => Promise<[SyncServerModule, SessionsModule]>): void {
  loadModules = loader;
  handler = undefined;
}

let handler: Promise<(request: Request) => Promise<Response>> | undefined;

async function createHandler(): Promise<(request: Request) => Promise<Response>> {
  const [{ bearerAuthorizer, createSyncHandler }, { createMemoryStore }] = await loadModules();
  const stores = new Map<string, ReturnType<typeof createMemoryStore>>();
  return createSyncHandler({
    authorize: bearerAuthorizer({ [DEMO_SYNC_TOKEN]: "demo" }),
    store: (user) => {
      const store = stores.get(user) ?? createMemoryStore();
      stores.set(user, store);
      return store;
    },
    basePath: "/sync",
    heartbeatMs: 10_000,
  });
}

/** Serves one `/sync/...` request through the sync handler. */
export async function handleSync(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  handler ??= createHandler().catch((error: unknown) => {
    handler = undefined;
    throw error;
  });
  let handle: (request: Request) => Promise<Response>;
  try {
    handle = await handler;
  } catch (error) {
    res.writeHead(503, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        error: { code: "failed", message: `Sync is unavailable: ${String(error)}. Run pnpm build.` },
      }),
    );
    return;
  }
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) headers.set(name, value.join(", "));
  }
  const request = new Request(url, {
    method: req.method ?? "GET",
    headers,
    signal: abort.signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
  const response = await handle(request);
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  res.writeHead(response.status, out);
  if (!response.body) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
  } catch {
    // the client went away
  }
  res.end();
}
