// The stream server for the throughput benchmarks. Runs in its own process (forked by
// bench/throughput/run.mjs) so the client's CPU time is measured alone. Listens on 127.0.0.1:0,
// reports its port over IPC, and serves pre-built bodies as fast as the socket takes them.
//
// Paths: /<chat|responses>/<n>/v1/chat/completions and /<...>/<n>/v1/responses. The format and the
// delta count live in the base URL, so every client (oaikit, openai, the floor) calls its usual
// endpoint path under a base URL that picks the body.
import { createServer } from "node:http";
import { chatBody, responsesBody } from "../lib/fixtures.mjs";

const bodies = new Map();
function body(format, n) {
  const key = `${format}/${n}`;
  let buf = bodies.get(key);
  if (!buf) {
    buf = format === "chat" ? chatBody(n) : responsesBody(n);
    bodies.set(key, buf);
  }
  return buf;
}

// Build the big bodies before the first request, so no client waits on a JSON.stringify loop.
for (const n of (process.env.BENCH_SIZES ?? "20,10000,100000").split(",").map(Number)) {
  body("chat", n);
  body("responses", n);
}

const server = createServer((req, res) => {
  const match = /^\/(chat|responses)\/(\d+)\/v1\/(chat\/completions|responses)$/.exec(req.url ?? "");
  // Drain the request body first, as a real server does before it answers.
  req.resume();
  req.on("end", () => {
    if (!match || req.method !== "POST") {
      res.writeHead(404, { "content-type": "application/json" });
      res.end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    const buf = body(match[1], Number(match[2]));
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-request-id": "req_bench",
    });
    res.end(buf);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  const sizes = Object.fromEntries([...bodies].map(([key, buf]) => [key, buf.length]));
  process.send?.({ port: typeof address === "object" && address ? address.port : 0, sizes });
});
// Stop with the parent: on its message, or when the IPC channel closes.
process.on("message", (m) => {
  if (m === "stop") process.exit(0);
});
process.on("disconnect", () => process.exit(0));
