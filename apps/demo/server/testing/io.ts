// What the test routes share for reading and writing on the wire: a whole request body (no size cap),
// JSON answers sent chunked (no Content-Length: the tests were written against a chunked server, unlike
// the demo's own `sendJson`), and waits that end early when the client goes away.
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http.ts";

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sleep that ends early when the response closes; resolves `false` if it did. */
export function pause(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once("close", onClose);
  });
}

/** The whole request body, however large: what a test sends a test route is the point of the test. */
export function readTestBody(req: IncomingMessage): Promise<Buffer> {
  return readBody(req, Number.POSITIVE_INFINITY);
}

/** A JSON answer, sent chunked. */
export function sendChunkedJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}
