// The proxy's Node tests' helpers: a proxy served the way a Node user serves it (@hono/node-server, the
// adapter the docs show), raw HTTP requests for what fetch would never send (a `..` path, a forged Host,
// an absolute-form request line, conflicting lengths), and a reader that records what a page receives.

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import type { ProxyHandler } from "../../src/proxy/index.js";

/** A proxy on 127.0.0.1 behind @hono/node-server; `url` has no trailing slash. */
export async function serveProxy(
  handler: ProxyHandler,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  // overrideGlobalObjects: false leaves this process's Request and Response alone (the tests use both).
  const server = createAdaptorServer({ fetch: (request) => handler(request), overrideGlobalObjects: false });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends `head` (request line and headers, CRLF-separated, no final blank line) and `body` on a raw socket; resolves to the status and the whole answer. */
export function rawRequest(port: number, head: string, body = ""): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`);
    setTimeout(() => socket.end(), 2_000).unref();
  });
}

/** Reads a response body chunk by chunk, keeping each read as it came. */
export async function readChunks(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const next = await reader.read();
    if (next.done) return chunks;
    chunks.push(next.value);
  }
}

/** Polls until `predicate` holds, failing after `ms`. */
export async function waitFor(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
