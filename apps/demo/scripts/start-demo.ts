/**
 * Starts the bundled local server and the Vite dev server for the page, wired together: the page
 * gets the server's URL through `VITE_OAIKIT_SERVER_URL`. Used by `pnpm demo` and the e2e tests.
 */
import { fileURLToPath } from "node:url";
import { createServer } from "vite";
import { startDemoServer } from "../server/index.ts";
import { setSyncModuleLoader } from "../server/sync.ts";

/** Options of {@link startDemo}. */
export interface StartDemoOptions {
  /** Page port (default 5173; the next free one if taken, unless `strictPort`). */
  port?: number;
  /** Local server port (default 8787; a free one if taken). */
  serverPort?: number;
  host?: string;
  /** Delay between streamed pieces of the local server, in ms. */
  delayMs?: number;
  strictPort?: boolean;
  /** Watch files and hot-reload the page (default true; tests turn it off so an edit elsewhere cannot reload the page mid-test). */
  watch?: boolean;
}

/** The running pair. */
export interface RunningDemo {
  pageUrl: string;
  /** The local server's API base (`.../v1`). */
  apiUrl: string;
  close(): Promise<void>;
}

/** Starts both servers; `close()` stops both. */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const host = options.host ?? "127.0.0.1";
  const serverOptions = { host, ...(options.delayMs === undefined ? {} : { delayMs: options.delayMs }) };
  const api = await startDemoServer({ ...serverOptions, port: options.serverPort ?? 8787 }).catch(
    (error: unknown) => {
      if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
      return startDemoServer({ ...serverOptions, port: 0 });
    },
  );
  const apiUrl = `${api.url}/v1`;
  process.env.VITE_OAIKIT_SERVER_URL = apiUrl;
  let vite: Awaited<ReturnType<typeof createServer>>;
  try {
    vite = await createServer({
      configFile: fileURLToPath(new URL("../vite.config.ts", import.meta.url)),
      logLevel: "warn",
      server: {
        host,
        port: options.port ?? 5173,
        strictPort: options.strictPort ?? false,
        ...(options.watch === false ? { watch: null, hmr: false } : {}),
      },
    });
    await vite.listen();
    // The server's /sync uses @oaikit/sessions from source, compiled by Vite: no build step needed.
    const source = (path: string) => vite.ssrLoadModule(fileURLToPath(new URL(path, import.meta.url)));
    setSyncModuleLoader(
      () =>
        Promise.all([
          source("../../../packages/sessions/src/sync-server/index.ts"),
          source("../../../packages/sessions/src/memory-store.ts"),
        ]) as never,
    );
  } catch (error) {
    await api.close();
    throw error;
  }
  const pageUrl = vite.resolvedUrls?.local[0] ?? `http://${host}:${options.port ?? 5173}/`;
  return {
    pageUrl,
    apiUrl,
    async close() {
      await Promise.all([vite.close(), api.close()]);
    },
  };
}
