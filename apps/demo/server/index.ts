/**
 * The oaikit demo server: a deterministic, dependency-free OpenAI-compatible server on node:http.
 * The demo page talks to it when no key is set; the runtime smoke tests and the benchmarks use it too.
 *
 * Under `/v1`: models, chat/completions, responses (+ get, delete, cancel), completions, embeddings,
 * moderations, images/generations, files. Faults by `x-oaikit-fault` or model `fault:<kind>`;
 * recordings by model `replay:<file>`; pace by `x-oaikit-delay` (ms) or the `delayMs` option.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleChatCompletions } from "./chat.ts";
import { createContext, type ServerContext } from "./context.ts";
import {
  DEMO_MODELS,
  handleCompletions,
  handleEmbeddings,
  handleImages,
  handleModels,
  handleModerations,
} from "./endpoints.ts";
import { type FaultKind, requestedFault, type StreamFault, sendStatusFault } from "./faults.ts";
import {
  handleDeleteFile,
  handleFileContent,
  handleGetFile,
  handleListFiles,
  handleUploadFile,
} from "./files.ts";
import {
  applyCors,
  errorBody,
  HttpError,
  type JsonObject,
  parseJsonObject,
  readBody,
  sendHttpError,
  sendJson,
} from "./http.ts";
import { handleReplay } from "./replay.ts";
import {
  handleCancelResponse,
  handleCreateResponse,
  handleDeleteResponse,
  handleGetResponse,
} from "./responses.ts";
import { handleSync } from "./sync.ts";

export { DEMO_MODELS } from "./endpoints.ts";
export { FAULT_KINDS, type FaultKind } from "./faults.ts";

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /**
   * Delay between streamed pieces in ms (default 15, so a page visibly streams). Use 0 in tests and
   * benchmarks; a request can also set it with the `x-oaikit-delay` header.
   */
  delayMs?: number;
}

/** A running demo server. */
export interface DemoServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:5174`; the API is under `${url}/v1`. */
  url: string;
  /** Stops listening, ends open streams (stalled ones too) and resolves when the server is closed. */
  close(): Promise<void>;
}

/** Default pace of streamed pieces (ms). */
export const DEFAULT_DELAY_MS = 15;

/** Starts the demo server. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const { port = 0, host = "127.0.0.1", delayMs = DEFAULT_DELAY_MS } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startDemoServer: port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  if (typeof delayMs !== "number" || !(delayMs >= 0)) {
    throw new TypeError(`startDemoServer: delayMs must be a number >= 0, got ${String(delayMs)}.`);
  }
  const ctx = createContext(delayMs);
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        if (error instanceof HttpError) sendHttpError(res, error);
        else sendJson(res, 500, errorBody(`Demo server error: ${String(error)}`, "server_error"));
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port: actual } = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const cleanup of [...ctx.cleanups]) cleanup();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  applyCors(req, res);
  res.setHeader("x-request-id", ctx.newId("req_"));
  if (req.method === "OPTIONS") {
    res.writeHead(204, { "content-length": "0" }).end();
    return;
  }
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = req.method ?? "GET";
  const path = url.pathname.replace(/\/+$/, "") || "/";

  if (path === "/" && method === "GET") {
    sendJson(res, 200, {
      name: "oaikit demo server",
      api: "/v1",
      models: DEMO_MODELS,
      faults: "x-oaikit-fault header or model fault:<kind>",
      replay: "model replay:<file from packages/core/test/conformance>",
    });
    return;
  }

  if (path === "/sync" || path.startsWith("/sync/")) return handleSync(req, res, url);
  const segments = path.split("/").slice(1).map(decodeURIComponent);
  if (segments[0] !== "v1") throw notFound(method, url);
  const [, resource, id, action] = segments;

  if (method === "POST" && resource === "files" && id === undefined) {
    const fault = requestedFault(req, undefined);
    if (fault && sendStatusFault(res, fault)) return;
    await handleUploadFile(ctx, req, res);
    return;
  }

  if (method === "POST" && resource === "responses" && id !== undefined && action === "cancel") {
    const fault = requestedFault(req, undefined);
    if (fault && sendStatusFault(res, fault)) return;
    await readBody(req); // a cancel has no body; drain whatever came
    return handleCancelResponse(ctx, res, id);
  }

  if (method === "POST") {
    const body = parseJsonObject(await readBody(req));
    const fault = requestedFault(req, body.model);
    if (fault && sendStatusFault(res, fault)) return;
    const streamFault = fault as StreamFault | undefined;
    const route = segments.slice(1).join("/");
    const replayable = ["chat/completions", "responses", "completions"].includes(route);
    if (replayable && typeof body.model === "string" && body.model.startsWith("replay:")) {
      await handleReplay(ctx, req, res, body.model, streamFault);
      return;
    }
    return postRoute(ctx, req, res, route, body, streamFault, url);
  }

  const fault: FaultKind | undefined = requestedFault(req, undefined);
  if (fault && sendStatusFault(res, fault)) return;
  if (method === "GET" && resource === "models" && action === undefined) return handleModels(res, id);
  if (resource === "files" && method === "GET" && id === undefined) return handleListFiles(ctx, res, url);
  if (resource === "files" && id !== undefined) {
    if (method === "GET" && action === undefined) return handleGetFile(ctx, res, id);
    if (method === "GET" && action === "content") return handleFileContent(ctx, res, id);
    if (method === "DELETE" && action === undefined) return handleDeleteFile(ctx, res, id);
  }
  if (resource === "responses" && id !== undefined && action === undefined) {
    if (method === "GET") return handleGetResponse(ctx, res, id);
    if (method === "DELETE") return handleDeleteResponse(ctx, res, id);
  }
  throw notFound(method, url);
}

async function postRoute(
  ctx: ServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  route: string,
  body: JsonObject,
  fault: StreamFault | undefined,
  url: URL,
): Promise<void> {
  switch (route) {
    case "chat/completions":
      return handleChatCompletions(ctx, req, res, body, fault);
    case "responses":
      return handleCreateResponse(ctx, req, res, body, fault);
    case "completions":
      return handleCompletions(ctx, req, res, body, fault);
    case "embeddings":
      return handleEmbeddings(res, body);
    case "moderations":
      return handleModerations(ctx, res, body);
    case "images/generations":
      return handleImages(res, body);
  }
  throw notFound("POST", url);
}

function notFound(method: string, url: URL): HttpError {
  return new HttpError(404, `Invalid URL (${method} ${url.pathname})`);
}
