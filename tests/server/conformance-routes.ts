// Routes of the shared test server that replay the conformance corpus (packages/core/test/conformance).
//
//   /conformance/<chunking>/<file>[/anything]   the file as an HTTP response, with the status and content
//                                                type INDEX.md gives it. `/anything` lets a client use
//                                                `/conformance/<chunking>/<file>` as its baseURL and POST
//                                                to `/chat/completions` or `/responses`.
//   /conformance/raw/<file>                      the file's bytes, 200, as stored (for the browser harness)
//
// <chunking>: `whole` (one write), `bytes` (one byte per write), `random-<seed>` (pieces of 1..97 bytes
// from a seeded PRNG) or `random-<seed>-<max>`. The `x-conformance-chunking` request header overrides it.
// Every write waits for its flush and yields the event loop, so the client sees separate reads.
// `.jsonl` files are wrapped as INDEX.md says: `?wrap=data` (vercel/ai: `data: <line>\n\n` per line,
// then `data: [DONE]\n\n`; the default for chat files) or `?wrap=event` (OpenAI's Responses wire form:
// `event: <type>\ndata: <line>\n\n`, no [DONE]; the default for Responses files).
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { prng, statusOf, wrapJsonl } from "../../packages/core/test/conformance-harness.js";
import { routePrefix } from "./index.js";
import "./stream-fault-routes.js";

const CORPUS_DIR = fileURLToPath(new URL("../../packages/core/test/conformance/", import.meta.url));

const cache = new Map<string, Buffer>();

function load(name: string): Buffer | undefined {
  if (!/^[\w.-]+$/.test(name) || name.startsWith(".")) return undefined;
  let bytes = cache.get(name);
  if (!bytes) {
    try {
      bytes = readFileSync(CORPUS_DIR + name);
    } catch {
      return undefined;
    }
    cache.set(name, bytes);
  }
  return bytes;
}

/** The body to send for a corpus file, and its content type. */
export function corpusResponse(
  name: string,
  bytes: Buffer,
  wrap: string | null,
): { body: Buffer; type: string } {
  if (name.endsWith(".sse")) return { body: bytes, type: "text/event-stream; charset=utf-8" };
  if (name.endsWith(".jsonl")) {
    // No `?wrap`: Responses files in their own wire form, the rest vercel/ai's; any other value: `data`.
    const byName = name.includes("responses") ? "event" : "data";
    const mode = wrap === null ? byName : wrap === "event" ? "event" : "data";
    return {
      body: Buffer.from(wrapJsonl(bytes.toString("utf8"), mode), "utf8"),
      type: "text/event-stream; charset=utf-8",
    };
  }
  if (name.endsWith(".html")) return { body: bytes, type: "text/html; charset=utf-8" };
  return { body: bytes, type: "application/json" };
}

/** The piece sizes a chunking policy cuts `length` bytes into. */
export function pieceSizes(chunking: string, length: number): number[] {
  if (chunking === "bytes") return Array.from({ length }, () => 1);
  const random = /^random-(\d+)(?:-(\d+))?$/.exec(chunking);
  if (random) {
    const next = prng(Number(random[1]));
    const max = Math.max(1, Number(random[2] ?? 97));
    const sizes: number[] = [];
    for (let left = length; left > 0; ) {
      const size = Math.min(left, 1 + Math.floor(next() * max));
      sizes.push(size);
      left -= size;
    }
    return sizes;
  }
  return [length];
}

/** Writes `body` in the pieces of `chunking`, flushing each and yielding between them. */
export async function writeChunked(res: ServerResponse, body: Buffer, chunking: string): Promise<void> {
  const sizes = pieceSizes(chunking, body.length);
  if (sizes.length === 1) {
    res.end(body);
    return;
  }
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  let offset = 0;
  for (const size of sizes) {
    if (closed) return;
    const piece = body.subarray(offset, offset + size);
    offset += size;
    await new Promise<void>((resolve) => res.write(piece, () => resolve()));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!closed) res.end();
}

routePrefix("/conformance/", async (req, res, url) => {
  const [first, second] = url.pathname.slice("/conformance/".length).split("/");
  if (!first || !second) {
    res.writeHead(404, { "content-type": "text/plain" }).end("use /conformance/<chunking>/<file>");
    return;
  }
  const bytes = load(second);
  if (!bytes) {
    res.writeHead(404, { "content-type": "text/plain" }).end(`no corpus file ${second}`);
    return;
  }
  if (first === "raw") {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    res.end(bytes);
    return;
  }
  const header = req.headers["x-conformance-chunking"];
  const chunking = typeof header === "string" && header !== "" ? header : first;
  const { body, type } = corpusResponse(second, bytes, url.searchParams.get("wrap"));
  const status = Number(url.searchParams.get("status")) || statusOf(second);
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-store",
    "x-request-id": `req_conformance_${second.slice(0, 2)}`,
  });
  res.flushHeaders();
  await writeChunked(res, body, chunking);
});
