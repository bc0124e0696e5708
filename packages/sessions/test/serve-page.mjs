// A tiny same-origin server for the Playwright specs and the benchmark: the page, the bundled package
// (esbuild), and a slow streaming OpenAI-compatible /v1/chat/completions on 127.0.0.1.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));

/** Starts the server; `words` and `delayMs` shape the streamed reply. Resolves to { url, close }. */
export async function servePage({ words = 40, delayMs = 100 } = {}) {
  const bundle = await build({
    entryPoints: [join(here, "page-entry.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0].text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>oaikit sessions</title>' +
    '<script type="module">import "/sessions.js"; window.ready = true;</script>';
  const server = createServer(async (req, res) => {
    if (req.url === "/" || req.url?.startsWith("/?")) {
      res.writeHead(200, { "content-type": "text/html" }).end(html);
    } else if (req.url === "/sessions.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    } else if (req.url === "/v1/chat/completions") {
      for await (const _ of req);
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store" });
      for (let i = 0; i < words && !res.destroyed; i++) {
        res.write(
          `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: `w${i} ` } }] })}\n\n`,
        );
        await new Promise((r) => setTimeout(r, delayMs));
      }
      if (!res.destroyed) {
        res.write(
          `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
      }
    } else {
      res.writeHead(404).end();
    }
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
