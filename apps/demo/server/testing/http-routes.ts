// Test routes for the HTTP layer (packages/core/src/http, src/transport), under /__test. Each one does
// one thing a test needs to observe on the wire or to provoke: echo, statuses, retries, chunks, cuts.
import { node } from "../node-route.ts";
import { TEST_PREFIX, type TestApp } from "./index.ts";
import { readTestBody, sendChunkedJson, sleep } from "./io.ts";

function intParam(url: URL, name: string, fallback: number): number {
  const value = Number(url.searchParams.get(name));
  return Number.isFinite(value) && url.searchParams.has(name) ? value : fallback;
}

/** Registers the HTTP layer's routes; counters (/flaky) are per server. */
export function httpRoutes(app: TestApp): void {
  const route = (path: string, handler: Parameters<typeof node>[0]) => app.all(path, node(handler));
  const flakyCounts = new Map<string, number>();

  route("/ping", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("pong");
  });

  /**
   * /echo: what arrived. `headers` is every header as raw pairs (names as sent, duplicates kept),
   * `contentTypes` every Content-Type value received, `bodyBase64` the exact body bytes.
   */
  route("/echo", async (req, res, url) => {
    const body = await readTestBody(req);
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const contentTypes = headers.filter(([name]) => name.toLowerCase() === "content-type").map(([, v]) => v);
    sendChunkedJson(res, 200, {
      method: req.method,
      // As the route sees them: without the /__test mount.
      url: req.url?.slice(TEST_PREFIX.length),
      path: url.pathname.slice(TEST_PREFIX.length),
      query: Object.fromEntries(url.searchParams),
      headers,
      contentTypes,
      bodyBase64: body.toString("base64"),
      bodyText: body.toString("utf8"),
    });
  });

  /** /status/NNN for every status from 200 to 599; the body names the status. */
  route("/status/:code", (_req, res, _url, c) => {
    const code = Number(c.req.param("code"));
    if (!(Number.isInteger(code) && code >= 200 && code <= 599)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if (code === 204 || code === 205 || code === 304) {
      res.writeHead(code).end();
      return;
    }
    res.writeHead(code, { "content-type": "text/plain" });
    res.end(`status ${code}`);
  });

  /**
   * /flaky?id=X&fail=2&code=503&retryAfter=0: the first `fail` requests with this id answer `code`
   * (with `Retry-After` when given), the next ones 200 with `{ attempts }`. Counters are per id.
   */
  route("/flaky", (_req, res, url) => {
    const id = url.searchParams.get("id") ?? "default";
    const attempts = (flakyCounts.get(id) ?? 0) + 1;
    flakyCounts.set(id, attempts);
    const fail = intParam(url, "fail", 2);
    if (attempts <= fail) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      const retryAfter = url.searchParams.get("retryAfter");
      if (retryAfter !== null) headers["retry-after"] = retryAfter;
      res.writeHead(intParam(url, "code", 503), headers);
      res.end(JSON.stringify({ attempts, error: "try again" }));
      return;
    }
    sendChunkedJson(res, 200, { attempts });
  });

  /** /flaky-count?id=X: how many requests /flaky has seen for this id. */
  route("/flaky-count", (_req, res, url) => {
    sendChunkedJson(res, 200, { attempts: flakyCounts.get(url.searchParams.get("id") ?? "default") ?? 0 });
  });

  /** /chunks?n=5&delay=30: `n` chunks "chunk-<i>\n", flushed one by one `delay` ms apart. */
  route("/chunks", async (_req, res, url) => {
    const n = intParam(url, "n", 5);
    const delay = intParam(url, "delay", 30);
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "x-chunks": String(n) });
    res.flushHeaders();
    for (let i = 0; i < n; i++) {
      if (i > 0) await sleep(delay);
      res.write(`chunk-${i}\n`);
    }
    res.end();
  });

  /**
   * /sse: an event stream written in pieces that split lines and a UTF-8 sequence ("é" is 0xC3 0xA9),
   * with a comment, ids, a named event and a multi-line data field.
   */
  route("/sse", async (_req, res) => {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const pieces: (string | Buffer)[] = [
      ": keep-alive\n\n",
      "id: 1\ndata: hel",
      "lo\n\n",
      "event: greeting\ndata: caf",
      Buffer.from([0xc3]),
      Buffer.concat([Buffer.from([0xa9]), Buffer.from("\n\n")]),
      "data: line one\ndata: line two\n\n",
      "data: [DONE]\n\n",
    ];
    for (const piece of pieces) {
      res.write(piece);
      await sleep(15);
    }
    res.end();
  });

  /** /cut?delay=50: sends part of a chunked body, then destroys the socket mid-body. */
  route("/cut", async (_req, res, url) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("partial-1\n");
    await sleep(intParam(url, "delay", 50));
    res.write("partial-2\n");
    await sleep(intParam(url, "delay", 50));
    res.socket?.destroy();
  });

  /** /slow?ms=500: answers "slow" after `ms` milliseconds. */
  route("/slow", async (req, res, url) => {
    const timer = sleep(intParam(url, "ms", 500));
    await timer;
    if (req.destroyed || res.destroyed) return;
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("slow");
  });

  /** /slow-body?ms=500: headers at once, the body after `ms` milliseconds. */
  route("/slow-body", async (_req, res, url) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("start\n");
    await sleep(intParam(url, "ms", 500));
    if (!res.destroyed) res.end("end\n");
  });

  /** /json?kind=valid|empty|invalid: a JSON body, an empty body, or text that is not JSON. */
  route("/json", (_req, res, url) => {
    const kind = url.searchParams.get("kind") ?? "valid";
    res.writeHead(200, { "content-type": "application/json" });
    if (kind === "empty") res.end();
    else if (kind === "invalid") res.end("{not json");
    else res.end(JSON.stringify({ ok: true, list: [1, 2, 3] }));
  });

  /** /dup-headers: the same header name several times (two Set-Cookie, two X-Multi). */
  route("/dup-headers", (_req, res) => {
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.setHeader("x-multi", ["one", "two"]);
    res.setHeader("X-Mixed-Case", "yes");
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("dup");
  });

  /** /redirect?to=/echo: a 302 to another test route (a path under /__test) of this server. */
  route("/redirect", (_req, res, url) => {
    res.writeHead(302, { location: `${TEST_PREFIX}${url.searchParams.get("to") ?? "/ping"}` });
    res.end();
  });
}
