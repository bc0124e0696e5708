// The sessions' e2e pages, served by the one fake server (apps/demo/server) on 127.0.0.1, each from a
// server of its own (its own origin): the page and its bundle (esbuild: the package, idb-keyval, the core
// client) as files under /__test/pages/.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { type DemoServer, startDemoServer } from "../../../apps/demo/server/index.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** A served page: its URL, and `close()` to stop its server. */
export interface ServedPage {
  url: string;
  close: () => Promise<void>;
}

/**
 * Starts a server whose page (`/__test/pages/`) imports `entry` bundled as `./<script>`, after `head`
 * (HTML, e.g. a classic script the page needs first), and sets `window.ready` when it has loaded.
 */
async function servePageOf(
  server: DemoServer,
  entry: string,
  script: string,
  title: string,
  head = "",
): Promise<ServedPage> {
  const bundle = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const test = server.test!;
  const html =
    `<!doctype html><meta charset="utf-8"><title>${title}</title>${head}` +
    `<script type="module">import "./${script}"; window.ready = true;</script>`;
  test.routes.pages.set("/index.html", { type: "text/html", body: html });
  test.routes.pages.set(`/${script}`, { type: "text/javascript", body: bundle.outputFiles[0]!.text });
  return { url: `${test.url}/pages/`, close: () => server.close() };
}

/**
 * The durable sessions' page (page-entry.ts), with a scenario running the words model as its API on the
 * same origin: a slow streamed /chat/completions whose reply is `w0 w1 ...` (`words` words, `delayMs` apart).
 */
export async function servePage({ words = 40, delayMs = 100 } = {}): Promise<ServedPage> {
  const server = await startDemoServer({ delayMs: 0, testRoutes: true });
  const test = server.test!;
  const { path } = test.routes.scenarios.create({
    words: { words: Array.from({ length: words }, (_, i) => `w${i} `), delayMs },
  });
  const api = `<script>globalThis.OAIKIT_API = ${JSON.stringify(`${test.url}${path}/v1`)};</script>`;
  return servePageOf(server, "page-entry.ts", "sessions.js", "oaikit sessions", api);
}

/** The sync spec's device page (sync-page-entry.ts): every call to a sync handler is a cross-origin call. */
export async function serveSyncPage(): Promise<ServedPage> {
  const server = await startDemoServer({ delayMs: 0, testRoutes: true });
  return servePageOf(server, "sync-page-entry.ts", "device.js", "oaikit sync device");
}
