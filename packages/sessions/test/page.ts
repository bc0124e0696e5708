// The sessions' e2e page, served by the one fake server (apps/demo/server) on 127.0.0.1: the page and
// its bundle (esbuild: the package, idb-keyval, the core client) as files under /__test/pages/, and a
// scenario running the words model as the API on the same origin (a slow streamed /chat/completions).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { startDemoServer } from "../../../apps/demo/server/index.ts";

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the server; `words` and `delayMs` shape the streamed reply (`w0 w1 ...`). */
export async function servePage({ words = 40, delayMs = 100 } = {}): Promise<{
  url: string;
  close: () => Promise<void>;
}> {
  const bundle = await build({
    entryPoints: [join(here, "page-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const server = await startDemoServer({ delayMs: 0, testRoutes: true });
  const test = server.test!;
  const { path } = test.routes.scenarios.create({
    words: { words: Array.from({ length: words }, (_, i) => `w${i} `), delayMs },
  });
  const api = `${test.url}${path}/v1`;
  const html =
    '<!doctype html><meta charset="utf-8"><title>oaikit sessions</title>' +
    `<script>globalThis.OAIKIT_API = ${JSON.stringify(api)};</script>` +
    '<script type="module">import "./sessions.js"; window.ready = true;</script>';
  test.routes.pages.set("/index.html", { type: "text/html", body: html });
  test.routes.pages.set("/sessions.js", { type: "text/javascript", body: bundle.outputFiles[0]!.text });
  return { url: `${test.url}/pages/`, close: () => server.close() };
}
