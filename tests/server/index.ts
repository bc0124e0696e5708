import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

const routes = new Map<string, Handler>();

/** Registers a route of the shared test server (exact pathname match). */
export function route(pathname: string, handler: Handler): void {
  routes.set(pathname, handler);
}

const prefixRoutes: [string, Handler][] = [];

/** Registers a handler for every pathname that starts with `prefix` (exact routes win). */
export function routePrefix(prefix: string, handler: Handler): void {
  prefixRoutes.push([prefix, handler]);
}

route("/ping", (_req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("pong");
});

/** Starts the test server on 127.0.0.1 with permissive CORS, so browser tests can call it. */
export async function startTestServer(port = 0): Promise<TestServer> {
  const server = createServer(async (req, res) => {
    res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
    res.setHeader("access-control-allow-headers", req.headers["access-control-request-headers"] ?? "*");
    res.setHeader("access-control-allow-methods", req.headers["access-control-request-method"] ?? "*");
    res.setHeader("access-control-expose-headers", "*");
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      res.writeHead(204).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handler =
      routes.get(url.pathname) ?? prefixRoutes.find(([prefix]) => url.pathname.startsWith(prefix))?.[1];
    if (!handler) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    try {
      await handler(req, res, url);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
