// Serves the sync spec's device page on 127.0.0.1 (its own origin: every call to a sync handler is a
// cross-origin call): the HTML and test/sync-page-entry.ts bundled by esbuild.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the page server. Resolves to { url, close }. */
export async function serveSyncPage() {
  const bundle = await build({
    entryPoints: [join(here, "sync-page-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0].text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>oaikit sync device</title>' +
    '<script type="module">import "/device.js"; window.ready = true;</script>';
  const server = createServer((req, res) => {
    if (req.url === "/" || req.url?.startsWith("/?"))
      res.writeHead(200, { "content-type": "text/html" }).end(html);
    else if (req.url === "/device.js") res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
