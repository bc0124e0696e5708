// Test routes that replay the conformance corpus (packages/core/test/conformance) with chosen read
// boundaries, under /__test:
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
// `.jsonl` files are wrapped as INDEX.md says (apps/demo/server/corpus.ts); `?wrap=data` or `?wrap=event`
// chooses. The demo's own `replay:<file>` model (replay.ts) serves the same bytes, paced per event.
import type { ServerResponse } from "node:http";
import { prng } from "../../../../packages/core/test/conformance-wire.ts";
import { corpusFile, recordedStatuses, wireBody } from "../corpus.ts";
import { node } from "../node-route.ts";
import type { TestApp } from "./index.ts";

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

/** Registers `/conformance/...`. */
export function conformanceRoutes(app: TestApp): void {
  app.all(
    "/conformance/*",
    node(async (req, res, url) => {
      const rest = url.pathname.slice(url.pathname.indexOf("/conformance/") + "/conformance/".length);
      const [first, second] = rest.split("/");
      if (!first || !second) {
        res.writeHead(404, { "content-type": "text/plain" }).end("use /conformance/<chunking>/<file>");
        return;
      }
      const bytes = await corpusFile(second);
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
      const wrap = url.searchParams.get("wrap");
      const { body, contentType } = wireBody(
        second,
        bytes,
        wrap === null ? undefined : wrap === "event" ? "event" : "data",
      );
      const status =
        Number(url.searchParams.get("status")) || ((await recordedStatuses()).get(second) ?? 200);
      res.writeHead(status, {
        "content-type": contentType,
        "cache-control": "no-store",
        "x-request-id": `req_conformance_${second.slice(0, 2)}`,
      });
      res.flushHeaders();
      await writeChunked(res, body, chunking);
    }),
  );
}
