// A hostile server for the security tests: a node:http server on 127.0.0.1 (port 0) whose routes
// are plain handlers, plus helpers that send a body that never ends and count what was written.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a route sees: the request (its headers and body text) and the response to write. */
export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** One request the server received. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface HostileServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request received, in order. */
  received: Received[];
  close(): Promise<void>;
}

/** Starts a server; `handler` answers every request (after its body was read). */
export async function hostileServer(handler: Handler): Promise<HostileServer> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (part: string) => {
      body += part;
    });
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A counter of the bytes `endless` wrote, and whether the client went away. */
export interface Pump {
  written: number;
  closed: Promise<void>;
}

/**
 * Writes `chunk` again and again (respecting back-pressure) until the client closes the connection:
 * a body that does not end. Resolves `closed` when the client has gone. After `cap` bytes (default
 * 64 MiB) it ends the body anyway, so that a regression (a client that reads without limit) fails its
 * test instead of eating the machine's memory.
 */
export function endless(res: ServerResponse, chunk: string | Uint8Array, cap = 64 * 1024 * 1024): Pump {
  const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
  let stop = false;
  const pump: Pump = {
    written: 0,
    closed: new Promise<void>((resolve) => {
      res.on("close", () => {
        stop = true;
        resolve();
      });
    }),
  };
  const write = () => {
    while (!stop) {
      if (pump.written >= cap) {
        res.end();
        return;
      }
      pump.written += bytes.byteLength;
      if (!res.write(bytes)) {
        res.once("drain", write);
        return;
      }
    }
  };
  write();
  return pump;
}
