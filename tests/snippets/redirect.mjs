// Preloaded (`node --import`) into every snippet the snippet test runs, and injected into its Chromium
// pages. The docs write their examples for OpenAI (`https://api.openai.com/v1`) or for the demo server's
// default address (`http://127.0.0.1:8787`, `http://localhost:8787`); this fetch sends those requests to
// the local demo server the test started (OAIKIT_SNIPPET_SERVER), and refuses every other address that
// is not loopback, so a snippet can never reach the network. Everything else about the request (method,
// headers, body, signal) is passed on unchanged.
// A classic script in the browser (no import/export here): the page gets the origin as a global.
const server = globalThis.process?.env?.OAIKIT_SNIPPET_SERVER ?? globalThis.OAIKIT_SNIPPET_SERVER;
if (!server) throw new Error("redirect.mjs: set OAIKIT_SNIPPET_SERVER to the local server's origin");

/** Origins the docs address, all served by the local demo server here. */
const REDIRECTED = new Set(["https://api.openai.com", "http://127.0.0.1:8787", "http://localhost:8787"]);
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const original = globalThis.fetch;

globalThis.fetch = async function snippetFetch(input, init) {
  const request = new Request(input, init);
  const url = new URL(request.url);
  if (REDIRECTED.has(url.origin)) {
    const target = new URL(`${url.pathname}${url.search}`, server);
    const body = request.body ? await request.arrayBuffer() : undefined;
    return original(
      new Request(target, {
        method: request.method,
        headers: request.headers,
        body,
        signal: request.signal,
        redirect: request.redirect,
      }),
    );
  }
  if (!LOOPBACK.has(url.hostname)) {
    throw new TypeError(
      `snippet test: ${request.method} ${url.origin} is not the local server. Address https://api.openai.com/v1 ` +
        "(the test sends it to the local demo server), or mark the snippet no-run and say why in the doc.",
    );
  }
  return original(request);
};
